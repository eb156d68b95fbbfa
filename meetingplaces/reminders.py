"""Reminders the day before: the booker of each confirmed booked date, the Spielmobil staff of
their stops and the organiser of each event date get a mail about tomorrow (in the city's
time), in their own language, through the outbox. Each person switches each kind off on their
account page; cancelled dates get none.

Once per date, however often this runs and on however many nodes: the date is claimed in
`sent_reminders` in the same transaction as its mails (`claim`, also used by the attendance
reminder). Contract as in booking/requests.py: session, `now` and the zone are passed in, the
work is flushed, not committed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel import dates
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import insert, or_, select
from sqlalchemy.orm import selectinload

from .booking_origins import asked_for
from .database import begin_write
from .i18n import FORMAT_LOCALES
from .mail import queue_mail
from .models import Membership, MembershipRole, Organisation, Resource, SentReminder
from .models.bookings import Booking, Occurrence, OccurrenceStatus
from .models.events import Event, EventStatus
from .models.reports import EventDate
from .models.rounds import RoundDate, RoundDateStatus, Stop


@dataclass(frozen=True)
class Links:
    """Builds the addresses the mails point to (the caller knows the site's URL)."""

    booking: Callable[[Booking, bool], str]  # (booking, for a guest?) -> its page
    stop: Callable[[RoundDate], str]
    event: Callable[[Event], str]
    settings: str  # the account page, where reminders are switched off


def claim(session, model, **key) -> bool:
    """Insert the row that says "done" unless it is there: True for the one caller that
    inserted it. On PostgreSQL a second transaction inserting the same key waits for the
    first and then inserts nothing; on SQLite the write lock (begin_write) orders them."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - the app runs on these two only
        dialect_insert = insert
    table = model.__table__
    statement = (dialect_insert(table).values(**key).on_conflict_do_nothing()
                 .returning(*table.primary_key.columns))
    return session.execute(statement).first() is not None


def tomorrow(now: datetime, zone: ZoneInfo) -> tuple[date, datetime, datetime]:
    day = now.astimezone(zone).date() + timedelta(days=1)
    return (day, datetime.combine(day, time(), zone),
            datetime.combine(day + timedelta(days=1), time(), zone))


def send_day_before(session, *, now: datetime, zone: ZoneInfo, links: Links) -> int:
    """Queue tomorrow's reminders; returns the number of mails queued."""
    begin_write(session)
    day, since, until = tomorrow(now, zone)
    queued = 0
    for send in (_booked_dates, _stops, _event_dates):
        queued += send(session, since, until, zone, links, now)
    session.flush()
    return queued


def _mail(session, person, zone: ZoneInfo, write, quarter_id: int | None) -> int:
    """One mail in the person's language; `write(when)` gives subject and body, `when`
    formatting an instant as the person reads dates and times (no seconds); `quarter_id`: the
    date's quarter, whose managers see the mail if it cannot be delivered."""
    language = person.preferred_language
    locale = FORMAT_LOCALES.get(language, language)

    def when(moment: datetime, what: str = "time") -> str:
        if what == "date":
            return dates.format_date(moment.astimezone(zone), "full", locale=locale)
        return dates.format_time(moment, "short", tzinfo=zone, locale=locale)

    with force_locale(language):
        subject, body = write(when)
    queue_mail(session, person.email, subject, body, quarter_id=quarter_id)
    return 1


def _switch_off_note(links: Links) -> str:
    return _("You get this reminder the day before. You can switch it off on your account "
             "page: %(link)s", link=links.settings)


def _booked_dates(session, since, until, zone, links: Links, now) -> int:
    """The booker (the requesting person, or a guest) of each confirmed date tomorrow; the
    van's dates of a round are the stops' business."""
    rows = session.scalars(
        select(Occurrence)
        .where(Occurrence.status == OccurrenceStatus.CONFIRMED,
               Occurrence.starts_at >= since, Occurrence.starts_at < until,
               asked_for(Occurrence.booking_id))
        .options(selectinload(Occurrence.booking).selectinload(Booking.requested_by),
                 selectinload(Occurrence.booking).selectinload(Booking.guest),
                 selectinload(Occurrence.resource).selectinload(Resource.facility))
        .order_by(Occurrence.starts_at, Occurrence.id)).all()
    dated: dict[tuple, list[Occurrence]] = {}
    for occurrence in rows:
        dated.setdefault((occurrence.booking_id, occurrence.original_date), []).append(occurrence)
    queued = 0
    for (booking_id, original_date), occurrences in dated.items():
        booking = occurrences[0].booking
        person = booking.requested_by or booking.guest
        if person is None or not claim(session, SentReminder, kind="booking",
                                       subject_id=booking_id, day=original_date, sent_at=now):
            continue
        is_guest = booking.requested_by is None
        if not is_guest and not (person.active and person.remind_bookings):
            continue
        first = min(occurrences, key=lambda o: o.starts_at)
        last_end = max(o.ends_at for o in occurrences)
        rooms = ", ".join(_where(o.resource, booking.location) for o in occurrences)

        def write(when, booking=booking, first=first, last_end=last_end, rooms=rooms,
                  is_guest=is_guest):
            body = _("Your booking \"%(title)s\" is tomorrow, %(date)s, from %(start)s to "
                     "%(end)s: %(where)s.\n\nThe booking: %(link)s",
                     title=booking.title, date=when(first.starts_at, "date"),
                     start=when(first.starts_at), end=when(last_end), where=rooms,
                     link=links.booking(booking, is_guest))
            if not is_guest:
                body += "\n\n" + _switch_off_note(links)
            return (_("Tomorrow %(start)s: %(title)s", start=when(first.starts_at),
                      title=booking.title), body)

        queued += _mail(session, person, zone, write, first.resource.quarter_id)
    return queued


def _where(resource: Resource, location: str) -> str:
    """"Room, facility, address" for a room; where the van stands for a mobile resource."""
    if resource.facility is None:
        return f"{resource.name}, {location}" if location else resource.name
    return f"{resource.name}, {resource.facility.name}, {resource.facility.address}"


def _stops(session, since, until, zone, links: Links, now) -> int:
    """Each assigned member of the team, for each stop tomorrow that is not called off."""
    rows = session.scalars(
        select(RoundDate)
        .where(RoundDate.status != RoundDateStatus.CANCELLED,
               RoundDate.starts_at >= since, RoundDate.starts_at < until)
        .options(selectinload(RoundDate.stop), selectinload(RoundDate.staff))
        .order_by(RoundDate.starts_at, RoundDate.id)).all()
    queued = 0
    for round_date in rows:
        if not round_date.staff or not claim(
                session, SentReminder, kind="stop", subject_id=round_date.id,
                day=round_date.original_date, sent_at=now):
            continue
        stop = round_date.stop
        for person in round_date.staff:
            if not (person.active and person.remind_stops):
                continue

            def write(when, round_date=round_date, stop=stop):
                return (_("Spielmobil tomorrow %(start)s: %(place)s",
                          start=when(round_date.starts_at), place=stop.place_name),
                        _("You are on the Spielmobil tomorrow, %(date)s, from %(start)s to "
                          "%(end)s at %(place)s (%(address)s).\n\nThe date: %(link)s",
                          date=when(round_date.starts_at, "date"),
                          start=when(round_date.starts_at), end=when(round_date.ends_at),
                          place=stop.place_name, address=stop.address,
                          link=links.stop(round_date))
                        + "\n\n" + _switch_off_note(links))

            queued += _mail(session, person, zone, write, stop.quarter_id)
    return queued


def _event_dates(session, since, until, zone, links: Links, now) -> int:
    """The organiser of each published event's date tomorrow: whoever proposed it, else its
    organisation's administrators. A Spielmobil stop's event is the team's (above); an event
    a manager published without an organisation has no organiser to remind."""
    stop_events = select(Stop.event_id).where(Stop.event_id.is_not(None)).union(
        select(RoundDate.event_id).where(RoundDate.event_id.is_not(None)))
    rows = session.execute(
        select(EventDate, Event)
        .join(Event, Event.id == EventDate.event_id)
        .where(Event.status == EventStatus.PUBLISHED, EventDate.cancelled.is_(False),
               EventDate.starts_at >= since, EventDate.starts_at < until,
               or_(Event.proposed_by_id.is_not(None), Event.organisation_id.is_not(None)),
               Event.id.not_in(stop_events))
        .options(selectinload(Event.proposed_by), selectinload(Event.facility),
                 selectinload(Event.organisation).selectinload(Organisation.memberships)
                 .selectinload(Membership.user))
        .order_by(EventDate.starts_at, Event.id)).all()
    queued = 0
    for event_date, event in rows:
        if not claim(session, SentReminder, kind="event", subject_id=event.id,
                     day=event_date.original_date, sent_at=now):
            continue
        if event.proposed_by is not None:
            people = [event.proposed_by]
        else:
            people = [m.user for m in event.organisation.memberships
                      if m.role == MembershipRole.ADMIN]
        place = ", ".join(part for part in (
            event.place_name, event.facility.name if event.facility else "",
            event.address or (event.facility.address if event.facility else "")) if part)
        for person in people:
            if not (person.active and person.remind_events):
                continue

            def write(when, event=event, event_date=event_date, place=place):
                if event.all_day:
                    said = _("Your event \"%(title)s\" is tomorrow, %(date)s, all day: "
                             "%(place)s.", title=event.title,
                             date=when(event_date.starts_at, "date"), place=place)
                else:
                    said = _("Your event \"%(title)s\" is tomorrow, %(date)s, from %(start)s "
                             "to %(end)s: %(place)s.", title=event.title,
                             date=when(event_date.starts_at, "date"),
                             start=when(event_date.starts_at), end=when(event_date.ends_at),
                             place=place)
                return (_("Tomorrow: %(title)s", title=event.title),
                        said + "\n\n" + _("The event: %(link)s", link=links.event(event))
                        + "\n\n" + _switch_off_note(links))

            queued += _mail(session, person, zone, write, event.quarter_id)
    return queued
