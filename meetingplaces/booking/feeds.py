"""Private iCalendar feeds of an organisation's or a resource's bookings, for calendar apps.
The address carries a secret token; only its digest is stored. Renewing the token revokes the
old address at once (it then answers 404)."""

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..calendar import ics
from ..errors import Forbidden, NotFound
from ..models.audit import AuditEntry, record
from ..models.bookings import ACTIVE_OCCURRENCE_STATUSES, Booking, BookingFeed, Occurrence
from ..models.people import Organisation, token_digest
from ..models.places import Resource
from ..policy import can

PAST_DAYS, FUTURE_DAYS = 92, 366


def feed_of(session, thing: Organisation | Resource) -> BookingFeed | None:
    column = (BookingFeed.organisation_id if isinstance(thing, Organisation)
              else BookingFeed.resource_id)
    return session.scalar(select(BookingFeed).where(column == thing.id))


def renew_feed(session, *, actor, thing: Organisation | Resource, now: datetime) -> str:
    """A new secret address for the feed of `thing` (created on first use); the old one stops
    working. Returns the token, to be shown once."""
    if not can(actor, "subscribe_bookings", thing):
        raise Forbidden(_("You cannot subscribe to these bookings."))
    token = secrets.token_urlsafe(32)
    feed = feed_of(session, thing)
    if feed is None:
        feed = BookingFeed(organisation=thing if isinstance(thing, Organisation) else None,
                           resource=thing if isinstance(thing, Resource) else None)
        session.add(feed)
    feed.token_digest = token_digest(token)
    feed.created_by_id = actor.id
    feed.created_at = now
    session.flush()
    record(session, actor=actor, subject_type="booking_feed", subject_id=feed.id,
           action="token_renewed", at=now)
    return token


def rotate_feeds(session, *, user, now: datetime, actor=None, reason: str,
                 organisations=None, quarters=None) -> int:
    """The private feeds `user` could read get a new secret that nobody knows yet: the old
    address answers 404 at once, and the others renew theirs on the feeds page. Called when a
    member leaves or is removed (`organisations`: those left) and when an account is switched
    off (every feed it could subscribe to), and the rooms' feeds of `quarters` a manager no
    longer manages. Returns how many feeds changed."""
    if organisations is not None:
        condition = BookingFeed.organisation_id.in_([o.id for o in organisations])
    elif quarters is not None:
        condition = BookingFeed.resource_id.in_(select(Resource.id).where(
            Resource.quarter_id.in_([q.id for q in quarters])))
    else:
        organisation_ids = [m.organisation_id for m in user.memberships]
        conditions = [BookingFeed.organisation_id.in_(organisation_ids),
                      BookingFeed.created_by_id == user.id]
        if user.is_admin:
            conditions.append(BookingFeed.resource_id.is_not(None))
        elif user.managed_quarters:
            conditions.append(BookingFeed.resource_id.in_(
                select(Resource.id).where(Resource.quarter_id.in_(
                    [q.id for q in user.managed_quarters]))))
        condition = or_(*conditions)
    feeds = list(session.scalars(select(BookingFeed).where(condition)))
    for feed in feeds:
        feed.token_digest = token_digest(secrets.token_urlsafe(32))
        feed.created_at = now
        record(session, actor=actor or user, subject_type="booking_feed", subject_id=feed.id,
               action="token_rotated", details={"reason": reason, "user_id": user.id}, at=now)
    session.flush()
    return len(feeds)


def feed_for_token(session, token: str) -> BookingFeed:
    feed = session.scalar(select(BookingFeed).where(
        BookingFeed.token_digest == token_digest(token or "")))
    if feed is None:
        raise NotFound(_("There is no such feed."))
    return feed


def feed_calendar(session, feed: BookingFeed, *, now: datetime, zone: ZoneInfo) -> str:
    """The feed's VCALENDAR: bookings with a date from a quarter ago to a year ahead."""
    since, until = now - timedelta(days=PAST_DAYS), now + timedelta(days=FUTURE_DAYS)
    query = (
        select(Booking)
        .options(selectinload(Booking.resources).selectinload(Resource.facility),
                 selectinload(Booking.occurrences))
        .order_by(Booking.id)
    )
    dated = select(Occurrence.booking_id).where(
        Occurrence.status.in_(ACTIVE_OCCURRENCE_STATUSES),
        Occurrence.starts_at < until, Occurrence.ends_at > since)
    if feed.organisation_id is not None:
        name = feed.organisation.name
        query = query.where(Booking.organisation_id == feed.organisation_id,
                            Booking.id.in_(dated))
    else:
        name = feed.resource.name
        query = query.where(Booking.id.in_(dated.where(
            Occurrence.resource_id == feed.resource_id)))
    bookings = list(session.scalars(query))
    sequences = dict(session.execute(
        select(AuditEntry.subject_id, func.count(AuditEntry.id))
        .where(AuditEntry.subject_type == "booking",
               AuditEntry.subject_id.in_([b.id for b in bookings]))
        .group_by(AuditEntry.subject_id)
    ).all()) if bookings else {}
    return ics.booking_calendar(bookings, zone=zone, name=name, sequences=sequences,
                            descriptions={b.id: b.purpose for b in bookings})
