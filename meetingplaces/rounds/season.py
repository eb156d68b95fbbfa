"""Saving a season, changing a stop from a date on, ending the season early.

Every stop version keeps one repeating event (RRULE + EXDATE) in its quarter's calendar, and
every date one booking of the van, made through the booking engine so its database invariant
holds. A change never rewrites dates before the day it takes effect.
"""

from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..booking import cancel_booking, hold_resource
from ..booking.rules import Settings
from ..calendar import feeds
from ..database import begin_write, refusals_roll_back
from ..errors import Forbidden, InvalidInput
from ..events import (
    cancel_event,
    cancel_occurrence,
    create_event,
    restore_occurrence,
    update_event,
)
from ..i18n import day_text
from ..models.audit import record
from ..models.bookings import OccurrenceStatus
from ..models.events import EventStatus
from ..models.places import Closure, Resource
from ..models.rounds import Round, RoundDate, RoundDateStatus, RoundStatus, Stop, TravelTime
from ..policy import can
from ..timeline import LocalSlot, to_local
from . import notices
from .planning import (
    NAME_MAX,
    DayItem,
    RoundClash,
    SkipPeriod,
    StopInput,
    check_stop,
    check_text,
    closures_of,
    day_clashes,
    instants,
    plan_round,
    skip_reason,
    skip_spans,
    van_clashes,
    weekly_days,
)

EVENT_TARGET_GROUPS = ["children", "families"]


def resource_scope(resource_id: int) -> str:
    """The feed version scope of a van's public calendar."""
    return f"resource:{resource_id}"


def event_title(resource: Resource, place_name: str) -> str:
    return f"{resource.name}: {place_name}"


def require_manager(actor, round_: Round) -> None:
    if not can(actor, "manage", round_):
        raise Forbidden(_("Only a manager of the Spielmobil's quarter can change this round."))


def _require_quarters(actor, stops) -> None:
    for stop in stops:
        if not can(actor, "publish_events", stop.quarter):
            raise Forbidden(_("You cannot publish in %(quarter)s, so you cannot plan a stop "
                              "there.", quarter=stop.quarter.name), field="stops")


# --- saving -----------------------------------------------------------------------------------


@refusals_roll_back
def save_round(session, *, actor, resource: Resource, name: str, season_start: date,
               season_end: date, stops: list[StopInput], skip_periods: list[SkipPeriod] = (),
               travel_minutes: int = 30, travel_times: dict | None = None, now: datetime,
               settings: Settings) -> Round:
    """Plan and store the season in the caller's transaction: the skip periods as closures of
    the van, a confirmed booking per date, a repeating public event per stop and the dates.
    RoundClash lists every clash when there is any; then nothing is stored."""
    if not can(actor, "plan_rounds", resource):
        raise Forbidden(_("Only a manager of the Spielmobil's quarter can plan its rounds."),
                        field="resource_id")
    name = check_text(name, "name", NAME_MAX)
    begin_write(session)
    plan = plan_round(session, resource=resource, season_start=season_start,
                      season_end=season_end, stops=stops, skip_periods=skip_periods,
                      travel_minutes=travel_minutes, travel_times=travel_times,
                      settings=settings)
    if plan.clashes:
        raise RoundClash(plan.clashes)
    if not plan.dates:
        raise InvalidInput(_("The season has no date left after the skipped days."),
                           field="season_end")
    _require_quarters(actor, plan.stops)

    round_ = Round(resource=resource, name=name, season_start=season_start,
                   season_end=season_end, travel_minutes=travel_minutes,
                   status=RoundStatus.ACTIVE, created_by=actor, created_at=now)
    round_.travel_times = [TravelTime(from_place=a, to_place=b, minutes=m)
                           for (a, b), m in sorted((travel_times or {}).items())]
    session.add(round_)
    for period in skip_periods:
        starts_at, ends_at, reason = skip_spans([period], settings.zone)[0]
        session.add(Closure(resource=resource, starts_at=starts_at, ends_at=ends_at,
                            reason=reason or name))
    bookings = hold_resource(
        session, actor=actor, resource=resource, slots=[d.slot for d in plan.dates],
        title=name, locations=[plan.stops[d.stop].address for d in plan.dates],
        now=now, settings=settings)
    booking_of = {(d.stop, d.day): b for d, b in zip(plan.dates, bookings, strict=True)}
    for index, given in enumerate(plan.stops):
        days = [d.day for d in plan.dates_of(index)]
        stop = _new_version(round_, given, effective_from=season_start, effective_until=None)
        if days:
            skipped = [day for i, day, _reason in plan.skipped if i == index]
            stop.event = _stop_event(session, actor, resource, stop, days, skipped, now,
                                      settings.zone)
        for day in days:
            _add_date(session, stop, day, booking_of[(index, day)], settings)
    session.flush()
    record(session, actor=actor, subject_type="round", subject_id=round_.id, action="planned",
           at=now, details={"dates": len(plan.dates), "stops": len(plan.stops),
                            "skipped": len(plan.skipped)})
    feeds.bump(session, {resource_scope(resource.id)}, now)
    return round_


def _new_version(round_: Round, given: StopInput, *, effective_from: date,
                 effective_until: date | None, replaces: Stop | None = None) -> Stop:
    stop = Stop(
        weekday=given.weekday, local_start=given.local_start, local_end=given.local_end,
        place_name=given.place_name.strip(), address=given.address.strip(),
        quarter=given.quarter, quarter_id=given.quarter.id, latitude=given.latitude,
        longitude=given.longitude, staff_needed=given.staff_needed,
        effective_from=effective_from, effective_until=effective_until,
        replaces_id=replaces.id if replaces is not None else None,
    )
    round_.stops.append(stop)
    return stop


def _stop_event(session, actor, resource: Resource, stop: Stop, days: list[date],
                skipped: list[date], now: datetime, zone):
    """The stop version's repeating event: weekly from its first to its last date, the skipped
    weeks as EXDATEs, so a feed holds one VEVENT per stop, not one per date."""
    first, last = min(days), max(days)
    starts_at, ends_at = instants(first, stop.local_start, stop.local_end, zone)
    return create_event(
        session, actor=actor, quarter=stop.quarter, now=now,
        title=event_title(resource, stop.place_name), category="spielmobil",
        target_groups=EVENT_TARGET_GROUPS, place_name=stop.place_name, address=stop.address,
        latitude=stop.latitude, longitude=stop.longitude, starts_at=starts_at, ends_at=ends_at,
        rrule=f"FREQ=WEEKLY;UNTIL={last:%Y%m%d}" if last != first else "",
        exdates=[d.isoformat() for d in skipped if first < d < last],
    )


def _add_date(session, stop: Stop, day: date, booking, settings: Settings, *,
              event=None, is_extra: bool = False,
              local_start: time | None = None, local_end: time | None = None) -> RoundDate:
    starts_at, ends_at = instants(day, local_start or stop.local_start,
                                  local_end or stop.local_end, settings.zone)
    round_date = RoundDate(original_date=day, starts_at=starts_at, ends_at=ends_at,
                           booking=booking, event=event or stop.event, is_extra=is_extra)
    stop.dates.append(round_date)
    return round_date


# --- taking dates out -------------------------------------------------------------------------


def drop_dates(session, dates: list[RoundDate], *, actor, reason: str, now: datetime) -> None:
    """Remove dates from the plan: their bookings are released, extra dates' events cancelled.
    The stop's repeating event is shortened by the caller."""
    for round_date in dates:
        booking = round_date.booking
        if booking is not None and any(o.status == OccurrenceStatus.CONFIRMED
                                       for o in booking.occurrences):
            cancel_booking(session, actor=actor, booking=booking, reason=reason, scope="all",
                           now=now)
        if round_date.is_extra and round_date.event is not None and (
                round_date.event.status != EventStatus.CANCELLED):
            cancel_event(session, round_date.event, actor=actor, now=now, reason=reason)
        round_date.stop.dates.remove(round_date)
    session.flush()


def shorten_version(session, stop: Stop, last_day: date, *, actor, reason: str,
                    now: datetime) -> None:
    """The version ends with `last_day`: its event's rule stops there (single-date changes
    after it undone first), or the event is cancelled when no date of it is left."""
    event = stop.event
    if stop.effective_until is None or stop.effective_until > last_day:
        stop.effective_until = last_day
    if event is None or event.status == EventStatus.CANCELLED:
        return
    kept = [d for d in stop.dates if not d.is_extra and d.original_date <= last_day]
    if not kept:
        cancel_event(session, event, actor=actor, now=now, reason=reason)
        return
    for change in [c for c in event.changes if c.original_date > last_day]:
        restore_occurrence(session, event, change.original_date, actor=actor, now=now)
    if event.rrule:
        update_event(session, event, actor=actor, now=now,
                     rrule=f"FREQ=WEEKLY;UNTIL={last_day:%Y%m%d}",
                     exdates=[d for d in event.exdates if d <= last_day.isoformat()])


# --- changing a stop from a date on -----------------------------------------------------------


@refusals_roll_back
def change_stop_from(session, *, actor, stop: Stop, from_date: date, changed: StopInput,
                     now: datetime, settings: Settings) -> Stop:
    """From `from_date` on the stop has new times, place or weekday: a new version starts
    there with its own event and bookings; the dates before stay exactly as they were.

    A date of the new version on the same day as a replaced one keeps what was decided for
    it: a cancelled date stays cancelled (with its reason, the van not held), and the staff
    stay assigned, told by mail when the time or place changed for them.
    """
    round_ = stop.round
    require_manager(actor, round_)
    check_stop(changed)
    if not isinstance(from_date, date):
        raise InvalidInput(_("Please enter a date."), field="from_date")
    today = to_local(now, settings.zone).date()
    if from_date <= today:
        raise InvalidInput(_("Changes start tomorrow at the earliest; past dates stay as they "
                             "were."), field="from_date")
    version_end = min(d for d in (stop.effective_until, round_.season_end) if d is not None)
    if from_date > version_end:
        raise InvalidInput(_("This version of the stop ends on %(date)s; change the later "
                             "version instead.", date=day_text(version_end)),
                           field="from_date")
    _require_quarters(actor, [changed])
    first = max(from_date, stop.effective_from)
    replaced = [d for d in stop.dates if not d.is_extra and d.original_date >= first]
    replaced_bookings = {d.booking_id for d in replaced if d.booking_id is not None}
    decided = {d.original_date: (d.is_cancelled, d.reason, list(d.staff), d.starts_at,
                                 d.ends_at) for d in replaced}

    zone = settings.zone
    closed = closures_of(session, round_.resource, first, version_end, zone)
    days, skipped, spans = [], [], []
    for day in weekly_days(changed.weekday, first, version_end):
        starts_at, ends_at = instants(day, changed.local_start, changed.local_end, zone)
        if skip_reason(changed.quarter, day, starts_at, ends_at, closed, settings):
            skipped.append(day)
            continue
        days.append(day)
        if not decided.get(day, (False,))[0]:
            spans.append((0, day, starts_at, ends_at))
    held = [span[1] for span in spans]
    clashes = []
    others = dates_by_day(session, round_.resource, first, version_end, zone,
                           leave_out={d.id for d in replaced})
    overrides = travel_overrides(round_)
    for day in held:
        items = [DayItem(0, changed.place_name, changed.local_start, changed.local_end)]
        items += [DayItem(d.stop_id, d.stop.place_name, *local_times(d, zone))
                  for d in others.get(day, [])]
        clashes += [c for c in day_clashes(items, default_minutes=round_.travel_minutes,
                                           overrides=overrides, day=day) if 0 in c.stops]
    clashes += van_clashes(session, round_.resource, spans, zone=zone,
                           ignore_booking_ids=replaced_bookings
                           | booking_ids_on(others))
    if clashes:
        raise RoundClash(clashes)

    begin_write(session)
    old_until = stop.effective_until
    reason = _("From %(date)s the stop changes.", date=day_text(first))
    drop_dates(session, replaced, actor=actor, reason=reason, now=now)
    shorten_version(session, stop, first - timedelta(days=1), actor=actor, reason=reason,
                    now=now)
    new = _new_version(round_, changed, effective_from=first, effective_until=old_until,
                       replaces=stop)
    if days:
        bookings = dict(zip(held, hold_resource(
            session, actor=actor, resource=round_.resource,
            slots=[_slot(day, changed) for day in held], title=round_.name,
            locations=[changed.address] * len(held), now=now, settings=settings) if held
            else [], strict=True))
        new.event = _stop_event(session, actor, round_.resource, new, days, skipped, now,
                                 zone)
        for day in days:
            round_date = _add_date(session, new, day, bookings.get(day), settings)
            if day in decided:
                _carry_over(session, round_date, *decided[day], place_changed=(
                    changed.place_name != stop.place_name), actor=actor, now=now, zone=zone)
    session.flush()
    record(session, actor=actor, subject_type="round", subject_id=round_.id,
           action="stop_changed", at=now,
           details={"stop_id": stop.id, "new_stop_id": new.id, "from": first.isoformat(),
                    "dates": len(days)})
    feeds.bump(session, {resource_scope(round_.resource_id)}, now)
    return new


def _carry_over(session, round_date: RoundDate, cancelled: bool, reason: str, staff: list,
                starts_at: datetime, ends_at: datetime, *, place_changed: bool, actor,
                now: datetime, zone) -> None:
    """What was decided for the replaced date of this day holds for the new one."""
    if cancelled:
        round_date.status = RoundDateStatus.CANCELLED
        round_date.reason = reason
        if round_date.event.rrule:
            cancel_occurrence(session, round_date.event, round_date.original_date,
                              actor=actor, now=now, reason=reason, keep_in_feed=True)
        else:
            cancel_event(session, round_date.event, actor=actor, now=now, reason=reason)
        return
    round_date.staff = staff
    if place_changed or (starts_at, ends_at) != (round_date.starts_at, round_date.ends_at):
        session.flush()
        notices.tell_staff(session, round_date, cancelled=False, zone=zone)


def _slot(day: date, stop) -> LocalSlot:
    return LocalSlot(day, datetime.combine(day, stop.local_start),
                     datetime.combine(day, stop.local_end))


def local_times(round_date: RoundDate, zone) -> tuple[time, time]:
    return (round_date.starts_at.astimezone(zone).time(),
            round_date.ends_at.astimezone(zone).time())


def travel_overrides(round_: Round) -> dict:
    return {(t.from_place, t.to_place): t.minutes for t in round_.travel_times}


def booking_ids_on(by_day: dict) -> set[int]:
    return {d.booking_id for dates in by_day.values() for d in dates if d.booking_id}


def dates_by_day(session, resource: Resource, first: date, last: date, zone, *,
                  leave_out=frozenset()) -> dict[date, list[RoundDate]]:
    """The van's active round dates (of any of its rounds) by local day."""
    rows = session.scalars(
        select(RoundDate).join(Stop, Stop.id == RoundDate.stop_id)
        .join(Round, Round.id == Stop.round_id)
        .where(Round.resource_id == resource.id,
               RoundDate.status != "cancelled",
               RoundDate.starts_at >= datetime.combine(first, time(), zone),
               RoundDate.starts_at < datetime.combine(last + timedelta(days=1), time(), zone))
    ).all()
    by_day: dict[date, list[RoundDate]] = {}
    for row in rows:
        if row.id not in leave_out:
            by_day.setdefault(row.starts_at.astimezone(zone).date(), []).append(row)
    return by_day


# --- ending early -----------------------------------------------------------------------------


@refusals_roll_back
def end_season(session, *, actor, round_: Round, last_day: date, reason: str, now: datetime,
               settings: Settings) -> Round:
    """The season ends with `last_day`: later dates are released and leave the calendars."""
    require_manager(actor, round_)
    reason = check_text(reason, "reason", 500)
    if not isinstance(last_day, date):
        raise InvalidInput(_("Please enter a date."), field="last_day")
    today = to_local(now, settings.zone).date()
    if last_day < today:
        raise InvalidInput(_("The season cannot end in the past."), field="last_day")
    if last_day >= round_.season_end:
        raise InvalidInput(_("The season ends on %(date)s anyway.",
                             date=day_text(round_.season_end)), field="last_day")
    begin_write(session)
    for stop in list(round_.stops):
        later = [d for d in stop.dates if d.original_date > last_day]
        drop_dates(session, later, actor=actor, reason=reason, now=now)
        shorten_version(session, stop, last_day, actor=actor, reason=reason, now=now)
    round_.season_end = last_day
    round_.status = RoundStatus.ENDED
    session.flush()
    record(session, actor=actor, subject_type="round", subject_id=round_.id, action="ended",
           at=now, details={"last_day": last_day.isoformat(), "reason": reason})
    feeds.bump(session, {resource_scope(round_.resource_id)}, now)
    return round_
