"""The e-mails of the accounts area, each in its recipient's language, with absolute links."""

from contextlib import nullcontext

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from ..links import absolute_url
from ..mail import queue_mail
from ..models import Invitation, InvitationKind, Organisation, User


def _in_language_of(user: User | None):
    """Write in the recipient's language; for someone without an account, in the sender's."""
    if user is not None and user.preferred_language in current_app.config["LANGUAGES"]:
        return force_locale(user.preferred_language)
    return nullcontext()


def _greeting(name: str) -> str:
    return _("Hello %(name)s,", name=name) if name else _("Hello,")


def password_reset(session, user: User, token: str) -> None:
    link = absolute_url("auth.reset_password", token=token)
    hours = current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] // 3600
    with _in_language_of(user):
        subject = _("Set a new password")
        body = "\n\n".join([
            _greeting(user.name),
            _("someone (hopefully you) asked to set a new password for your account at "
              "%(city)s's meeting places. Follow this link to choose one:",
              city=current_app.config["CITY_NAME"]),
            link,
            _("The link works once and for %(hours)d hours. If you did not ask for it, ignore "
              "this message; your password stays as it is.", hours=max(hours, 1)),
        ])
    queue_mail(session, user.email, subject, body)


def _invitation_purpose(invitation: Invitation) -> str:
    if invitation.kind == InvitationKind.MANAGER:
        return _("to manage the quarter %(quarter)s", quarter=invitation.quarter.name)
    if invitation.kind == InvitationKind.ORGANISATION_ADMIN:
        return _("to administer %(organisation)s", organisation=invitation.organisation.name)
    return _("to join %(organisation)s", organisation=invitation.organisation.name)


def invitation(session, invitation: Invitation, token: str, invitee: User | None) -> None:
    link = absolute_url("auth.accept_invitation", token=token)
    inviter = invitation.invited_by.name if invitation.invited_by else current_app.config[
        "CITY_NAME"]
    with _in_language_of(invitee):
        subject = _("Invitation to %(city)s's meeting places", city=current_app.config["CITY_NAME"])
        body = "\n\n".join([
            _greeting(invitee.name if invitee else ""),
            _("%(inviter)s invites you %(purpose)s.", inviter=inviter,
              purpose=_invitation_purpose(invitation)),
            _("Follow this link to accept:") if invitee else
            _("Follow this link to choose your name and password:"),
            link,
            _("The link works once, until %(date)s.",
              date=format_date(invitation.expires_at, "long")),
        ])
    queue_mail(session, invitation.email, subject, body)


def registration_received(session, organisation: Organisation, managers: list[User]) -> None:
    link = absolute_url("invitations.registrations")
    for manager in managers:
        with _in_language_of(manager):
            subject = _("New registration: %(organisation)s", organisation=organisation.name)
            body = "\n\n".join([
                _greeting(manager.name),
                _("%(organisation)s has registered in the quarter %(quarter)s and waits for "
                  "your approval.", organisation=organisation.name,
                  quarter=organisation.quarter.name),
                _("Approve or reject it here:"),
                link,
            ])
        queue_mail(session, manager.email, subject, body)


def registration_decided(session, organisation: Organisation, admins: list[User],
                         reason: str = "") -> None:
    for admin in admins:
        with _in_language_of(admin):
            if organisation.is_active:
                subject = _("%(organisation)s is approved", organisation=organisation.name)
                lines = [
                    _("the registration of %(organisation)s has been approved. You can now "
                      "book rooms and propose events.", organisation=organisation.name),
                    absolute_url("auth.login"),
                ]
            else:
                subject = _("%(organisation)s was not approved", organisation=organisation.name)
                lines = [
                    _("the registration of %(organisation)s has not been approved. The reason "
                      "given:", organisation=organisation.name),
                    reason,
                ]
            body = "\n\n".join([_greeting(admin.name), *lines])
        queue_mail(session, admin.email, subject, body)


def registration_welcome(session, user: User, organisation: Organisation) -> None:
    """To a new account made by registering: what happens next and where to log in."""
    with _in_language_of(user):
        subject = _("Your registration: %(organisation)s", organisation=organisation.name)
        body = "\n\n".join([
            _greeting(user.name),
            _("thank you for registering %(organisation)s. The managers of %(quarter)s will "
              "review it; we will write to you.", organisation=organisation.name,
              quarter=organisation.quarter.name),
            _("Log in with your e-mail address and the password you chose:"),
            absolute_url("auth.login"),
        ])
    queue_mail(session, user.email, subject, body)


def registration_address_taken(session, user: User, organisation_name: str) -> None:
    """Someone registered with the address of an existing account: only its owner learns it."""
    with _in_language_of(user):
        subject = _("Your registration: %(organisation)s", organisation=organisation_name)
        body = "\n\n".join([
            _greeting(user.name),
            _("someone (hopefully you) tried to register %(organisation)s with this e-mail "
              "address. There is already an account with it, so nothing was registered.",
              organisation=organisation_name),
            _("Please log in and register your organisation from your account:"),
            absolute_url("auth.register"),
            _("If you forgot your password, you can set a new one here:"),
            absolute_url("auth.forgot_password"),
        ])
    queue_mail(session, user.email, subject, body)
