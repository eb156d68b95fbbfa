"""Destructive steps ask once before they happen, also without JavaScript.

A form for such a step posts to its own view; until the post carries `confirmed=yes` the view
answers with a page that names what will happen and who is told, and repeats the typed values
as hidden fields behind one "Yes" button. With JavaScript, `form[data-confirm]` asks in a
dialog instead and adds `confirmed=yes` itself (static/js/app.js), so nobody is asked twice.
"""

from flask import render_template, request

FIELD = "confirmed"


def confirmed() -> bool:
    return request.form.get(FIELD) == "yes"


def ask_once(*, question: str, consequences: list[str], confirm_label: str, back: str,
             status: int = 200):
    """The confirmation page: the question, what happens, the form's values kept as typed.
    It posts back to this view, also where the site is served below a path (SCRIPT_NAME)."""
    kept = [(name, value) for name in request.form if name not in ("csrf_token", FIELD)
            for value in request.form.getlist(name)]
    return render_template("confirm.html", question=question, consequences=consequences,
                           confirm_label=confirm_label, back=back, kept=kept,
                           action=request.script_root + request.path), status
