"""The management area: quarters, facilities, resources, closures, organisations and users.

One blueprint, one module per thing. Every view reads a form, calls one domain function from
meetingplaces.places / organisations / roles and renders or redirects; every permission question
goes to meetingplaces.policy.can.
"""

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...errors import DomainError
from ...extensions import db
from ...forms.manage import ORGANISATION_STATUSES
from ...models import OrganisationStatus, OutboxMessage, Quarter, User
from ...organisations import organisations_in
from ...places import quarters_managed_by
from ...policy import can
from ..confirm import ask_once

bp = Blueprint("manage", __name__, url_prefix="/manage")


def deactivation_asked(back: str):
    """Switching a place or an account off asks once; switching it on again undoes it."""
    return ask_once(question=_("Really deactivate?"),
                    consequences=[_("It no longer appears on public pages and cannot be "
                                    "used; you can reactivate it at any time.")],
                    confirm_label=_("Yes, deactivate"), back=back)


@bp.before_request
@login_required
def _require_manager():
    require("administer", Quarter)


@bp.context_processor
def _policy_in_templates():
    return {
        "can": lambda action, thing: can(current_user, action, thing),
        "outbox_message_class": OutboxMessage,
        "organisation_status_label": lambda status: str(
            dict(ORGANISATION_STATUSES).get(status, status)
        ),
    }


@bp.get("/")
def index():
    managed = quarters_managed_by(db.session, current_user)
    return render_template(
        "manage/index.html",
        quarters=managed,
        pending_organisations=organisations_in(
            db.session, managed, status=OrganisationStatus.PENDING
        ),
        may_create_quarter=can(current_user, "create", Quarter),
        may_list_users=can(current_user, "list", User),
    )


# --- helpers shared by the modules of this blueprint --------------------------------------------


def require(action: str, thing) -> None:
    if not can(current_user, action, thing):
        abort(403)


def get_or_404(model, thing_id: int):
    return db.session.get(model, thing_id) or abort(404)


def add_error(form, error: DomainError) -> None:
    """Put a domain error next to its field, or above the form when it names none."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)


def submit_form(form, save: Callable, *, template: str, done: Callable[[object], str],
                message: str, **context):
    """Validate, save through the domain, commit and redirect; otherwise show the form again
    with every typed value and the errors next to their fields (422)."""
    if form.validate_on_submit():
        try:
            thing = save()
        except DomainError as error:
            db.session.rollback()
            add_error(form, error)
            return render_template(template, form=form, **context), error.status
        db.session.commit()
        flash(message, "success")
        return redirect(done(thing))
    status = 422 if form.is_submitted() else 200
    return render_template(template, form=form, **context), status


def choices_of(things) -> list[tuple[int, str]]:
    return [(thing.id, thing.name) for thing in things]


from . import (  # noqa: E402, F401
    closures,
    facilities,
    mail,
    organisations,
    quarters,
    resources,
    users,
)
