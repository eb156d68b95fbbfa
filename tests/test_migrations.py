"""The Alembic migrations build exactly the schema the models describe, on both databases."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from meetingplaces import create_app
from meetingplaces.extensions import db

from .conftest import (
    PG_SKIP_REASON,
    PG_URL,
    normalised_pg_url,
    pg_engine_options,
    pg_schema_name,
    reset_pg_schema,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path, worker_id):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.sqlite'}", {}
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    schema = pg_schema_name(worker_id, "mig")
    reset_pg_schema(schema)
    return normalised_pg_url(PG_URL), pg_engine_options(schema)


def _migrated_app(url, options):
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options, "SECRET_KEY": "x"}
    )


FEED_TRIGGERS = """
SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE t.tgname = 'feeds_changed' AND c.relnamespace = current_schema()::regnamespace
"""


def feed_triggers(conn) -> set[str]:
    """Tables whose changes PostgreSQL announces to the feeds (calendar/version_watch.py)."""
    if conn.dialect.name != "postgresql":
        return set()
    return set(conn.scalars(text(FEED_TRIGGERS)))


def test_migrated_schema_equals_the_models(empty_database):
    url, options = empty_database
    app = _migrated_app(url, options)
    with app.app_context():
        upgrade()
        engine = create_engine(url, **options)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            triggers = feed_triggers(conn)
        engine.dispose()
        db.engine.dispose()
    assert differences == []
    if url.startswith("postgresql"):
        assert triggers == {"feed_versions", "quarters", "facilities"}


def test_created_tables_announce_feed_changes_like_migrated_ones(session, database):
    """Tests and `bench/` create tables from the models: the same triggers as migration 0007."""
    triggers = feed_triggers(session.connection())
    assert triggers == ({"feed_versions", "quarters", "facilities"}
                        if database["kind"] == "postgresql" else set())


def test_migrations_downgrade_to_nothing_and_up_again(empty_database):
    url, options = empty_database
    app = _migrated_app(url, options)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        engine = create_engine(url, **options)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        with engine.connect() as conn:
            assert feed_triggers(conn) == set()
        engine.dispose()
        upgrade()
        db.engine.dispose()


def test_0016_makes_an_existing_event_in_a_facility_hold_the_room_its_place_names(
        empty_database):
    """An event published before events held rooms: after 0016 its room named in the place
    name holds its dates to come; a date a booking holds stays with the booking."""
    from datetime import UTC, datetime, timedelta

    from alembic.script import ScriptDirectory
    from sqlalchemy import select

    from meetingplaces.booking import Settings, request_booking
    from meetingplaces.models.bookings import Booking, Occurrence
    from meetingplaces.models.events import Event

    from .factories import Factory

    url, options = empty_database
    app = _migrated_app(url, options)
    with app.app_context():
        upgrade()
        make = Factory(db.session)
        quarter = make.quarter()
        facility = make.facility(quarter)
        make.room(facility, name="Saal", capacity=80)
        cafe = make.room(facility, name="Café", capacity=30)
        first = (datetime.now(UTC) + timedelta(days=7)).replace(hour=16, minute=0, second=0,
                                                                microsecond=0)
        db.session.add(Event(uid="before-0016@test", quarter=quarter, facility=facility,
                             place_name="Café im Erdgeschoss", title="Sprachcafé",
                             status="published", starts_at=first,
                             ends_at=first + timedelta(hours=2), rrule="FREQ=WEEKLY;COUNT=3",
                             first_starts_at=first,
                             last_ends_at=first + timedelta(days=14, hours=2)))
        db.session.commit()
        zone = Settings.from_config(app.config).zone
        second = first + timedelta(days=7)
        organisation = make.organisation(quarter)
        request_booking(db.session, actor=make.member(organisation), organisation=organisation,
                        resources=[cafe], title="Kurs", attendees=5, now=datetime.now(UTC),
                        local_start=second.astimezone(zone).replace(tzinfo=None),
                        local_end=(second + timedelta(hours=1)).astimezone(zone)
                        .replace(tzinfo=None), settings=Settings.from_config(app.config))
        db.session.commit()
        scripts = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        downgrade(revision=scripts.get_revision("0016").down_revision)
        upgrade()
        event = db.session.scalar(select(Event))
        assert event.resource_id == cafe.id and event.hold_id is not None
        hold = db.session.get(Booking, event.hold_id)
        assert hold.status == "approved" and [r.id for r in hold.resources] == [cafe.id]
        held = db.session.scalars(select(Occurrence).where(Occurrence.booking_id == hold.id)
                                  .order_by(Occurrence.starts_at)).all()
        assert [o.starts_at for o in held] == [first, first + timedelta(days=14)]
        assert {o.status for o in held} == {"confirmed"}
        # the reports count the held dates at once, beside the booking's hour
        from sqlalchemy import func

        from meetingplaces.models.reports import ResourceMonth
        assert db.session.execute(
            select(func.sum(ResourceMonth.booked_minutes), func.sum(ResourceMonth.dates))
            .where(ResourceMonth.resource_id == cafe.id)).one() == (2 * 120 + 60, 3)
        db.session.remove()
        db.engine.dispose()
