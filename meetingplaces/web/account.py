"""The logged-in user's own account: profile, password, API tokens, their data (download,
deletion)."""

import json

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..accounts import invitations, passwords, personal_data, profiles, tokens
from ..config import LANGUAGES
from ..errors import DomainError
from ..extensions import db
from ..forms.account import ApiTokenForm, ChangePasswordForm, DeleteAccountForm, ProfileForm
from ..i18n import LANGUAGE_OFFER
from ..models import ApiToken
from ..models.rounds import RoundDate
from ..models.types import utcnow
from ..policy import can
from .confirm import ask_once, confirmed
from .form_errors import refused

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
@login_required
def _require_login():
    return None



def _user():
    return current_user._get_current_object()


def _language_choices() -> list[tuple[str, str, dict]]:
    # Each language named in itself, marked so that screen readers pronounce it right.
    return [(code, LANGUAGES.get(code, code), {"lang": code})
            for code in current_app.config["LANGUAGES"]]


@bp.route("/", methods=["GET", "POST"])
def profile():
    user = _user()
    form = ProfileForm(obj=user)
    form.preferred_language.choices = _language_choices()
    if not can(user, "list_own", RoundDate):
        del form.remind_stops  # only the Spielmobil team has stops
    if form.validate_on_submit():
        try:
            profiles.update(user, name=form.name.data,
                            preferred_language=form.preferred_language.data,
                            languages=current_app.config["LANGUAGES"],
                            reminders={name: form[name].data for name in profiles.REMINDERS
                                       if name in form})
        except DomainError as error:
            refused(form, error)
            return _render_profile(form), error.status
        db.session.commit()
        _read_in(user.preferred_language)
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("account.profile"))
    return _render_profile(form), 422 if form.errors else 200


def _read_in(language: str) -> None:
    """The language just saved in the profile is the one this session reads in from now on."""
    session["lang"] = language
    session.pop(LANGUAGE_OFFER, None)


def _render_profile(form):
    return render_template("account/profile.html", form=form, user=current_user,
                           may_invite=invitations.may_invite_someone(_user()))


@bp.route("/password", methods=["GET", "POST"])
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            passwords.change_password(db.session, _user(),
                                      current_password=form.current_password.data,
                                      password=form.password.data, now=utcnow())
        except DomainError as error:
            refused(form, error)
            return render_template("account/password.html", form=form), error.status
        db.session.commit()
        # The new password ended every session, this one too: continue it under the new id.
        remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        login_user(_user(), remember=remember_cookie in request.cookies)
        flash(_("Your new password is set. Other devices are logged out."), "success")
        return redirect(url_for("account.profile"))
    return render_template("account/password.html", form=form), 422 if form.errors else 200


@bp.route("/tokens", methods=["GET", "POST"])
def api_tokens():
    """The secret of a new token is shown in this response only, never stored or flashed."""
    form = ApiTokenForm()
    secret = None
    status = 200
    if form.validate_on_submit():
        try:
            _, secret = tokens.create(db.session, _user(), form.name.data, now=utcnow())
        except DomainError as error:
            refused(form, error)
            status = error.status
        else:
            db.session.commit()
            form = ApiTokenForm(formdata=None)
    elif form.errors:
        status = 422
    return render_template(
        "account/tokens.html", form=form, secret=secret,
        tokens=tokens.owned_by(db.session, _user()),
    ), status


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_api_token(token_id: int):
    """CSRFProtect checks the token of this button's form, as of every POST."""
    token = db.session.get(ApiToken, token_id) or abort(404)
    if not confirmed():
        return ask_once(question=_("Revoke this token?"),
                        consequences=[_("Programs using it stop working.")],
                        confirm_label=_("Yes, revoke"), back=url_for("account.api_tokens"))
    tokens.revoke(db.session, _user(), token, now=utcnow())
    db.session.commit()
    flash(_("The token %(name)s no longer works.", name=token.name), "success")
    return redirect(url_for("account.api_tokens"))


@bp.post("/language")
def keep_language():
    """Save the language the person reads in to the profile (offered after logging in)."""
    user = _user()
    language = request.form.get("language", "")
    try:
        profiles.update(user, name=user.name, preferred_language=language,
                        languages=list(current_app.config["LANGUAGES"]))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("account.profile"))
    db.session.commit()
    _read_in(language)
    flash(_("Pages and mails now come in %(language)s.", language=LANGUAGES[language]),
          "success")
    return redirect(url_for("account.profile"))


@bp.get("/data.json")
def my_data():
    """Everything stored about me, as a JSON download (DSGVO Art. 15 and 20)."""
    data = personal_data.export(db.session, _user())
    response = current_app.response_class(
        json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/delete", methods=["GET", "POST"])
def delete():
    """Delete my account (DSGVO Art. 17): asks for the password; bookings stay, anonymised."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            personal_data.delete_account(db.session, _user(), password=form.password.data,
                                         now=utcnow())
        except DomainError as error:
            status = refused(form, error)  # before rendering: it puts the message on the form
            return render_template("account/delete.html", form=form), status
        db.session.commit()
        logout_user()
        flash(_("Your account is deleted. Bookings and events stay without your name."),
              "success")
        return redirect(url_for("public.home"))
    return render_template("account/delete.html", form=form), 422 if form.errors else 200
