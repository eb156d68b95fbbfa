"""Who belongs to an organisation and in which role: its admins change roles and remove members,
members leave. An organisation always keeps an admin whose account works, so that someone can
still invite, book and answer for it; two admins stepping down at once cannot both succeed.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from .booking.feeds import rotate_feeds
from .database import begin_write
from .errors import Conflict, Forbidden, InvalidInput, NotFound
from .models import Membership, MembershipRole, Organisation, User
from .models.audit import record
from .policy import can


@dataclass(frozen=True)
class Member:
    """One line of the members list. `email` and `role` are filled in only for viewers who
    manage the members (the organisation's admins); other members see names."""

    user_id: int
    name: str
    email: str | None
    role: str | None
    active: bool


def members_of(session, organisation: Organisation, *, viewer: User) -> list[Member]:
    if not can(viewer, "view_members", organisation):
        raise Forbidden(_("You do not belong to this organisation."))
    full = can(viewer, "manage_members", organisation)
    rows = session.execute(
        select(User.id, User.name, User.email, User.active, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id)
        .order_by(func.lower(User.name), User.id)
    )
    return [
        Member(user_id=row.id, name=row.name, email=row.email if full else None,
               role=row.role if full else None, active=row.active)
        for row in rows
    ]


def change_role(session, actor: User, organisation: Organisation, user_id: int, role: str, *,
                now: datetime) -> Membership:
    """Make a member an admin or an admin a member; never the last admin."""
    if not can(actor, "manage_members", organisation):
        raise Forbidden(_("Only the organisation's administrators may change roles."))
    try:
        role = MembershipRole(role)
    except ValueError:
        raise InvalidInput(_("Please choose member or administrator.")) from None
    membership = _locked_membership(session, organisation, user_id)
    previous = membership.role
    if previous == role:
        return membership
    if previous == MembershipRole.ADMIN:
        _keep_an_admin(session, organisation, membership,
                       _("%(organisation)s needs at least one administrator. Make another "
                         "member an administrator first.", organisation=organisation.name))
    membership.role = role
    session.flush()
    record(session, actor=actor, subject_type="organisation", subject_id=organisation.id,
           action="member_role_changed",
           details={"user_id": user_id, "from": str(previous), "to": str(role)}, at=now)
    return membership


def remove_member(session, actor: User, organisation: Organisation, user_id: int, *,
                  now: datetime) -> User:
    """An admin takes someone out of the organisation; returns whom."""
    if user_id == actor.id:
        leave(session, actor, organisation, now=now)
        return actor
    if not can(actor, "manage_members", organisation):
        raise Forbidden(_("Only the organisation's administrators may remove members."))
    membership = _locked_membership(session, organisation, user_id)
    _keep_an_admin(session, organisation, membership,
                   _("%(name)s is the last administrator of %(organisation)s and cannot be "
                     "removed. Make another member an administrator first.",
                     name=membership.user.name, organisation=organisation.name))
    removed = membership.user
    session.delete(membership)
    session.flush()
    rotate_feeds(session, user=removed, actor=actor, now=now, reason="member_removed",
                 organisations=[organisation])
    record(session, actor=actor, subject_type="organisation", subject_id=organisation.id,
           action="member_removed", details={"user_id": user_id, "role": str(membership.role)},
           at=now)
    return removed


def leave(session, user: User, organisation: Organisation, *, now: datetime) -> None:
    """A member leaves the organisation; its last admin cannot."""
    if not can(user, "leave", organisation):
        raise Forbidden(_("You do not belong to this organisation."))
    membership = _locked_membership(session, organisation, user.id)
    _keep_an_admin(session, organisation, membership,
                   _("You are the last administrator of %(organisation)s. Make another member "
                     "an administrator before you leave.", organisation=organisation.name))
    session.delete(membership)
    session.flush()
    rotate_feeds(session, user=user, now=now, reason="member_left", organisations=[organisation])
    record(session, actor=user, subject_type="organisation", subject_id=organisation.id,
           action="member_left", details={"user_id": user.id, "role": str(membership.role)},
           at=now)


def _locked_membership(session, organisation: Organisation, user_id: int) -> Membership:
    """Take the organisation's lock (SQLite: the write lock; PostgreSQL: its row), then read the
    membership afresh, so that the admin count below cannot change under us."""
    begin_write(session)
    session.execute(
        select(Organisation.id).where(Organisation.id == organisation.id).with_for_update()
    )
    membership = session.scalar(
        select(Membership)
        .where(Membership.organisation_id == organisation.id, Membership.user_id == user_id)
        .execution_options(populate_existing=True)
    )
    if membership is None:
        raise NotFound(_("This person is not a member of %(organisation)s.",
                         organisation=organisation.name))
    return membership


def is_last_admin(session, organisation: Organisation, user: User) -> bool:
    """Whether `user` is an admin of `organisation` that no other working admin could replace:
    the leave page says so before anyone presses the button."""
    membership = user.membership_in(organisation.id)
    return (membership is not None and membership.role == MembershipRole.ADMIN
            and not _other_admins(session, organisation, user.id))


def _keep_an_admin(session, organisation: Organisation, leaving: Membership,
                   message: str) -> None:
    """Refuse when `leaving` is an admin and no other admin with a working account remains."""
    if leaving.role == MembershipRole.ADMIN and not _other_admins(session, organisation,
                                                                   leaving.user_id):
        raise Conflict(message)


def _other_admins(session, organisation: Organisation, user_id: int) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id == organisation.id,
               Membership.role == MembershipRole.ADMIN,
               Membership.user_id != user_id,
               User.active)
    )
