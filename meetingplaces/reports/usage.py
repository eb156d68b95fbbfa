"""Booked minutes per resource, organisation and local month (models.reports.ResourceUsage),
kept in step with the occurrences in the same transaction.

Why a running sum and not a GROUP BY over occurrences: a city's year is some hundred thousand
occurrences, and the yearly report must cost about as much as counting them once
(bench/reports.py). Why mapper events: occurrences are written through many doors (requests,
changes, the rounds, orphans of a changed series, cascades of a deleted booking); every row the
ORM inserts, updates or deletes passes here, whichever door it came through. Rows written with
Core statements bypass it: call `rebuild()` after such bulk loads (`flask rebuild-reports`).
"""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, event, func, insert, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models.bookings import Booking, Occurrence, OccurrenceStatus
from ..models.places import Resource
from ..models.reports import OrganisationMonth, ResourceMonth, ResourceUsage

PENDING_KEY = "meetingplaces.usage_deltas"
ORGANISATIONS_KEY = "meetingplaces.usage_organisations"
QUARTERS_KEY = "meetingplaces.usage_quarters"
# The city's zone rides on the engine (create_app puts it there): a local month is the city's,
# and the listeners see the connection, not the app.
ZONE_OPTION = "meetingplaces_city_zone"


def set_zone(engine, zone: ZoneInfo) -> None:
    """Sum this engine's occurrences by the local months of `zone`."""
    engine.update_execution_options(**{ZONE_OPTION: zone})


def _zone(connection) -> ZoneInfo:
    zone = connection.get_execution_options().get(ZONE_OPTION)
    if zone is None:
        raise RuntimeError("No city time zone on this database engine: create_app() sets it "
                           "(reports.usage.set_zone).")
    return zone


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_start(month: date, zone: ZoneInfo) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=zone).astimezone(UTC)


def split_by_month(starts_at: datetime, ends_at: datetime, zone: ZoneInfo):
    """(first day of the local month, minutes) for each month the span touches."""
    month = month_of(starts_at.astimezone(zone).date())
    while True:
        boundary = month_start(next_month(month), zone)
        part_end = min(ends_at, boundary)
        minutes = round((part_end - max(starts_at, month_start(month, zone))).total_seconds()
                        / 60)
        if minutes > 0:
            yield month, minutes
        if ends_at <= boundary:
            return
        month = next_month(month)


def _value(state, name: str, *, old: bool):
    history = state.attrs[name].history
    if old:
        if history.deleted:
            return history.deleted[0]
        return history.unchanged[0] if history.unchanged else (
            history.added[0] if history.added else None)
    return getattr(state.obj(), name)


def _organisation(session, connection, state) -> int:
    booking = state.dict.get("booking")
    if booking is not None:
        return booking.organisation_id or 0
    booking_id = state.obj().booking_id
    known = session.info.setdefault(ORGANISATIONS_KEY, {})
    if booking_id not in known:
        known[booking_id] = connection.scalar(
            select(Booking.organisation_id).where(Booking.id == booking_id)) or 0
    return known[booking_id]


def _add(session, zone, resource_id, organisation_id, starts_at, ends_at, sign: int) -> None:
    deltas = session.info.setdefault(PENDING_KEY, defaultdict(lambda: [0, 0]))
    first = True
    for month, minutes in split_by_month(starts_at, ends_at, zone):
        entry = deltas[(resource_id, organisation_id, month)]
        entry[0] += sign * minutes
        if first:
            entry[1] += sign
            first = False


def _track(old: bool, new: bool):
    def listener(mapper, connection, target) -> None:
        session = Session.object_session(target)
        if session is None:
            return
        state = inspect(target)
        organisation_id = _organisation(session, connection, state)
        zone = _zone(connection)
        if old and _value(state, "status", old=True) == OccurrenceStatus.CONFIRMED:
            _add(session, zone, _value(state, "resource_id", old=True), organisation_id,
                 _value(state, "starts_at", old=True), _value(state, "ends_at", old=True), -1)
        if new and target.status == OccurrenceStatus.CONFIRMED:
            _add(session, zone, target.resource_id, organisation_id, target.starts_at,
                 target.ends_at, +1)

    return listener


def _insert(connection, model):
    return (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(
        model)


def _quarters(session, connection, resource_ids) -> dict:
    known = session.info.setdefault(QUARTERS_KEY, {})
    for resource_id in resource_ids:  # loaded already (a booking's rules read them): no query
        loaded = session.identity_map.get(session.identity_key(Resource, resource_id))
        if loaded is not None and resource_id not in known:
            known[resource_id] = loaded.quarter_id
    missing = [r for r in resource_ids if r not in known]
    if missing:
        known.update(connection.execute(
            select(Resource.id, Resource.quarter_id).where(Resource.id.in_(missing))).all())
    return known


def _upsert(connection, model, keys: dict, minutes: int, dates: int) -> None:
    statement = _insert(connection, model).values(**keys, booked_minutes=minutes, dates=dates)
    connection.execute(statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={"booked_minutes": model.booked_minutes + minutes, "dates": model.dates + dates}))


def _apply(session, flush_context) -> None:
    deltas = session.info.pop(PENDING_KEY, None)
    session.info.pop(ORGANISATIONS_KEY, None)
    if not deltas:
        return
    connection = session.connection()
    quarters = _quarters(session, connection, {r for r, _o, _m in deltas})
    per_resource: dict = defaultdict(lambda: [0, 0])
    per_organisation: dict = defaultdict(lambda: [0, 0])
    # Sorted keys: two transactions touching the same months lock their rows in one order.
    for (resource_id, organisation_id, month), (minutes, dates) in sorted(deltas.items()):
        if minutes == 0 and dates == 0:
            continue
        _upsert(connection, ResourceUsage, {"resource_id": resource_id,
                                            "organisation_id": organisation_id,
                                            "month": month}, minutes, dates)
        for sums, key in ((per_resource, (month, resource_id)),
                          (per_organisation, (month, quarters[resource_id], organisation_id))):
            sums[key][0] += minutes
            sums[key][1] += dates
    for (month, resource_id), (minutes, dates) in sorted(per_resource.items()):
        _upsert(connection, ResourceMonth, {"month": month, "resource_id": resource_id},
                minutes, dates)
    for (month, quarter_id, organisation_id), (minutes, dates) in sorted(
            per_organisation.items()):
        _upsert(connection, OrganisationMonth, {"month": month, "quarter_id": quarter_id,
                                                "organisation_id": organisation_id},
                minutes, dates)


def _forget(session, previous_transaction=None) -> None:
    session.info.pop(PENDING_KEY, None)
    session.info.pop(ORGANISATIONS_KEY, None)
    session.info.pop(QUARTERS_KEY, None)


_LISTENERS = (
    (Occurrence, "after_insert", _track(old=False, new=True)),
    (Occurrence, "after_update", _track(old=True, new=True)),
    (Occurrence, "after_delete", _track(old=True, new=False)),
    (Session, "after_flush", _apply),
    (Session, "after_soft_rollback", _forget),
)


def listen() -> None:
    """Called by create_app(); the listeners are process-wide, so registered once."""
    for target, name, function in _LISTENERS:
        if not event.contains(target, name, function):
            event.listen(target, name, function)


def rebuild(session, zone: ZoneInfo) -> int:
    """Sum every confirmed occurrence anew (after a bulk load or a migration); returns the
    number of rows written. Streams the occurrences once."""
    session.execute(delete(ResourceUsage))
    sums: dict = defaultdict(lambda: [0, 0])
    rows = session.execute(
        select(Occurrence.resource_id, Booking.organisation_id, Occurrence.starts_at,
               Occurrence.ends_at)
        .join(Booking, Booking.id == Occurrence.booking_id)
        .where(Occurrence.status == OccurrenceStatus.CONFIRMED)
        .execution_options(yield_per=5000))
    for resource_id, organisation_id, starts_at, ends_at in rows:
        first = True
        for month, minutes in split_by_month(starts_at, ends_at, zone):
            entry = sums[(resource_id, organisation_id or 0, month)]
            entry[0] += minutes
            if first:
                entry[1] += 1
                first = False
    if sums:
        session.execute(ResourceUsage.__table__.insert(), [
            {"resource_id": r, "organisation_id": o, "month": m, "booked_minutes": minutes,
             "dates": dates}
            for (r, o, m), (minutes, dates) in sorted(sums.items())])
    summarise(session)
    return len(sums)


def summarise(session) -> None:
    """Write ResourceMonth and OrganisationMonth anew from ResourceUsage."""
    session.execute(delete(ResourceMonth))
    session.execute(delete(OrganisationMonth))
    session.execute(insert(ResourceMonth).from_select(
        ["month", "resource_id", "booked_minutes", "dates"],
        select(ResourceUsage.month, ResourceUsage.resource_id,
               func.sum(ResourceUsage.booked_minutes), func.sum(ResourceUsage.dates))
        .group_by(ResourceUsage.month, ResourceUsage.resource_id)))
    session.execute(insert(OrganisationMonth).from_select(
        ["month", "quarter_id", "organisation_id", "booked_minutes", "dates"],
        select(ResourceUsage.month, Resource.quarter_id, ResourceUsage.organisation_id,
               func.sum(ResourceUsage.booked_minutes), func.sum(ResourceUsage.dates))
        .join(Resource, Resource.id == ResourceUsage.resource_id)
        .group_by(ResourceUsage.month, Resource.quarter_id, ResourceUsage.organisation_id)))
