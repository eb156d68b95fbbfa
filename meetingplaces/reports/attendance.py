"""Attendance per event date and Spielmobil stop: recording, the lock a month after the date,
and the reminder the day after.

Contract as in booking/requests.py: `actor` and `now` are passed in, permissions come from
meetingplaces.policy, a refusal raises a typed DomainError (after rolling back), success is
flushed, not committed. Attendance holds numbers only, never names of residents.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..database import begin_write, refusals_roll_back
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..events.occurrences import expand
from ..i18n import day_text, time_text
from ..mail import queue_mail
from ..models import User, quarter_managers
from ..models.audit import record
from ..models.events import Event, EventStatus
from ..models.people import Membership, MembershipRole, Organisation
from ..models.reports import (
    ATTENDANCE_GROUPS,
    Attendance,
    AttendanceLanguage,
    AttendanceMonth,
    AttendanceReminder,
    AttendanceSlot,
    EventDate,
)
from ..models.rounds import RoundDate
from ..policy import can
from ..reminders import claim
from ..vocabulary import SPOKEN_LANGUAGES
from .usage import month_of

# Attendance stays editable by its organiser and the stop's staff this long after the date.
EDITABLE_FOR = timedelta(days=31)
MAX_COUNT = 100_000
NOTE_MAX = 500
REMINDER_LOOKBACK = timedelta(days=7)


@dataclass(frozen=True)
class AttendanceInput:
    count: int
    groups: dict  # {"children": n | None, ...}
    first_visit: int | None = None
    languages: tuple = ()
    note: str = ""


def slot_for_event(session, event: Event | None, occurrence_date: date) -> AttendanceSlot:
    """The event's date the rule gave on `occurrence_date` (moved or not), with its stop's
    date row when the event is a Spielmobil stop's."""
    if event is None or event.status not in (EventStatus.PUBLISHED, EventStatus.CANCELLED):
        raise NotFound(_("There is no such event."))
    zone = ZoneInfo(event.timezone)
    around = datetime.combine(occurrence_date, time(), zone)
    found = [o for o in expand(event, around - timedelta(days=2), around + timedelta(days=3))
             if o.original_date == occurrence_date]
    if not found:
        # A moved date may lie far from the day it was moved away from.
        found = [o for o in expand(event, event.first_starts_at,
                                   event.last_ends_at or around + timedelta(days=3))
                 if o.original_date == occurrence_date]
    if not found:
        raise NotFound(_("The event has no date on %(date)s.", date=day_text(occurrence_date)),
                       field="date")
    occurrence = found[0]
    round_date = session.scalar(select(RoundDate).where(
        RoundDate.event_id == event.id, RoundDate.original_date == occurrence_date))
    return AttendanceSlot(
        event=event, occurrence_date=occurrence_date, starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
        cancelled=occurrence.cancelled or event.status == EventStatus.CANCELLED
        or (round_date is not None and round_date.is_cancelled),
        round_date=round_date)


def slot_for_round_date(session, round_date: RoundDate) -> AttendanceSlot:
    if round_date.event is None:
        raise NotFound(_("This stop has no public date."))
    return AttendanceSlot(event=round_date.event, occurrence_date=round_date.original_date,
                          starts_at=round_date.starts_at, ends_at=round_date.ends_at,
                          cancelled=round_date.is_cancelled, round_date=round_date)


def locked(slot: AttendanceSlot, now: datetime) -> bool:
    return now >= slot.ends_at + EDITABLE_FOR


def existing(session, slot: AttendanceSlot) -> Attendance | None:
    return session.scalar(select(Attendance).where(
        Attendance.event_id == slot.event.id,
        Attendance.occurrence_date == slot.occurrence_date))


def _number(value, field: str, *, required: bool = False) -> int | None:
    if value is None or value == "":
        if required:
            raise InvalidInput(_("Enter how many came."), field=field)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(_("Enter a whole number."), field=field)
    if value < 0 or value > MAX_COUNT:
        raise InvalidInput(_("Enter a number from 0 to %(max)d.", max=MAX_COUNT), field=field)
    return value


def validate(data: AttendanceInput) -> dict:
    """The row's values, or InvalidInput naming the field."""
    count = _number(data.count, "count", required=True)
    unknown = set(data.groups or {}) - set(ATTENDANCE_GROUPS)
    if unknown:
        raise InvalidInput(_("Unknown group: %(group)s.", group=", ".join(sorted(unknown))),
                           field="groups")
    groups = {name: _number((data.groups or {}).get(name), name) for name in ATTENDANCE_GROUPS}
    if sum(v or 0 for v in groups.values()) > count:
        raise InvalidInput(_("The groups add up to more than the number who came."),
                           field="groups")
    first_visit = _number(data.first_visit, "first_visit")
    if first_visit is not None and first_visit > count:
        raise InvalidInput(_("More first visits than people who came."), field="first_visit")
    languages = list(dict.fromkeys(data.languages or ()))
    if any(code not in SPOKEN_LANGUAGES for code in languages):
        raise InvalidInput(_("Choose languages from the list."), field="languages")
    note = (data.note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(_("The note is longer than %(max)d characters.", max=NOTE_MAX),
                           field="note")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in note):
        raise InvalidInput(_("The note contains characters that cannot be stored."),
                           field="note")
    return {"count": count, **groups, "first_visit": first_visit, "languages": languages,
            "note": note}


def _as_json(row: Attendance | None) -> dict | None:
    if row is None:
        return None
    return {"count": row.count, **{g: getattr(row, g) for g in ATTENDANCE_GROUPS},
            "first_visit": row.first_visit, "languages": list(row.languages or []),
            "note": row.note}


@refusals_roll_back
def record_attendance(session, *, actor, slot: AttendanceSlot, data: AttendanceInput,
                      now: datetime) -> Attendance:
    """Store (or replace) the attendance of one date. Organisers and staff until a month after
    the date; managers always, and a manager's change to a locked date is logged as a
    correction."""
    if not can(actor, "record_attendance", slot):
        raise Forbidden(_("You may not record attendance for this date."))
    if slot.cancelled:
        raise InvalidInput(_("This date was cancelled; nobody came."), field="date")
    if slot.starts_at > now:
        raise InvalidInput(_("Attendance can be recorded once the date has begun."),
                           field="date")
    is_locked = locked(slot, now)
    if is_locked and not can(actor, "correct_attendance", slot):
        raise Forbidden(_("Attendance is locked a month after the date; a manager of the "
                          "quarter can still correct it."))
    values = validate(data)
    begin_write(session)
    row = session.scalar(select(Attendance).where(
        Attendance.event_id == slot.event.id,
        Attendance.occurrence_date == slot.occurrence_date).with_for_update())
    before = _as_json(row)
    if row is None:
        zone = ZoneInfo(slot.event.timezone)
        row = Attendance(event_id=slot.event.id, occurrence_date=slot.occurrence_date,
                         month=month_of(slot.starts_at.astimezone(zone).date()),
                         recorded_at=now)
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.recorded_by_id = getattr(actor, "id", None)
    row.updated_at = now
    try:
        session.flush()
    except IntegrityError as error:  # another request recorded the same date at this moment
        session.rollback()
        raise Conflict(_("Someone recorded this date at the same moment; reload and check."),
                       field="date") from error
    sum_month(session, row.event_id, row.month)
    record(session, actor=actor, subject_type="attendance", subject_id=row.id,
           action="attendance_corrected" if is_locked else "attendance_recorded", at=now,
           details={"event_id": slot.event.id, "date": slot.occurrence_date.isoformat(),
                    "before": before, "after": _as_json(row), "locked": is_locked})
    return row


def sum_month(session, event_id: int, month: date) -> None:
    """Write the event's attendance sums of the month anew (models.reports.AttendanceMonth)."""
    for model in (AttendanceMonth, AttendanceLanguage):
        session.execute(delete(model).where(model.event_id == event_id, model.month == month))
    rows = session.scalars(select(Attendance).where(Attendance.event_id == event_id,
                                                    Attendance.month == month)).all()
    if rows:
        session.add_all(month_sums(event_id, month, rows))
        session.flush()


def month_sums(event_id: int, month: date, rows) -> list:
    languages: dict = {}
    for row in rows:
        for code in row.languages or []:
            languages[code] = languages.get(code, 0) + 1
    return [AttendanceMonth(
        event_id=event_id, month=month, dates=len(rows), count=sum(r.count for r in rows),
        **{g: sum(getattr(r, g) or 0 for r in rows) for g in ATTENDANCE_GROUPS},
        first_visit=sum(r.first_visit or 0 for r in rows)),
        *(AttendanceLanguage(event_id=event_id, month=month, language=code, dates=n)
          for code, n in sorted(languages.items()))]


def rebuild_sums(session) -> int:
    """Sum every event's attendance per month anew (after a bulk load)."""
    session.execute(delete(AttendanceMonth))
    session.execute(delete(AttendanceLanguage))
    groups: dict = {}
    for row in session.scalars(select(Attendance).execution_options(yield_per=5000)):
        groups.setdefault((row.event_id, row.month), []).append(row)
    for (event_id, month), rows in sorted(groups.items()):
        session.add_all(month_sums(event_id, month, rows))
    session.flush()
    return len(groups)


def open_slots(session, actor, now: datetime, limit: int = 200) -> list[tuple]:
    """Dates of the last month the actor may record, with their attendance (or None), newest
    first: the attendance page's list."""
    rows = session.execute(
        select(EventDate, Event, Attendance)
        .join(Event, Event.id == EventDate.event_id)
        .outerjoin(Attendance, and_(Attendance.event_id == EventDate.event_id,
                                    Attendance.occurrence_date == EventDate.original_date))
        .where(EventDate.ends_at <= now, EventDate.ends_at > now - EDITABLE_FOR,
               EventDate.cancelled.is_(False), Event.status == EventStatus.PUBLISHED)
        .order_by(EventDate.starts_at.desc()).limit(limit * 5)).all()
    found = []
    round_dates = _round_dates(session, [(d.event_id, d.original_date) for d, _e, _a in rows])
    for event_date, event, attendance in rows:
        round_date = round_dates.get((event.id, event_date.original_date))
        slot = AttendanceSlot(event=event, occurrence_date=event_date.original_date,
                              starts_at=event_date.starts_at, ends_at=event_date.ends_at,
                              round_date=round_date,
                              cancelled=round_date is not None and round_date.is_cancelled)
        if not slot.cancelled and can(actor, "record_attendance", slot):
            found.append((slot, attendance))
        if len(found) >= limit:
            break
    return found


def _round_dates(session, keys: list[tuple]) -> dict:
    if not keys:
        return {}
    event_ids = {event_id for event_id, _day in keys}
    return {(d.event_id, d.original_date): d for d in session.scalars(
        select(RoundDate).where(RoundDate.event_id.in_(event_ids))
        .options(selectinload(RoundDate.staff)))}


def _recipients(session, slot: AttendanceSlot) -> list[User]:
    """Who records the date: the stop's staff, else the proposer or the organisation's admins,
    else the quarter's managers."""
    if slot.round_date is not None and slot.round_date.staff:
        people = list(slot.round_date.staff)
    elif slot.event.proposed_by is not None:
        people = [slot.event.proposed_by]
    elif slot.event.organisation is not None:
        people = [m.user for m in slot.event.organisation.memberships
                  if m.role == MembershipRole.ADMIN]
    else:
        people = []
    if not people:
        people = list(session.scalars(
            select(User).join(quarter_managers, quarter_managers.c.user_id == User.id)
            .where(quarter_managers.c.quarter_id == slot.event.quarter_id).order_by(User.id)))
    return [p for p in people if p.active and can(p, "record_attendance", slot)]


def send_reminders(session, *, now: datetime, zone: ZoneInfo, link) -> int:
    """Ask for the attendance of every date that ended before today (within a week) and has
    none: once per date, however often this runs. `link(slot)` builds the form's address.
    Returns the number of mails queued."""
    today = datetime.combine(now.astimezone(zone).date(), time(), zone)
    begin_write(session)
    rows = session.execute(
        select(EventDate, Event)
        .join(Event, Event.id == EventDate.event_id)
        .where(EventDate.ends_at <= today, EventDate.ends_at > now - REMINDER_LOOKBACK,
               EventDate.cancelled.is_(False), Event.status == EventStatus.PUBLISHED,
               ~exists().where(Attendance.event_id == EventDate.event_id,
                               Attendance.occurrence_date == EventDate.original_date),
               ~exists().where(AttendanceReminder.event_id == EventDate.event_id,
                               AttendanceReminder.occurrence_date == EventDate.original_date))
        .options(selectinload(Event.proposed_by),  # _recipients, without a query per date
                 selectinload(Event.organisation).selectinload(Organisation.memberships)
                 .selectinload(Membership.user))
        .order_by(EventDate.starts_at)).all()
    round_dates = _round_dates(session, [(d.event_id, d.original_date) for d, _e in rows])
    queued = 0
    for event_date, event in rows:
        round_date = round_dates.get((event.id, event_date.original_date))
        if round_date is not None and round_date.is_cancelled:
            continue
        slot = AttendanceSlot(event=event, occurrence_date=event_date.original_date,
                              starts_at=event_date.starts_at, ends_at=event_date.ends_at,
                              round_date=round_date)
        if not claim(session, AttendanceReminder, event_id=event.id,
                     occurrence_date=event_date.original_date, sent_at=now):
            continue  # another run (another node) reminded it a moment ago
        for person in _recipients(session, slot):
            with force_locale(person.preferred_language):
                local = slot.starts_at.astimezone(zone)
                queue_mail(
                    session, person.email,
                    _("How many came? %(title)s on %(date)s", title=event.title,
                      date=day_text(local.replace(tzinfo=None))),
                    _("Please record how many came to \"%(title)s\" on %(date)s at %(time)s "
                      "(numbers only, never names):\n\n%(link)s\n\nYou can change it for a "
                      "month; after that a manager of the quarter can still correct it.",
                      title=event.title, date=day_text(local.replace(tzinfo=None)),
                      time=time_text(local.replace(tzinfo=None)), link=link(slot)),
                    quarter_id=event.quarter_id)
            queued += 1
    session.flush()
    return queued
