"""Logging in and out, forgotten passwords, accepting invitations, registering an initiative."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from ..accounts import InvalidLink, invitations, passwords, registrations
from ..errors import DomainError
from ..extensions import db, limiter
from ..forms.auth import (
    AcceptInvitationForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterInitiativeForm,
    RegisterOrganisationForm,
    ResetPasswordForm,
)
from ..forms.base import ConfirmForm
from ..i18n import chosen_language, keep_reading_language
from ..links import same_site_path
from ..models import Quarter
from ..models.types import utcnow
from .form_errors import refused

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _is_failed_login(response) -> bool:
    return request.method == "POST" and response.status_code == 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_is_failed_login)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = passwords.verify_login(db.session, form.email.data, form.password.data)
        if user is not None:
            user.last_login_at = utcnow()
            db.session.commit()
            reading = chosen_language()
            login_user(user, remember=form.remember.data)
            keep_reading_language(user, reading)
            return redirect(_safe_next() or url_for("start.index"))
        form.password.errors.append(_("E-mail or password is wrong."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    # Every session of the user ends, also a copied cookie and the other devices'.
    current_user.end_all_sessions()
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("public.home"))


def _safe_next() -> str | None:
    """Only follow ?next= within this site."""
    return same_site_path(request.args.get("next"))


def _failed(form, error: DomainError, template: str, **context):
    """Re-render a form after the domain said no: the message by its field, the input kept."""
    refused(form, error)
    return render_template(template, form=form, **context), error.status


def _invalid_link(error: InvalidLink, *, reset: bool = False):
    db.session.rollback()
    return render_template("auth/link_invalid.html", message=error.message, reset=reset), \
        error.status


def _reset_settings() -> dict:
    return {
        "secret_key": current_app.config["SECRET_KEY"],
        "max_age": current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"],
    }


def _registration_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


# Every request of a reset link costs a mail: limited per address like failed logins, and
# with registrations (each answers the same whether an account exists).
@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.shared_limit(_registration_limit, "registration", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        passwords.request_password_reset(
            db.session, form.email.data, secret_key=current_app.config["SECRET_KEY"], now=utcnow()
        )
        db.session.commit()
        # The same answer whether or not the address has an account.
        flash(_("If %(email)s belongs to an account, a link to set a new password is on its "
                "way. Please check your inbox.", email=form.email.data), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), 422 if form.errors else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    now = utcnow()
    try:
        user = passwords.user_for_reset_token(db.session, token, **_reset_settings(), now=now)
    except InvalidLink as error:
        return _invalid_link(error, reset=True)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            passwords.reset_password(db.session, token, form.password.data,
                                     **_reset_settings(), now=now)
        except InvalidLink as error:
            return _invalid_link(error, reset=True)
        except DomainError as error:
            return _failed(form, error, "auth/reset_password.html", user=user)
        db.session.commit()
        flash(_("Your new password is set. Please log in with it."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, user=user), \
        422 if form.errors else 200


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    now = utcnow()
    try:
        invitation = invitations.invitation_for_token(db.session, token, now)
    except InvalidLink as error:
        return _invalid_link(error)
    invitee = invitations.user_by_email(db.session, invitation.email)
    form = ConfirmForm() if invitee else AcceptInvitationForm()
    context = {"invitation": invitation, "invitee": invitee}
    if form.validate_on_submit():
        try:
            user = invitations.accept(
                db.session, token, now=now,
                name=form.name.data if invitee is None else "",
                password=form.password.data if invitee is None else "",
                language=str(get_locale()),
            )
        except InvalidLink as error:
            return _invalid_link(error)
        except DomainError as error:
            return _failed(form, error, "auth/accept_invitation.html", **context)
        db.session.commit()
        flash(_("Welcome! The invitation is accepted."), "success")
        if invitee is None:
            login_user(user)
        elif not (current_user.is_authenticated and current_user.id == user.id):
            # The link proves the address, not the password: log in to the account as usual.
            logout_user()
            return redirect(url_for("auth.login"))
        return redirect(url_for("account.profile"))
    return render_template("auth/accept_invitation.html", form=form, **context), \
        422 if form.errors else 200


def _quarter_choices() -> list:
    quarters = db.session.scalars(
        select(Quarter).where(Quarter.active).order_by(Quarter.city, Quarter.name)
    )
    return [("", _("Please choose"))] + [
        (quarter.id, f"{quarter.name} ({quarter.city})") for quarter in quarters
    ]


# Each registration mails: limit how many one address can send, every attempt counting.
@bp.route("/register", methods=["GET", "POST"])
@limiter.shared_limit(_registration_limit, "registration", methods=["POST"])
def register():
    """An initiative registers itself; a manager of its quarter approves it."""
    logged_in = current_user.is_authenticated
    form = RegisterOrganisationForm() if logged_in else RegisterInitiativeForm()
    form.quarter.choices = _quarter_choices()
    if form.validate_on_submit():
        try:
            organisation = registrations.register(
                db.session,
                organisation_name=form.organisation_name.data,
                kind=form.kind.data,
                quarter_id=form.quarter.data,
                description=form.description.data,
                registrant=current_user._get_current_object() if logged_in else None,
                name="" if logged_in else form.name.data,
                email="" if logged_in else form.email.data,
                password="" if logged_in else form.password.data,
                language=str(get_locale()),
                now=utcnow(),
            )
        except DomainError as error:
            return _failed(form, error, "auth/register.html")
        db.session.commit()
        if not logged_in:
            # The same answer whether or not the address had an account: the mail tells.
            flash(_("Thank you! We have written to %(email)s about the registration of "
                    "%(organisation)s. Please check your inbox.", email=form.email.data,
                    organisation=form.organisation_name.data), "success")
            return redirect(url_for("auth.login"))
        flash(_("Thank you! %(organisation)s is registered. The managers of %(quarter)s will "
                "review it; we will write to you.", organisation=organisation.name,
                quarter=organisation.quarter.name), "success")
        return redirect(url_for("account.profile"))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200
