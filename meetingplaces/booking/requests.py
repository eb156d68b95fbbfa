"""Requesting, approving, rejecting, cancelling and changing bookings: the one API that pages,
the JSON API and the Spielmobil rounds call.

Contract shared by every function here:
- `actor` is the acting User, or a Guest (a group without an account, proven by a signed
  link), `now` the current aware instant.
- Permissions are asked of meetingplaces.policy; a refusal raises a typed DomainError
  (booking.errors) naming its field, after rolling the session back, so nothing half-done stays.
- On success the changes are flushed, not committed: the caller adds what belongs to the same
  transaction (mail through the outbox) and commits. Until then, on SQLite, the write lock
  taken by begin_write() is held, so commit promptly.
- All or nothing: across the resources of a booking and across the dates of a series.
- Every step ends by telling the app's listeners (booking.listeners: the mails, the waiting
  list, events held in the booking), in the same transaction.
- Times: `local_start`/`local_end` are naive wall-clock datetimes in the city's zone
  (Settings.zone); a `fold=1` picks the second of the two autumn hours.
"""

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, lazyload, selectinload

from ..database import begin_write, lock_row, refusals_roll_back
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..i18n import day_text, moment_text, time_text
from ..models.audit import count_from_first, record
from ..models.bookings import (
    ACTIVE_OCCURRENCE_STATUSES,
    Booking,
    BookingStatus,
    Guest,
    Occurrence,
    OccurrenceStatus,
)
from ..models.people import Organisation, User
from ..models.places import Facility, Quarter, Resource
from ..policy import can
from ..timeline import BOOKING_RULES, LocalSlot, as_date, expand, normalise_rule, to_local
from . import listeners
from .conflicts import dates_held, find_conflicts, taken_dates
from .errors import BookingConflict, OverQuota
from .rules import (
    PlannedOccurrence,
    Settings,
    check_capacity,
    check_closures,
    check_details,
    check_quota,
    check_times,
    plan,
)

REASON_MAX = 500
SCOPES = ("this", "following", "all")



# --- reading ----------------------------------------------------------------------------------


def booking_by_id(session, booking_id: int) -> Booking:
    """The booking with its resources and occurrences loaded, or NotFound."""
    booking = session.scalar(
        select(Booking)
        .where(Booking.id == booking_id)
        .options(selectinload(Booking.resources), selectinload(Booking.occurrences))
    )
    if booking is None:
        raise NotFound(_("There is no such booking."))
    return booking


# What the rules read of a resource (its quarter, facility and opening hours), in the same
# statement; their translated texts are not needed for a booking.
RULES_LOAD = (
    joinedload(Resource.quarter).lazyload(Quarter.translations),
    joinedload(Resource.facility).options(lazyload(Facility.translations),
                                          joinedload(Facility.opening_hours)),
    lazyload(Resource.translations),
)


def resources_by_ids(session, resource_ids: Iterable) -> list[Resource]:
    """The resources named by id, in the given order; unknown ids raise a field error."""
    try:
        ids = [int(value) for value in resource_ids]
    except (TypeError, ValueError) as error:
        raise InvalidInput(_("Choose rooms or resources from the list."),
                           field="resource_ids") from error
    found = {r.id: r for r in session.scalars(
        select(Resource).where(Resource.id.in_(ids)).options(*RULES_LOAD)).unique()}
    if len(set(ids)) != len(ids) or set(ids) - set(found):
        raise InvalidInput(_("Choose rooms or resources from the list."), field="resource_ids")
    return [found[i] for i in ids]


def approval_queue(session, manager: User) -> list[Booking]:
    """Bookings with dates waiting for this manager's decision, oldest request first."""
    quarter_ids = None if manager.is_admin else [q.id for q in manager.managed_quarters]
    query = (
        select(Booking)
        .where(Booking.status == BookingStatus.PENDING,
               # a guest's request counts once the guest has confirmed it by the mailed link
               or_(Booking.guest_id.is_(None), Booking.guest_confirmed_at.is_not(None)))
        .options(selectinload(Booking.resources), selectinload(Booking.occurrences),
                 selectinload(Booking.organisation), selectinload(Booking.guest))
        .order_by(Booking.created_at)
    )
    if quarter_ids is not None:
        query = query.where(
            Booking.resources.any(Resource.quarter_id.in_(quarter_ids))
        )
    return [b for b in session.scalars(query) if can(manager, "approve", b)]


# --- requesting -------------------------------------------------------------------------------


@refusals_roll_back
def request_booking(
    session,
    *,
    actor: User | Guest,
    organisation: Organisation | None,
    resources: list[Resource],
    local_start: datetime,
    local_end: datetime,
    title: str,
    attendees: int,
    purpose: str = "",
    public: bool = False,
    location: str = "",
    rrule: str = "",
    exdates: Iterable = (),
    moved: dict[date, tuple[datetime, datetime]] | None = None,
    free_dates_only: bool = False,
    now: datetime,
    settings: Settings,
) -> Booking:
    """Request `resources` together for a date or a series; every rule is checked, and the
    resources are held at once when none needs approval (or the actor manages them all),
    otherwise the dates wait as pending. `booking.notices` says how ambiguous times were read.

    With `free_dates_only`, the dates of a series that are taken are left out (kept among its
    exdates, so they can be added back later) instead of refusing the whole request; the
    notices name them. Still a BookingConflict when every date is taken.

    A Guest books without an organisation; its dates always wait for a manager.

    Raises Forbidden (not a member of an active `organisation`), InvalidInput subclasses for
    broken rules, BookingConflict when a confirmed booking holds any resource on any date:
    every taken date at once, each with the free resources nearby (conflicts.taken_dates).
    """
    guest = actor if isinstance(actor, Guest) else None
    if guest is None and not can(actor, "request_booking", organisation):
        raise Forbidden(_("You cannot book for this organisation."), field="organisation_id")
    check_details(title=title, purpose=purpose, attendees=attendees, location=location,
                  resources=resources)
    check_capacity(resources, attendees)
    rule = normalise_rule(rrule, limits=BOOKING_RULES, zone=settings.zone)
    skipped = sorted({as_date(value, "exdates") for value in exdates})
    slots = expand(local_start, local_end, rule, exdates=skipped, moved=moved)
    if not slots:
        raise InvalidInput(_("The series leaves out every date."), field="exdates")
    planned, notices = plan(resources, slots, settings.zone)
    check_times(planned, now=now, settings=settings)

    begin_write(session)
    check_closures(session, planned)
    confirmed = _confirmed_at_once(actor, resources)
    # On PostgreSQL the exclusion constraint decides for dates held at once, and its
    # violation gives the same BookingConflict (_flush_holding_invariant): no query before.
    constraint_decides = (confirmed and not free_dates_only
                          and session.get_bind().dialect.name == "postgresql")
    # A request that waits may collide with a Spielmobil stop: the manager can move the stop.
    conflicts = [] if constraint_decides else find_conflicts(
        session, planned, round_dates_yield=not confirmed)
    left_out = dates_held(planned, conflicts) if free_dates_only else set()
    if left_out and left_out != {p.original_date for p in planned}:
        planned = [p for p in planned if p.original_date not in left_out]
        skipped = sorted({*skipped, *left_out})
        notices.append(_("Left out because they are taken: %(dates)s.",
                         dates=", ".join(day_text(d) for d in sorted(left_out))))
    elif conflicts:
        raise _conflict(session, planned, conflicts, settings, now=now, attendees=attendees)
    try:
        check_quota(session, planned, organisation_id=organisation.id if organisation else None,
                    zone=settings.zone)
    except OverQuota:
        if constraint_decides and (conflicts := find_conflicts(session, planned)):
            # as after a check: a clash is named before the quota
            raise _conflict(session, planned, conflicts, settings, now=now,
                            attendees=attendees) from None
        raise

    booking = Booking(
        organisation=organisation,
        requested_by=None if guest else actor,
        guest=guest,
        title=title.strip(),
        purpose=purpose or "",
        attendees=attendees,
        public=bool(public),
        location=(location or "").strip(),
        rrule=rule,
        exdates=[d.isoformat() for d in skipped],
        local_start=local_start.replace(tzinfo=None, fold=0),
        local_end=local_end.replace(tzinfo=None, fold=0),
        status=BookingStatus.APPROVED if confirmed else BookingStatus.PENDING,
        resources=list(resources),
    )
    booking.occurrences = _occurrences(planned, confirmed)
    session.add(booking)
    _flush_holding_invariant(session, planned, settings, now=now, attendees=attendees)
    entry = record(session, actor=actor, subject_type="booking", subject_id=booking.id,
                   action="confirmed" if confirmed else "requested", at=now,
                   details={"dates": _dates(planned), "resource_ids": [r.id for r in resources],
                            "notices": notices})
    count_from_first(session, "booking", booking.id)
    booking.notices = tuple(notices)
    booking.history = [entry]  # its whole history so far: an answer need not read it back
    listeners.tell(session, booking, listeners.BookingChange("requested", actor, now))
    return booking


@refusals_roll_back
def hold_resource(
    session,
    *,
    actor: User,
    resource: Resource,
    slots: list[LocalSlot],
    title: str,
    locations: list[str],
    now: datetime,
    settings: Settings,
) -> list[Booking]:
    """The quarter's own use of a resource it manages on single dates (the Spielmobil's round
    stops): one confirmed booking per slot, no organisation, every rule and the invariant
    checked as for a request. All or nothing. `locations[i]` says where slot i stands."""
    if not can(actor, "edit", resource):
        raise Forbidden(_("Only a manager of this quarter can hold %(name)s.", name=resource.name),
                        field="resource_id")
    for location in locations:
        check_details(title=title, purpose="", attendees=1, location=location,
                      resources=[resource])
    planned, _notices = plan([resource], list(slots), settings.zone)
    check_times(planned, now=now, settings=settings)
    begin_write(session)
    check_closures(session, planned)
    _refuse_conflicts(session, planned, settings, now=now)
    bookings = []
    for item, location in zip(planned, locations, strict=True):
        booking = Booking(
            organisation=None, requested_by=actor, title=title.strip(), attendees=1,
            public=True, location=location.strip(), rrule="", exdates=[],
            local_start=item.local_start.replace(tzinfo=None, fold=0),
            local_end=item.local_end.replace(tzinfo=None, fold=0),
            status=BookingStatus.APPROVED, resources=[resource],
        )
        booking.occurrences = _occurrences([item], confirmed=True)
        session.add(booking)
        bookings.append(booking)
    _flush_holding_invariant(session, planned, settings, now=now)
    for booking in bookings:
        record(session, actor=actor, subject_type="booking", subject_id=booking.id,
               action="confirmed", at=now,
               details={"dates": _dates(booking.occurrences), "resource_ids": [resource.id]})
    return bookings


@refusals_roll_back
def keep_hold(
    session,
    *,
    actor: User,
    hold: Booking | None,
    organisation: Organisation | None,
    resource: Resource | None,
    slots: list[LocalSlot],
    title: str,
    public: bool,
    confirmed: bool,
    free_dates_only: bool = False,
    now: datetime,
    settings: Settings,
) -> Booking | None:
    """Keep the booking by which an event holds its room in step with the event's dates to
    come (`slots` on `resource`; none frees them all), as one request would be.

    A date held already at the same time stays as it is; a new date is checked by every rule
    of a request (times, closures, quota, conflicts) and refused with the same errors; a date
    no longer wanted is freed. `confirmed` holds the room (a published event; pending dates
    are confirmed then, checked for conflicts again), otherwise the dates wait as pending (a
    proposal until it is moderated). Returns the booking, a new one when `hold` was None and
    something is to be held, or None. Dates already begun or past are never touched.

    With `free_dates_only`, new dates that are taken are left out instead of refusing (as
    request_booking does); `booking.left_out` names them, for the event to leave out too.
    Still a BookingConflict when no date would be held. Confirmed dates freed are told to the
    listeners ("hold_freed": the waiting list), as a cancellation's are.
    """
    if hold is not None:
        _lock(session, hold)
    planned, notices = plan([resource], list(slots), settings.zone) if resource else ([], [])
    held = {} if hold is None else {
        (o.resource_id, o.starts_at, o.ends_at): o for o in hold.occurrences
        if o.status in ACTIVE_OCCURRENCE_STATUSES and o.starts_at >= now}
    wanted = {(p.resource.id, p.starts_at, p.ends_at): p for p in planned}
    new = [p for key, p in wanted.items() if key not in held]
    dropped = [o for key, o in held.items() if key not in wanted]
    promoted = [o for key, o in held.items() if key in wanted and confirmed
                and o.status == OccurrenceStatus.PENDING]
    if not new and not dropped and not promoted:
        return hold
    check_times(new, now=now, settings=settings)

    begin_write(session)
    freed = listeners.BookingChange(
        "hold_freed", actor, now, freed=tuple(
            (o.resource_id, o.blocked_from, o.blocked_until) for o in dropped
            if o.status == OccurrenceStatus.CONFIRMED)) if hold is not None else None
    for occurrence in dropped:
        occurrence.status = OccurrenceStatus.CANCELLED
    session.flush()
    check_closures(session, new)
    check_quota(session, new, organisation_id=organisation.id if organisation else None,
                zone=settings.zone)
    left_out = set()
    if free_dates_only:
        left_out = dates_held(new, find_conflicts(session, new, round_dates_yield=not confirmed))
        free = [p for p in new if p.original_date not in left_out]
        if free or len(held) > len(dropped):  # something is still held
            new = free
        else:
            left_out = set()
    _refuse_conflicts(session, [*new, *promoted], settings, now=now,
                      round_dates_yield=not confirmed)
    if hold is None:
        if not new:
            return None
        first = min(new, key=lambda p: p.starts_at)
        hold = Booking(
            organisation=organisation, requested_by=actor, title=title.strip()[:200],
            attendees=1, public=bool(public), rrule="", exdates=[],
            local_start=first.local_start.replace(tzinfo=None, fold=0),
            local_end=first.local_end.replace(tzinfo=None, fold=0),
            status=BookingStatus.PENDING, resources=[resource])
        session.add(hold)
    for occurrence in promoted:
        occurrence.status = OccurrenceStatus.CONFIRMED
    hold.occurrences.extend(_occurrences(new, confirmed))
    hold.title, hold.public = title.strip()[:200], bool(public)
    if resource is not None and resource not in hold.resources:
        hold.resources = [resource]
    _flush_holding_invariant(session, [*new, *promoted], settings, now=now)
    _settle(hold)
    session.flush()
    record(session, actor=actor, subject_type="booking", subject_id=hold.id,
           action="held_for_event", at=now,
           details={"held": _dates(new), "confirmed": _dates(promoted),
                    "freed": _dates(dropped), "notices": notices,
                    "left_out": sorted(d.isoformat() for d in left_out)})
    hold.left_out = tuple(sorted(left_out))
    if freed is not None and freed.freed:
        listeners.tell(session, hold, freed)
    return hold


# --- deciding ---------------------------------------------------------------------------------


@refusals_roll_back
def approve_booking(session, *, actor: User, booking: Booking, dates: Iterable | None = None,
                    now: datetime, settings: Settings) -> Booking:
    """Confirm the pending dates of a booking (all, or the local `dates` of a series), on all
    its resources at once. BookingConflict when another confirmed booking holds one of them."""
    if not can(actor, "approve", booking):
        raise Forbidden(_("Only a manager of this quarter can approve the booking."))
    _lock(session, booking)
    targets = _select(booking, dates, statuses=(OccurrenceStatus.PENDING,))
    if not targets:
        _refuse_if_decided(booking)
        raise InvalidInput(_("Nothing waits for approval on these dates."), field="date")
    _refuse_conflicts(session, targets, settings, now=now)
    for occurrence in targets:
        occurrence.status = OccurrenceStatus.CONFIRMED
    _flush_holding_invariant(session, targets, settings, now=now)
    _settle(booking)
    record(session, actor=actor, subject_type="booking", subject_id=booking.id,
           action="approved", at=now, details={"dates": _dates(targets)})
    listeners.tell(session, booking, listeners.BookingChange(
        "approved", actor, now, dates=tuple(_dates(targets))))
    return booking


@refusals_roll_back
def reject_booking(session, *, actor: User, booking: Booking, reason: str,
                   dates: Iterable | None = None, now: datetime) -> Booking:
    """Turn down the pending dates (all, or the local `dates`), with a reason for the
    requester."""
    if not can(actor, "reject", booking):
        raise Forbidden(_("Only a manager of this quarter can reject the booking."))
    reason = _reason(reason)
    _lock(session, booking)
    targets = _select(booking, dates, statuses=(OccurrenceStatus.PENDING,))
    if not targets:
        _refuse_if_decided(booking)
        raise InvalidInput(_("Nothing waits for approval on these dates."), field="date")
    change = _change("rejected", actor, now, booking, targets)
    for occurrence in targets:
        occurrence.status = OccurrenceStatus.REJECTED
    booking.status_reason = reason
    _settle(booking)
    session.flush()
    record(session, actor=actor, subject_type="booking", subject_id=booking.id,
           action="rejected", at=now, details={"dates": _dates(targets), "reason": reason})
    listeners.tell(session, booking, change)
    return booking


@refusals_roll_back
def cancel_booking(session, *, actor: User, booking: Booking, reason: str, scope: str = "all",
                   date: date | str | None = None, now: datetime) -> Booking:
    """Cancel one date ("this"), a date and all later ones ("following") or every date still
    to come ("all"), with a reason. Frees the resource at once."""
    if not can(actor, "cancel", booking):
        raise Forbidden(_("You cannot cancel this booking."))
    reason = _reason(reason)
    _lock(session, booking)
    targets = _in_scope(booking, scope, date, now)
    if not targets:
        _refuse_if_decided(booking)
        raise InvalidInput(_("There is nothing to cancel on this date."), field="date")
    change = _change("cancelled", actor, now, booking, targets)
    for occurrence in targets:
        occurrence.status = OccurrenceStatus.CANCELLED
    booking.status_reason = reason
    _settle(booking)
    if scope == "all":
        booking.status = BookingStatus.CANCELLED
    session.flush()
    record(session, actor=actor, subject_type="booking", subject_id=booking.id,
           action="cancelled", at=now,
           details={"scope": scope, "dates": _dates(targets), "reason": reason})
    listeners.tell(session, booking, change)
    return booking


# --- changing ---------------------------------------------------------------------------------


@refusals_roll_back
def change_booking(
    session,
    *,
    actor: User,
    booking: Booking,
    scope: str = "all",
    date: date | str | None = None,
    local_start: datetime | None = None,
    local_end: datetime | None = None,
    resources: list[Resource] | None = None,
    now: datetime,
    settings: Settings,
) -> Booking:
    """Move dates to another time and/or other resources; all rules are checked again.

    "this" moves the one `date` to `local_start`–`local_end` (any day). "following" and
    "all" give the dates from `date` (or every date still to come) the new time of day, except
    dates moved on their own before: single-date changes survive an edit of the series.
    Changed dates wait for approval again when a resource needs it.
    """
    if not can(actor, "change", booking):
        raise Forbidden(_("You cannot change this booking."))
    if (local_start is None) != (local_end is None):
        raise InvalidInput(_("Give both the new start and the new end."), field="end")
    new_resources = list(resources) if resources is not None else list(booking.resources)
    check_details(title=booking.title, purpose=booking.purpose, attendees=booking.attendees,
                  location=booking.location, resources=new_resources)
    check_capacity(new_resources, booking.attendees)
    _lock(session, booking)
    targets = _in_scope(booking, scope, date, now)
    if not targets:
        _refuse_if_decided(booking)
        raise InvalidInput(_("There is nothing to change on this date."), field="date")

    slots = []
    series_start, series_end = booking.local_start, booking.local_end
    for original_date, group in _by_date(targets).items():
        current_start = to_local(group[0].starts_at, settings.zone)
        current_end = to_local(group[0].ends_at, settings.zone)
        if local_start is None:
            slots.append(LocalSlot(original_date, current_start, current_end))
        elif scope == "this":
            slots.append(LocalSlot(original_date, local_start, local_end))
        elif _follows_series(group[0], series_start, series_end, settings):
            start = datetime.combine(current_start.date(), local_start.time())
            slots.append(LocalSlot(original_date, start, start + (local_end - local_start)))
        else:
            slots.append(LocalSlot(original_date, current_start, current_end))
    planned, notices = plan(new_resources, slots, settings.zone)
    check_times(planned, now=now, settings=settings)

    begin_write(session)
    before = {"dates": _dates(targets), "resource_ids": sorted({o.resource_id for o in targets})}
    change = _change("changed", actor, now, booking, targets)
    for occurrence in targets:
        booking.occurrences.remove(occurrence)
    session.flush()
    check_closures(session, planned)
    check_quota(session, planned, organisation_id=booking.organisation_id, zone=settings.zone)
    _refuse_conflicts(session, planned, settings, now=now, attendees=booking.attendees)
    confirmed = _confirmed_at_once(actor, new_resources)
    booking.occurrences.extend(_occurrences(planned, confirmed))
    if scope == "all" and local_start is not None:
        booking.local_start = datetime.combine(series_start.date(), local_start.time())
        booking.local_end = booking.local_start + (local_end - local_start)
    _refresh_resources(booking, new_resources if scope == "all" else None)
    _flush_holding_invariant(session, planned, settings, now=now, attendees=booking.attendees)
    _settle(booking)
    record(session, actor=actor, subject_type="booking", subject_id=booking.id,
           action="changed", at=now,
           details={"scope": scope, "before": before,
                    "after": {"dates": _dates(planned),
                              "resource_ids": [r.id for r in new_resources]},
                    "status": "confirmed" if confirmed else "pending", "notices": notices})
    booking.notices = tuple(notices)
    listeners.tell(session, booking, replace(change, confirmed=confirmed))
    return booking


@refusals_roll_back
def add_back_date(session, *, actor: User, booking: Booking, date: date | str,
                  now: datetime, settings: Settings) -> Booking:
    """Put a date of the series back that was left out or cancelled, at the series' time and
    on its resources, with every rule checked as for a new request."""
    if not can(actor, "change", booking):
        raise Forbidden(_("You cannot change this booking."))
    wanted = as_date(date, "date")
    _lock(session, booking)
    series_dates = {slot.original_date
                    for slot in expand(booking.local_start, booking.local_end, booking.rrule)}
    if wanted not in series_dates:
        raise InvalidInput(_("%(date)s is not a date of this series.", date=day_text(wanted)),
                           field="date")
    same_date = [o for o in booking.occurrences if o.original_date == wanted]
    if any(o.status in ACTIVE_OCCURRENCE_STATUSES for o in same_date):
        raise Conflict(_("%(date)s is already part of the booking.",
                         date=day_text(wanted)), field="date")
    start = datetime.combine(wanted, booking.local_start.time())
    slot = LocalSlot(wanted, start, start + (booking.local_end - booking.local_start))
    resources = list(booking.resources)
    planned, notices = plan(resources, [slot], settings.zone)
    check_times(planned, now=now, settings=settings)

    _book_again(session, booking, replacing=same_date, planned=planned, resources=resources,
                actor=actor, now=now, settings=settings)
    record(session, actor=actor, subject_type="booking", subject_id=booking.id,
           action="date_added_back", at=now,
           details={"dates": [wanted.isoformat()], "notices": notices})
    booking.notices = tuple(notices)
    return booking


@refusals_roll_back
def restore_dates(session, *, actor: User, booking: Booking, dates: Iterable,
                  now: datetime, settings: Settings) -> Booking:
    """Undo the cancellation of dates still ahead, at the time and on the resources they had,
    while their slot is free: every rule is checked as for a new request (a clash refuses with
    the conflict), and whoever heard of the cancellation hears of the restore."""
    if not can(actor, "change", booking):
        raise Forbidden(_("You cannot change this booking."))
    wanted = {as_date(day, "date") for day in dates}
    _lock(session, booking)
    active = {o.original_date for o in booking.occurrences
              if o.status in ACTIVE_OCCURRENCE_STATUSES}
    targets = [o for o in booking.occurrences if o.original_date in wanted
               and o.status == OccurrenceStatus.CANCELLED and o.original_date not in active]
    if not targets:
        if wanted & active:  # a second click, or someone else was quicker
            raise Conflict(_("This date takes place already."), field="date")
        raise InvalidInput(_("There is no cancelled date to restore on this day."),
                           field="date")
    resources = sorted({o.resource.id: o.resource for o in targets}.values(),
                       key=lambda r: r.name)
    slots = [LocalSlot(day, to_local(group[0].starts_at, settings.zone),
                       to_local(group[0].ends_at, settings.zone))
             for day, group in _by_date(targets).items()]
    planned, notices = plan(resources, slots, settings.zone)
    check_times(planned, now=now, settings=settings)

    confirmed = _book_again(session, booking, replacing=targets, planned=planned,
                            resources=resources, actor=actor, now=now,
                            settings=settings)
    restored = {item.original_date.isoformat() for item in planned}
    record(session, actor=actor, subject_type="booking", subject_id=booking.id,
           action="restored", at=now,
           details={"dates": sorted(restored), "notices": notices,
                    "status": "confirmed" if confirmed else "pending"})
    booking.notices = tuple(notices)
    listeners.tell(session, booking, listeners.BookingChange(
        "restored", actor, now, dates=tuple(sorted(restored)), confirmed=confirmed))
    return booking


# --- helpers ----------------------------------------------------------------------------------


def _book_again(session, booking: Booking, *, replacing, planned, resources, actor: User,
                now: datetime, settings: Settings) -> bool:
    """Dates of a booking taken up again (put back into the series, or restored after a
    cancellation): the stored dates they replace go, every rule is checked as for a new
    request, and they leave the series' exceptions. True when they are confirmed at once."""
    begin_write(session)
    for occurrence in replacing:
        booking.occurrences.remove(occurrence)
    session.flush()
    check_closures(session, planned)
    check_quota(session, planned, organisation_id=booking.organisation_id, zone=settings.zone)
    _refuse_conflicts(session, planned, settings, now=now, attendees=booking.attendees)
    confirmed = _confirmed_at_once(actor, resources)
    booking.occurrences.extend(_occurrences(planned, confirmed))
    again = {item.original_date.isoformat() for item in planned}
    booking.exdates = [d for d in booking.exdates if d not in again]
    _flush_holding_invariant(session, planned, settings, now=now, attendees=booking.attendees)
    _settle(booking)
    return confirmed


def _lock(session, booking: Booking) -> None:
    """Decide on the booking as it is now: its row locked, its dates read again."""
    lock_row(session, booking, selectinload(Booking.occurrences),
             selectinload(Booking.resources))


def _refuse_if_decided(booking: Booking) -> None:
    """A decision that finds nothing left to do because another came first says which."""
    message = {
        BookingStatus.APPROVED: _("This booking has been approved in the meantime."),
        BookingStatus.REJECTED: _("This booking has been rejected in the meantime."),
        BookingStatus.CANCELLED: _("This booking has been cancelled in the meantime."),
    }.get(booking.status)
    if message:
        # nothing holds the resource against it: another decision came first
        raise Conflict(message, booking_status=str(booking.status), conflicts=[])


def _confirmed_at_once(actor: User | Guest | None, resources: list[Resource]) -> bool:
    """Resources without approval are held at once; so are those the actor manages. A guest's
    request always waits for a manager: nobody vouches for a group without an account."""
    if isinstance(actor, Guest):
        return False
    return all(
        not r.approval_required or (actor is not None and actor.manages(r.quarter_id))
        for r in resources
    )


def _occurrences(planned: list[PlannedOccurrence], confirmed: bool) -> list[Occurrence]:
    status = OccurrenceStatus.CONFIRMED if confirmed else OccurrenceStatus.PENDING
    return [
        Occurrence(
            resource=p.resource,
            original_date=p.original_date,
            starts_at=p.starts_at,
            ends_at=p.ends_at,
            blocked_from=p.blocked_from,
            blocked_until=p.blocked_until,
            status=status,
        )
        for p in planned
    ]


def _refuse_conflicts(session, wanted, settings: Settings, *, now: datetime, attendees: int = 0,
                      round_dates_yield: bool = False) -> None:
    conflicts = find_conflicts(session, wanted, round_dates_yield=round_dates_yield)
    if conflicts:
        raise _conflict(session, wanted, conflicts, settings, now=now, attendees=attendees)


def _conflict(session, wanted, conflicts, settings: Settings, *, now: datetime,
              attendees: int = 0) -> BookingConflict:
    """The refusal that tells everything at once: every taken date with the free resources
    nearby then, and the dates that are free."""
    if not conflicts:  # the racing winner was cancelled again before we could read it
        return BookingConflict(
            _("Another request took this time a moment ago. Please try again."), [],
            settings.zone)
    taken, free = taken_dates(session, _planned(wanted, settings), conflicts, attendees=attendees,
                              now=now, settings=settings)
    if len(taken) > 1:
        message = _("%(count)d of the %(total)d dates are already booked; each is listed "
                    "with the rooms that are free then.",
                    count=len(taken), total=len(taken) + len(free))
    else:
        first = conflicts[0]
        message = _("%(name)s is already booked from %(start)s to %(end)s.",
                    name=first.resource_name,
                    start=moment_text(to_local(first.starts_at, settings.zone)),
                    end=time_text(to_local(first.ends_at, settings.zone)))
    return BookingConflict(message, conflicts, settings.zone, taken_dates=taken,
                           free_dates=free)


def _planned(wanted, settings: Settings) -> list[PlannedOccurrence]:
    """Planned occurrences, or stored ones (a decision on pending dates) seen as planned."""
    return [w if isinstance(w, PlannedOccurrence) else PlannedOccurrence(
        w.resource, w.original_date, to_local(w.starts_at, settings.zone),
        to_local(w.ends_at, settings.zone), w.starts_at, w.ends_at) for w in wanted]


def _flush_holding_invariant(session, wanted, settings: Settings, *, now: datetime,
                             attendees: int = 0) -> None:
    """Flush; when PostgreSQL's exclusion constraint refuses (a request that raced ours won),
    report it as the same BookingConflict the check above would have given."""
    try:
        session.flush()
    except IntegrityError as error:
        if getattr(error.orig, "sqlstate", None) != "23P01":  # exclusion_violation
            raise
        session.rollback()  # the transaction is spoilt; read the winner in a fresh one
        raise _conflict(session, wanted, find_conflicts(session, wanted), settings, now=now,
                        attendees=attendees) from error


def _select(booking: Booking, dates: Iterable | None, *, statuses) -> list[Occurrence]:
    wanted = None if dates is None else {as_date(d, "date") for d in dates}
    return [
        o for o in booking.occurrences
        if o.status in statuses and (wanted is None or o.original_date in wanted)
    ]


def _in_scope(booking: Booking, scope: str, day, now: datetime) -> list[Occurrence]:
    """The active dates a cancel or change applies to; "all" means every date not yet over."""
    if scope not in SCOPES:
        raise InvalidInput(_("Choose this date, this and following, or all dates."),
                           field="scope")
    active = [o for o in booking.occurrences if o.status in ACTIVE_OCCURRENCE_STATUSES]
    if scope == "all":
        return [o for o in active if o.ends_at > now]
    if day is None or day == "":
        raise InvalidInput(_("Choose the date."), field="date")
    day = as_date(day, "date")
    if scope == "this":
        return [o for o in active if o.original_date == day]
    return [o for o in active if o.original_date >= day]


def _by_date(occurrences: list[Occurrence]) -> dict[date, list[Occurrence]]:
    groups: dict[date, list[Occurrence]] = {}
    for occurrence in sorted(occurrences, key=lambda o: (o.original_date, o.resource_id)):
        groups.setdefault(occurrence.original_date, []).append(occurrence)
    return groups


def _follows_series(occurrence: Occurrence, series_start: datetime, series_end: datetime,
                    settings: Settings) -> bool:
    """Whether a date still has the series' times, i.e. was not moved on its own."""
    local_start = to_local(occurrence.starts_at, settings.zone)
    local_end = to_local(occurrence.ends_at, settings.zone)
    return (
        local_start.date() == occurrence.original_date
        and local_start.time() == series_start.time()
        and local_end - local_start == series_end - series_start
    )


def _refresh_resources(booking: Booking, resources: list[Resource] | None) -> None:
    """The booking's resources are those its active dates use (all new ones on "all")."""
    if resources is not None:
        booking.resources = list(resources)
        return
    used = {o.resource.id: o.resource for o in booking.occurrences
            if o.status in ACTIVE_OCCURRENCE_STATUSES}
    for resource in booking.resources:
        used.setdefault(resource.id, resource)
    booking.resources = sorted(used.values(), key=lambda r: r.name)


def _settle(booking: Booking) -> None:
    """The booking's status follows its dates: pending while any waits, approved while any
    holds a resource, otherwise rejected or cancelled."""
    statuses = {o.status for o in booking.occurrences}
    if OccurrenceStatus.PENDING in statuses:
        booking.status = BookingStatus.PENDING
    elif OccurrenceStatus.CONFIRMED in statuses:
        booking.status = BookingStatus.APPROVED
    elif OccurrenceStatus.CANCELLED in statuses:
        booking.status = BookingStatus.CANCELLED
    else:
        booking.status = BookingStatus.REJECTED


def _change(action: str, actor, now: datetime, booking: Booking,
            targets: list[Occurrence]) -> listeners.BookingChange:
    """What listeners hear of a step, taken before it changes the dates it touches: the
    confirmed ones among them are the slots it frees."""
    in_use = {o.resource.id: o.resource for o in booking.occurrences
              if o.status in ACTIVE_OCCURRENCE_STATUSES}
    return listeners.BookingChange(
        action=action, actor=actor, now=now,
        spans=tuple((o.starts_at, o.ends_at) for o in targets),
        resources_before=tuple(in_use.values() or booking.resources),
        dates=tuple(_dates(targets)),
        freed=tuple((o.resource_id, o.blocked_from, o.blocked_until) for o in targets
                    if o.status == OccurrenceStatus.CONFIRMED))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give a reason."), field="reason")
    if len(reason) > REASON_MAX:
        raise InvalidInput(_("The reason may have at most %(count)d characters.",
                             count=REASON_MAX), field="reason")
    return reason


def _dates(items) -> list[str]:
    return sorted({item.original_date.isoformat() for item in items})
