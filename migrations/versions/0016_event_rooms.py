"""events placed in a room hold it through a booking of their own

Adds events.resource_id (the room) and events.hold_id (the booking the engine keeps for it),
then places the existing events that stand in a facility in one of its rooms and holds their
dates to come, as events/held_rooms.py would have:

- which events: published or proposed, timed, not over, in a facility, not held in a booking
  somebody made (that booking holds its room already);
- which room: an active room of the facility whose name the event's place name contains (the
  longest such name); else the facility's only active room; else its largest (by capacity,
  then name): an event open to the public is most likely in the room that seats the public,
  and a wrong guess there blocks the room a manager would first look at;
- which dates: those to come, not cancelled, as far ahead as the room can be booked; a
  published event holds them confirmed, a proposal pending. A date that a confirmed booking
  holds already stays with that booking (a migration cannot refuse: it is counted and said).

Place names, SEQUENCE and feeds stay as they are: nothing a visitor sees changes. The
confirmed dates held are added to the reports' booked-time sums here (the ORM's running sums,
reports/usage.py, do not see these inserts), so no `flask rebuild-reports` is needed for them.

Revision ID: 0016
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

import meetingplaces.models.types

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resource_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hold_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_events_resource_id"), ["resource_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_hold_id"), ["hold_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_events_resource_id_resources"), "resources",
                                    ["resource_id"], ["id"], ondelete="SET NULL")
        batch_op.create_foreign_key(batch_op.f("fk_events_hold_id_bookings"), "bookings",
                                    ["hold_id"], ["id"], ondelete="SET NULL")
    _hold_existing_events(op.get_bind())


def _table(name, *columns):
    return sa.table(name, *(sa.column(c) if isinstance(c, str) else c for c in columns))


UTC_TYPE = meetingplaces.models.types.UTCDateTime(timezone=True)
EVENTS = _table("events", "id", "status", "facility_id", "booking_id", "place_name",
                "organisation_id", "proposed_by_id", "title", sa.column("is_public", sa.Boolean()),
                "timezone", "rrule", sa.column("exdates", sa.JSON()),
                sa.column("start_date", sa.Date()), sa.column("end_date", sa.Date()),
                sa.column("starts_at", UTC_TYPE),
                sa.column("ends_at", UTC_TYPE), sa.column("last_ends_at", UTC_TYPE),
                "resource_id", "hold_id")
CHANGES = _table("occurrence_changes", "event_id", sa.column("original_date", sa.Date()),
                 sa.column("cancelled", sa.Boolean()), sa.column("start_date", sa.Date()),
                 sa.column("end_date", sa.Date()), sa.column("starts_at", UTC_TYPE),
                 sa.column("ends_at", UTC_TYPE), "note")
ROOMS = _table("resources", "id", "facility_id", "name", "capacity", "kind",
               sa.column("active", sa.Boolean()),
               "setup_minutes", "cleanup_minutes", "max_advance_days")
BOOKINGS = _table("bookings", "id", "organisation_id", "requested_by_id", "title", "purpose",
                  "attendees", sa.column("public", sa.Boolean()), "status", "status_reason",
                  "location", "rrule", sa.column("exdates", sa.JSON()),
                  sa.column("local_start", sa.DateTime()), sa.column("local_end", sa.DateTime()),
                  sa.column("created_at", UTC_TYPE), sa.column("updated_at", UTC_TYPE),
                  "guest_name", "guest_organisation_name")
BOOKING_RESOURCES = _table("booking_resources", "booking_id", "resource_id")
OCCURRENCES = _table("occurrences", "id", "booking_id", "resource_id",
                     sa.column("original_date", sa.Date()),
                     "status", sa.column("starts_at", UTC_TYPE), sa.column("ends_at", UTC_TYPE),
                     sa.column("blocked_from", UTC_TYPE), sa.column("blocked_until", UTC_TYPE),
                     sa.column("created_at", UTC_TYPE))
USAGE = _table("resource_usage", "resource_id", "organisation_id", sa.column("month", sa.Date()),
               "booked_minutes", "dates")


def _room_for(event, rooms):
    place = (event.place_name or "").casefold()
    named = [r for r in rooms if r.name and r.name.casefold() in place]
    if named:
        return max(named, key=lambda r: len(r.name))
    if len(rooms) == 1:
        return rooms[0]
    return min(rooms, key=lambda r: (-r.capacity, r.name)) if rooms else None


def _hold_existing_events(bind):
    from datetime import UTC, datetime, timedelta
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from meetingplaces.events import occurrences

    now = datetime.now(UTC)
    events = bind.execute(sa.select(EVENTS).where(
        EVENTS.c.status.in_(("published", "proposed")), EVENTS.c.starts_at.is_not(None),
        EVENTS.c.facility_id.is_not(None), EVENTS.c.booking_id.is_(None),
        sa.or_(EVENTS.c.last_ends_at.is_(None), EVENTS.c.last_ends_at > now))
        .order_by(EVENTS.c.id)).all()
    skipped = 0
    counted = []  # (resource id, organisation id, starts_at, ends_at) of confirmed dates held
    for row in events:
        rooms = bind.execute(sa.select(ROOMS).where(
            ROOMS.c.facility_id == row.facility_id, ROOMS.c.kind == "room",
            ROOMS.c.active.is_(True)).order_by(ROOMS.c.id)).all()
        room = _room_for(row, rooms)
        if room is None:
            continue
        changes = [SimpleNamespace(**c._mapping) for c in bind.execute(
            sa.select(CHANGES).where(CHANGES.c.event_id == row.id))]
        event = SimpleNamespace(**row._mapping, changes=changes, all_day=False)
        event.exdates = list(event.exdates or [])
        zone = ZoneInfo(event.timezone)
        horizon = now + timedelta(days=room.max_advance_days)
        dates = []
        for date in occurrences.expand(event, now, horizon):
            if date.cancelled or date.starts_at < now or date.starts_at > horizon:
                continue
            blocked_from = date.starts_at - timedelta(minutes=room.setup_minutes)
            blocked_until = date.ends_at + timedelta(minutes=room.cleanup_minutes)
            taken = bind.execute(sa.select(OCCURRENCES.c.id).where(
                OCCURRENCES.c.resource_id == room.id, OCCURRENCES.c.status == "confirmed",
                OCCURRENCES.c.blocked_from < blocked_until,
                OCCURRENCES.c.blocked_until > blocked_from).limit(1)).first()
            if taken is not None:
                skipped += 1
                continue
            dates.append((date, blocked_from, blocked_until))
        hold_id = None
        if dates:
            first = dates[0][0]
            status = "confirmed" if row.status == "published" else "pending"
            hold_id = bind.execute(BOOKINGS.insert().values(
                organisation_id=row.organisation_id, requested_by_id=row.proposed_by_id,
                title=row.title, purpose="", attendees=1, public=bool(row.is_public),
                status="approved" if status == "confirmed" else "pending", status_reason="",
                location="", rrule="", exdates=[],
                local_start=first.starts_at.astimezone(zone).replace(tzinfo=None),
                local_end=first.ends_at.astimezone(zone).replace(tzinfo=None),
                created_at=now, updated_at=now, guest_name="", guest_organisation_name="",
            ).returning(BOOKINGS.c.id)).scalar_one()
            bind.execute(BOOKING_RESOURCES.insert().values(booking_id=hold_id,
                                                           resource_id=room.id))
            bind.execute(OCCURRENCES.insert(), [
                {"booking_id": hold_id, "resource_id": room.id,
                 "original_date": date.original_date, "status": status,
                 "starts_at": date.starts_at, "ends_at": date.ends_at,
                 "blocked_from": blocked_from, "blocked_until": blocked_until,
                 "created_at": now}
                for date, blocked_from, blocked_until in dates])
            if status == "confirmed":
                counted += [(room.id, row.organisation_id, date.starts_at, date.ends_at)
                            for date, _from, _until in dates]
        bind.execute(EVENTS.update().where(EVENTS.c.id == row.id)
                     .values(resource_id=room.id, hold_id=hold_id))
    if skipped:
        print(f"0016: {skipped} event dates left unheld: a booking holds their room then")
    _count_in_reports(bind, counted)


def _count_in_reports(bind, counted):
    """Add the held dates to the booked minutes per resource, organisation and local month
    of the city (resource_usage), as the ORM's running sums would have, and summarise those
    anew (resource_months, organisation_months: a rewrite of two small tables)."""
    if not counted:
        return
    from collections import defaultdict
    from zoneinfo import ZoneInfo

    from flask import current_app
    from sqlalchemy.orm import Session

    from meetingplaces.reports.usage import split_by_month, summarise

    zone = ZoneInfo(current_app.config["TIMEZONE"])
    sums = defaultdict(lambda: [0, 0])
    for resource_id, organisation_id, starts_at, ends_at in counted:
        for index, (month, minutes) in enumerate(split_by_month(starts_at, ends_at, zone)):
            entry = sums[(resource_id, organisation_id or 0, month)]
            entry[0] += minutes
            entry[1] += index == 0
    for (resource_id, organisation_id, month), (minutes, dates) in sums.items():
        key = sa.and_(USAGE.c.resource_id == resource_id,
                      USAGE.c.organisation_id == organisation_id, USAGE.c.month == month)
        if bind.execute(sa.select(USAGE.c.month).where(key)).first() is None:
            bind.execute(USAGE.insert().values(
                resource_id=resource_id, organisation_id=organisation_id, month=month,
                booked_minutes=minutes, dates=dates))
        else:
            bind.execute(USAGE.update().where(key).values(
                booked_minutes=USAGE.c.booked_minutes + minutes, dates=USAGE.c.dates + dates))
    with Session(bind=bind) as session:
        summarise(session)


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_events_hold_id_bookings"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_events_resource_id_resources"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_events_hold_id"))
        batch_op.drop_index(batch_op.f("ix_events_resource_id"))
        batch_op.drop_column("hold_id")
        batch_op.drop_column("resource_id")
