"""Invitations: an admin invites managers, a manager an organisation's first admin, an
organisation admin its members. A link works once, until it expires or is withdrawn.

Inviting an address that already has an account is fine: accepting adds the role to it.
"""

import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from ..addresses import check_email
from ..database import begin_write
from ..errors import Conflict, Forbidden, InvalidInput
from ..models import (
    Invitation,
    InvitationKind,
    Membership,
    MembershipRole,
    Organisation,
    Quarter,
    User,
)
from ..models.audit import record
from ..models.people import normalise_email, token_digest
from ..policy import can
from . import InvalidLink, notifications
from .passwords import check_new_password

# Which permission each kind of invitation needs, on which target.
PERMISSION = {
    InvitationKind.MANAGER: "invite_manager",
    InvitationKind.ORGANISATION_ADMIN: "invite_admin",
    InvitationKind.ORGANISATION_MEMBER: "invite_member",
}


def user_by_email(session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def _already_holds(user: User, kind: str, target) -> bool:
    if kind == InvitationKind.MANAGER:
        return any(q.id == target.id for q in user.managed_quarters)
    membership = user.membership_in(target.id)
    if kind == InvitationKind.ORGANISATION_ADMIN:
        return membership is not None and membership.role == MembershipRole.ADMIN
    return membership is not None


def invite(session, inviter: User, *, email: str, kind: str, target: Quarter | Organisation,
           max_age_days: int, now: datetime) -> tuple[Invitation, str]:
    """Create an invitation and mail its link; returns it with the secret token.

    A new invitation to the same address for the same role replaces any open one.
    """
    kind = InvitationKind(kind)
    if target is None:
        field = "quarter" if kind == InvitationKind.MANAGER else "organisation"
        raise InvalidInput(_("Please choose where to invite to."), field=field)
    if not can(inviter, PERMISSION[kind], target):
        raise Forbidden(_("You may not send this invitation."))
    email = check_email(email)
    invitee = user_by_email(session, email)
    if invitee is not None and _already_holds(invitee, kind, target):
        raise Conflict(_("%(email)s already has this role.", email=email), field="email")
    target_column = Invitation.quarter_id if kind == InvitationKind.MANAGER \
        else Invitation.organisation_id
    session.execute(
        update(Invitation)
        .where(Invitation.email == email, Invitation.kind == kind, target_column == target.id,
               Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        kind=kind,
        quarter=target if kind == InvitationKind.MANAGER else None,
        organisation=target if kind != InvitationKind.MANAGER else None,
        invited_by=inviter,
        token_digest=token_digest(token),
        created_at=now,
        expires_at=now + timedelta(days=max_age_days),
    )
    session.add(invitation)
    session.flush()
    record(session, actor=inviter, subject_type="invitation", subject_id=invitation.id,
           action="created", details={"email": email, "kind": kind}, at=now)
    notifications.invitation(session, invitation, token, invitee)
    return invitation, token


def invitation_for_token(session, token: str, now: datetime) -> Invitation:
    """The invitation behind a link, if it can still be accepted."""
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_digest == token_digest(token or ""))
    )
    if invitation is None:
        raise InvalidLink(_("This invitation link is not valid."))
    if invitation.revoked_at is not None:
        raise InvalidLink(_("This invitation has been withdrawn."))
    if invitation.accepted_at is not None:
        raise InvalidLink(_("This invitation has already been accepted. Please log in."))
    if now >= invitation.expires_at:
        raise InvalidLink(_("This invitation has expired. Please ask for a new one."))
    return invitation


def accept(session, token: str, *, now: datetime, name: str = "", password: str = "",
           language: str = "de") -> User:
    """Accept an invitation: a new address gets an account with `name` and `password`, a known
    one gets the role added. Returns the account. On an error the caller rolls back, which
    gives the invitation back."""
    begin_write(session)
    invitation = invitation_for_token(session, token, now)
    # Claim the invitation first, in the database: of two clicks at once only one gets it.
    claimed = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None),
               Invitation.revoked_at.is_(None))
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise InvalidLink(_("This invitation has already been accepted. Please log in."))
    invitation.accepted_at = now
    user = user_by_email(session, invitation.email)
    if user is None:
        name = (name or "").strip()
        if not name:
            raise InvalidInput(_("Please enter your name."), field="name")
        check_new_password(password)
        user = User(email=invitation.email, name=name, preferred_language=language)
        user.set_password(password)
        session.add(user)
        session.flush()
    elif not user.active:
        raise InvalidLink(_("This account has been deactivated. Please contact the city."))
    _grant(session, user, invitation)
    record(session, actor=user, subject_type="invitation", subject_id=invitation.id,
           action="accepted", at=now)
    return user


def _grant(session, user: User, invitation: Invitation) -> None:
    if invitation.kind == InvitationKind.MANAGER:
        if invitation.quarter not in user.managed_quarters:
            user.managed_quarters.append(invitation.quarter)
        return
    wanted = (MembershipRole.ADMIN if invitation.kind == InvitationKind.ORGANISATION_ADMIN
              else MembershipRole.MEMBER)
    membership = user.membership_in(invitation.organisation_id)
    if membership is None:
        session.add(Membership(user=user, organisation=invitation.organisation, role=wanted))
    elif wanted == MembershipRole.ADMIN:
        membership.role = MembershipRole.ADMIN  # an invitation never demotes


def revoke(session, actor: User, invitation: Invitation, now: datetime) -> None:
    if not can(actor, "revoke", invitation):
        raise Forbidden(_("You may not withdraw this invitation."))
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation has already been accepted."))
    if invitation.revoked_at is None:
        invitation.revoked_at = now
        record(session, actor=actor, subject_type="invitation", subject_id=invitation.id,
               action="revoked", at=now)


def visible_to(session, user: User) -> list[Invitation]:
    """The invitations `user` sent or could send: all for admins, their quarters' organisations
    for managers, their own organisations for organisation admins. Newest first."""
    query = (
        select(Invitation)
        .options(selectinload(Invitation.quarter), selectinload(Invitation.organisation),
                 selectinload(Invitation.invited_by))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    if not user.is_admin:
        quarter_ids = [q.id for q in user.managed_quarters]
        admin_of = [m.organisation_id for m in user.memberships
                    if m.role == MembershipRole.ADMIN]
        query = query.join(Organisation, Invitation.organisation_id == Organisation.id).where(
            or_(Organisation.quarter_id.in_(quarter_ids), Organisation.id.in_(admin_of))
        )
    return [i for i in session.scalars(query) if can(user, "view", i)]


def may_invite_someone(user: User) -> bool:
    """Whether to offer the invitations pages at all."""
    return user.is_manager or any(
        can(user, "invite_member", m.organisation) for m in user.memberships
    )


def status(invitation: Invitation, now: datetime) -> str:
    """open, accepted, revoked or expired: what the list shows."""
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if now >= invitation.expires_at:
        return "expired"
    return "open"
