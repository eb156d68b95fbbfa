"""Single dates of a round: cancel (rain, illness), move, add an extra one, assign staff.

Each change goes through the booking engine (the van is released or held again) and the events
engine (the quarter feed shows the date cancelled or moved under the same UID), and tells the
assigned staff by mail, all in the caller's transaction.
"""

from datetime import date, datetime, time

from flask_babel import gettext as _

from ..booking import cancel_booking, change_booking, hold_resource, restore_dates
from ..booking.rules import Settings
from ..calendar import feeds
from ..database import begin_write, lock_row, refusals_roll_back
from ..errors import Conflict, InvalidInput
from ..events import (
    cancel_event,
    cancel_occurrence,
    create_event,
    move_occurrence,
    restore_event,
    restore_occurrence,
    update_event,
)
from ..i18n import day_text
from ..models.audit import record
from ..models.people import User
from ..models.rounds import RoundDate, RoundDateStatus, Stop
from ..timeline import LocalSlot, to_local
from . import notices
from .planning import (
    REASON_MAX,
    DayItem,
    RoundClash,
    check_text,
    day_clashes,
    instants,
    van_clashes,
)
from .season import (
    EVENT_TARGET_GROUPS,
    booking_ids_on,
    dates_by_day,
    event_title,
    local_times,
    require_manager,
    resource_scope,
    travel_overrides,
)


def _still_to_come(round_date: RoundDate, now: datetime) -> None:
    if round_date.is_cancelled:
        raise Conflict(_("This date is cancelled already."), field="date")
    if round_date.ends_at <= now:
        raise InvalidInput(_("This date is over; past dates stay as they were."), field="date")


@refusals_roll_back
def cancel_date(session, *, actor, round_date: RoundDate, reason: str, now: datetime,
                settings: Settings) -> RoundDate:
    """Call one date off: the van is free again, the quarter feed leaves the date out and
    tells the reason, and the assigned staff get mail."""
    stop = round_date.stop
    require_manager(actor, stop.round)
    reason = check_text(reason, "reason", REASON_MAX)
    lock_row(session, round_date)
    _still_to_come(round_date, now)
    if round_date.booking is not None:
        cancel_booking(session, actor=actor, booking=round_date.booking, reason=reason,
                       scope="all", now=now)
    event = round_date.event
    if event is not None:
        if round_date.is_extra or not event.rrule:
            cancel_event(session, event, actor=actor, now=now, reason=reason)
        else:
            cancel_occurrence(session, event, round_date.original_date, actor=actor, now=now,
                              reason=reason, keep_in_feed=True)
    round_date.status = RoundDateStatus.CANCELLED
    round_date.reason = reason
    session.flush()
    notices.tell_staff(session, round_date, cancelled=True, zone=settings.zone)
    _log(session, actor, round_date, "date_cancelled", now, reason=reason)
    return round_date


def told_of(round_date: RoundDate) -> list[User]:
    """Who hears by mail of a cancellation, move or restore of this date: its active team."""
    return [person for person in round_date.staff if person.active]


@refusals_roll_back
def restore_date(session, *, actor, round_date: RoundDate, now: datetime,
                 settings: Settings) -> RoundDate:
    """Undo a cancellation while the date is still ahead and the van is free then (the
    booking engine's rules and the day's driving times decide): the van is held again, the
    quarter feed shows the date again under its UID, and the team is told."""
    stop = round_date.stop
    require_manager(actor, stop.round)
    lock_row(session, round_date)
    if not round_date.is_cancelled:
        raise Conflict(_("This date takes place already."), field="date")
    if round_date.ends_at <= now:
        raise InvalidInput(_("This date is over; past dates stay as they were."), field="date")
    zone = settings.zone
    local_start, local_end = local_times(round_date, zone)
    day = round_date.starts_at.astimezone(zone).date()
    _refuse_day_clashes(session, stop, day, local_start, local_end, round_date.starts_at,
                        round_date.ends_at, settings, leave_out={round_date.id},
                        own_booking=round_date.booking_id)
    begin_write(session)
    booking = round_date.booking
    if booking is not None:
        restore_dates(session, actor=actor, booking=booking,
                      dates=sorted({o.original_date for o in booking.occurrences}), now=now,
                      settings=settings)
    as_planned = (round_date.original_date == day and (local_start, local_end)
                  == (stop.local_start, stop.local_end))
    event = round_date.event
    if event is not None:
        if round_date.is_extra or not event.rrule:
            restore_event(session, event, actor=actor, now=now)
        elif as_planned:
            restore_occurrence(session, event, round_date.original_date, actor=actor, now=now)
        else:
            move_occurrence(session, event, round_date.original_date, actor=actor, now=now,
                            starts_at=round_date.starts_at, ends_at=round_date.ends_at)
    round_date.status = RoundDateStatus.PLANNED if as_planned else RoundDateStatus.MOVED
    round_date.reason = ""
    session.flush()
    for person in told_of(round_date):
        notices.mail(session, person, round_date, notices.restored_text, zone)
    _log(session, actor, round_date, "date_restored", now)
    return round_date


@refusals_roll_back
def move_date(session, *, actor, round_date: RoundDate, local_start: datetime,
              local_end: datetime, now: datetime, note: str = "",
              settings: Settings) -> RoundDate:
    """Move one date to another time (or day); the booking moves with it and the feed shows
    the date once, at its new time, related to the stop's series."""
    stop = round_date.stop
    round_ = stop.round
    require_manager(actor, round_)
    note = check_text(note, "note", REASON_MAX, required=False)
    lock_row(session, round_date)
    _still_to_come(round_date, now)
    if not isinstance(local_start, datetime) or not isinstance(local_end, datetime):
        raise InvalidInput(_("Please enter a date and time."), field="start")
    if local_end <= local_start or local_end.date() != local_start.date():
        raise InvalidInput(_("The end must be after the start, on the same day."), field="end")
    starts_at, ends_at = instants(local_start.date(), local_start.time(), local_end.time(),
                                  settings.zone)
    _refuse_day_clashes(session, stop, local_start.date(), local_start.time(), local_end.time(),
                        starts_at, ends_at, settings, leave_out={round_date.id},
                        own_booking=round_date.booking_id)
    begin_write(session)
    if round_date.booking is not None:
        change_booking(session, actor=actor, booking=round_date.booking, scope="this",
                       date=round_date.booking.occurrences[0].original_date,
                       local_start=local_start, local_end=local_end, now=now,
                       settings=settings)
    event = round_date.event
    if event is not None:
        if round_date.is_extra or not event.rrule:
            update_event(session, event, actor=actor, now=now, starts_at=starts_at,
                         ends_at=ends_at)
        else:
            move_occurrence(session, event, round_date.original_date, actor=actor, now=now,
                            starts_at=starts_at, ends_at=ends_at, note=note)
    round_date.starts_at, round_date.ends_at = starts_at, ends_at
    round_date.status = RoundDateStatus.MOVED
    round_date.reason = note
    session.flush()
    notices.tell_staff(session, round_date, cancelled=False, zone=settings.zone)
    _log(session, actor, round_date, "date_moved", now,
         to=local_start.isoformat(timespec="minutes"))
    return round_date


@refusals_roll_back
def add_extra_date(session, *, actor, stop: Stop, day: date, local_start: time | None = None,
                   local_end: time | None = None, now: datetime,
                   settings: Settings) -> RoundDate:
    """One more date at a stop's place, outside its weekly rule (a holiday programme day):
    its own booking of the van and its own one-off event in the quarter calendar."""
    round_ = stop.round
    require_manager(actor, round_)
    if not isinstance(day, date):
        raise InvalidInput(_("Please enter a date."), field="date")
    local_start = local_start or stop.local_start
    local_end = local_end or stop.local_end
    if local_end <= local_start:
        raise InvalidInput(_("The end must be after the start."), field="end")
    if day <= to_local(now, settings.zone).date():
        raise InvalidInput(_("An extra date lies in the future."), field="date")
    if any(d.original_date == day for d in stop.dates):
        raise InvalidInput(_("The stop has a date on %(date)s already; move it instead.",
                             date=day_text(day)), field="date")
    starts_at, ends_at = instants(day, local_start, local_end, settings.zone)
    _refuse_day_clashes(session, stop, day, local_start, local_end, starts_at, ends_at, settings)
    begin_write(session)
    booking = hold_resource(
        session, actor=actor, resource=round_.resource,
        slots=[LocalSlot(day, datetime.combine(day, local_start),
                         datetime.combine(day, local_end))],
        title=round_.name, locations=[stop.address], now=now, settings=settings)[0]
    event = create_event(
        session, actor=actor, quarter=stop.quarter, now=now,
        title=event_title(round_.resource, stop.place_name), category="spielmobil",
        target_groups=EVENT_TARGET_GROUPS, place_name=stop.place_name, address=stop.address,
        latitude=stop.latitude, longitude=stop.longitude, starts_at=starts_at, ends_at=ends_at)
    round_date = RoundDate(original_date=day, starts_at=starts_at, ends_at=ends_at,
                           booking=booking, event=event, is_extra=True)
    stop.dates.append(round_date)
    session.flush()
    _log(session, actor, round_date, "date_added", now)
    return round_date


@refusals_roll_back
def assign_staff(session, *, actor, round_date: RoundDate, staff: list[User],
                 now: datetime, settings: Settings) -> RoundDate:
    """Who goes out with the van on this date; newly assigned people are told by mail."""
    require_manager(actor, round_date.stop.round)
    for person in staff:
        if not isinstance(person, User) or not person.is_spielmobil_staff or not person.active:
            raise InvalidInput(_("Only members of the Spielmobil team can be assigned."),
                               field="staff")
    before = {person.id for person in round_date.staff}
    round_date.staff = sorted({p.id: p for p in staff}.values(), key=lambda p: p.name)
    session.flush()
    for person in round_date.staff:
        if person.id not in before:
            notices.mail(session, person, round_date, notices.assigned_text, settings.zone)
    _log(session, actor, round_date, "staff_assigned",
         now, staff=[person.id for person in round_date.staff])
    return round_date


# --- helpers ----------------------------------------------------------------------------------


def _refuse_day_clashes(session, stop: Stop, day: date, local_start: time, local_end: time,
                        starts_at: datetime, ends_at: datetime, settings: Settings, *,
                        leave_out=frozenset(), own_booking: int | None = None) -> None:
    """The other stops of the van that day must not overlap the new time nor be too close
    to drive; pending requests and other bookings of the van are clashes too."""
    round_ = stop.round
    zone = settings.zone
    others = dates_by_day(session, round_.resource, day, day, zone, leave_out=leave_out)
    items = [DayItem(0, stop.place_name, local_start, local_end)]
    items += [DayItem(d.id, d.stop.place_name, *local_times(d, zone)) for d in others.get(day, [])]
    clashes = [c for c in day_clashes(items, default_minutes=round_.travel_minutes,
                                      overrides=travel_overrides(round_), day=day)
               if 0 in c.stops]
    ignore = booking_ids_on(others) | ({own_booking} if own_booking else set())
    clashes += van_clashes(session, round_.resource, [(0, day, starts_at, ends_at)],
                           ignore_booking_ids=ignore, zone=zone)
    if clashes:
        raise RoundClash(clashes, field="start")


def _log(session, actor, round_date: RoundDate, action: str, now: datetime, **details) -> None:
    round_ = round_date.stop.round
    record(session, actor=actor, subject_type="round", subject_id=round_.id, action=action,
           at=now, details={"round_date_id": round_date.id,
                            "date": round_date.original_date.isoformat(), **details})
    feeds.bump(session, {resource_scope(round_.resource_id)}, now)
