"""Personal data (DSGVO / GDPR): what is stored about a person, their account's deletion, and
the anonymisation of guests and past bookings after the retention period.

Bookings, events and figures stay when a person goes: they are what the city's reports count.
What named the person is emptied or replaced, so nothing leads back to them.
"""

from dataclasses import dataclass
from datetime import datetime

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update

from ..booking.feeds import rotate_feeds
from ..errors import Conflict, InvalidInput
from ..models import ApiToken, Invitation, Membership, MembershipRole, User
from ..models.audit import AuditEntry, record
from ..models.bookings import Booking, Guest, Occurrence, WaitingRequest
from ..models.events import Event
from ..models.mail import OutboxMessage

DELETED_DOMAIN = "deleted.invalid"  # RFC 2606: never a real address


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def export(session, user: User) -> dict:
    """Everything stored about `user`, as JSON-ready data (Art. 15 and 20 DSGVO)."""
    bookings = session.scalars(
        select(Booking).where(Booking.requested_by_id == user.id).order_by(Booking.id))
    events = session.scalars(
        select(Event).where(Event.proposed_by_id == user.id).order_by(Event.id))
    audit = session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.id))
    invitations = session.scalars(
        select(Invitation).where(Invitation.email == user.email).order_by(Invitation.id))
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id))
    return {
        "account": {
            "id": user.id, "email": user.email, "name": user.name,
            "preferred_language": user.preferred_language, "is_admin": user.is_admin,
            "is_spielmobil_staff": user.is_spielmobil_staff, "active": user.active,
            "created_at": _iso(user.created_at), "last_login_at": _iso(user.last_login_at),
            "managed_quarters": [q.name for q in user.managed_quarters],
            "reminders": {"bookings": user.remind_bookings, "events": user.remind_events,
                          "stops": user.remind_stops},
        },
        "memberships": [
            {"organisation": m.organisation.name, "role": str(m.role),
             "since": _iso(m.created_at)} for m in user.memberships],
        "bookings_requested": [
            {"id": b.id, "title": b.title, "purpose": b.purpose, "status": str(b.status),
             "organisation": b.organisation.name if b.organisation else None,
             "resources": [r.name for r in b.resources], "rrule": b.rrule,
             "local_start": _iso(b.local_start), "local_end": _iso(b.local_end),
             "created_at": _iso(b.created_at)} for b in bookings],
        "events_proposed": [
            {"id": e.id, "title": e.title, "status": str(e.status)} for e in events],
        "invitations": [
            {"kind": str(i.kind), "created_at": _iso(i.created_at),
             "accepted_at": _iso(i.accepted_at)} for i in invitations],
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "created_at": _iso(t.created_at),
             "last_used_at": _iso(t.last_used_at), "revoked_at": _iso(t.revoked_at)}
            for t in tokens],
        "activity_log": [
            {"at": _iso(a.at), "action": a.action, "subject_type": a.subject_type,
             "subject_id": a.subject_id, "details": a.details} for a in audit],
    }


def delete_account(session, user: User, *, password: str, now: datetime) -> None:
    """The person deletes their own account (Art. 17 DSGVO), confirmed by the password.

    The row stays, emptied, so that bookings and the log keep counting; name and address go,
    the memberships, tokens and sessions end, feeds they could read get new addresses. The
    last administrator of an organisation must hand over first."""
    if not user.check_password(password or ""):
        raise InvalidInput(_("The password is wrong."), field="password")
    for membership in user.memberships:
        others = session.scalar(
            select(func.count()).select_from(Membership).join(User)
            .where(Membership.organisation_id == membership.organisation_id,
                   Membership.role == MembershipRole.ADMIN, Membership.user_id != user.id,
                   User.active))
        if membership.role == MembershipRole.ADMIN and not others:
            raise Conflict(_("You are the last administrator of %(organisation)s. Make another "
                             "member an administrator first.",
                             organisation=membership.organisation.name))
    rotate_feeds(session, user=user, now=now, reason="account_deleted")
    record(session, actor=user, subject_type="user", subject_id=user.id,
           action="account_deleted", at=now)
    _empty(session, user)


def _empty(session, user: User) -> None:
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    session.execute(delete(Invitation).where(Invitation.email == user.email))
    session.execute(update(OutboxMessage).where(OutboxMessage.recipient == user.email)
                    .values(recipient=f"user-{user.id}@{DELETED_DOMAIN}", body="", subject=""))
    for membership in list(user.memberships):
        session.delete(membership)
    user.managed_quarters = []
    user.email = f"user-{user.id}@{DELETED_DOMAIN}"
    user.name = ""
    user.password_hash = ""
    user.active = user.is_admin = user.is_spielmobil_staff = False
    user.last_login_at = None
    user.end_all_sessions()
    session.flush()


@dataclass(frozen=True)
class Anonymised:
    bookings: int
    guests: int
    waiting: int
    mails: int


def anonymise_past(session, *, now: datetime, months: int) -> Anonymised:
    """Guests' and past bookers' names, e-mails and purposes go `months` after the last
    booked date; the bookings themselves (rooms, times, numbers) stay for the reports.
    Idempotent: run it daily (`flask anonymise-personal-data`)."""
    cutoff = now - relativedelta(months=months)
    last_date = (select(Occurrence.booking_id, func.max(Occurrence.ends_at).label("last"))
                 .group_by(Occurrence.booking_id).subquery())
    past = select(Booking.id).outerjoin(last_date, last_date.c.booking_id == Booking.id).where(
        or_(last_date.c.last < cutoff, last_date.c.last.is_(None) & (Booking.created_at < cutoff)))
    bookings = session.execute(
        update(Booking).where(Booking.id.in_(past), or_(
            Booking.purpose != "", Booking.guest_name != "",
            Booking.guest_organisation_name != ""))
        .values(purpose="", guest_name="", guest_organisation_name="")
        .execution_options(synchronize_session=False)).rowcount
    waiting = session.execute(
        update(WaitingRequest).where(WaitingRequest.ends_at < cutoff,
                                     WaitingRequest.purpose != "")
        .values(purpose="").execution_options(synchronize_session=False)).rowcount
    recent = select(Booking.guest_id).where(Booking.guest_id.is_not(None),
                                            Booking.id.not_in(past))
    waiting_recent = select(WaitingRequest.guest_id).where(
        WaitingRequest.guest_id.is_not(None), WaitingRequest.ends_at >= cutoff)
    guests = list(session.scalars(select(Guest).where(
        Guest.created_at < cutoff, Guest.id.not_in(recent), Guest.id.not_in(waiting_recent),
        ~Guest.email.like(f"%@{DELETED_DOMAIN}"))))
    for guest in guests:
        session.execute(update(AuditEntry).where(AuditEntry.actor_label == guest.email)
                        .values(actor_label="").execution_options(synchronize_session=False))
        guest.name = guest.organisation_name = ""
        guest.email = f"guest-{guest.id}@{DELETED_DOMAIN}"
    mails = session.execute(
        delete(OutboxMessage).where(OutboxMessage.created_at < cutoff,
                                    or_(OutboxMessage.sent_at.is_not(None),
                                        OutboxMessage.failed_at.is_not(None)))
        .execution_options(synchronize_session=False)).rowcount
    session.flush()
    return Anonymised(bookings=bookings, guests=len(guests), waiting=waiting, mails=mails)
