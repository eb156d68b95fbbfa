"""flask backup / flask restore: backup -> change -> restore gives back exactly the backed-up
bookings, on SQLite and PostgreSQL; a backup made by a newer release is refused."""

import sqlite3

import pytest
from flask_migrate import stamp
from sqlalchemy import create_engine, select, text

from meetingplaces.booking import cancel_booking
from meetingplaces.extensions import db
from meetingplaces.models.bookings import Booking

from .booking_factories import NOW, book, city_fixture, local  # noqa: F401  (city is a fixture)
from .conftest import (
    DATABASES,
    PG_SKIP_REASON,
    PG_URL,
    normalised_pg_url,
    pg_engine_options,
    pg_schema_name,
    reset_pg_schema,
)


@pytest.fixture(params=DATABASES)
def database(request, tmp_path, worker_id):
    """A database of its own: a restore replaces every table, so on PostgreSQL the tests use a
    schema apart from the one the worker's other tests share."""
    if request.param == "sqlite":
        yield {"kind": "sqlite", "url": f"sqlite:///{tmp_path / 'live.sqlite'}", "options": {}}
        return
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    schema = pg_schema_name(worker_id, "backup")
    reset_pg_schema(schema)
    url, options = normalised_pg_url(PG_URL), pg_engine_options(schema)
    engine = create_engine(url, **options)
    db.metadata.create_all(engine)
    engine.dispose()
    yield {"kind": "postgresql", "url": url, "options": options, "schema": schema}
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def migrated(app):
    stamp()


def bookings(session) -> list[tuple]:
    """Every booking with its dates, as plain values."""
    session.expire_all()
    rows = session.scalars(select(Booking).order_by(Booking.id)).all()
    return [(b.id, b.title, str(b.status),
             sorted((o.starts_at, o.ends_at, str(o.status)) for o in b.occurrences))
            for b in rows]


def test_backup_change_restore_returns_exactly_the_backed_up_bookings(
        app, session, city, runner, tmp_path, migrated):
    kept = book(session, city, title="Sprachcafé")
    book(session, city, title="Nähkurs", start=local(2027, 3, 17, 10), end=local(2027, 3, 17, 12),
         rrule="FREQ=WEEKLY;COUNT=4")
    backed_up = bookings(session)
    path = tmp_path / "backups" / "meetingplaces.backup"

    made = runner.invoke(args=["backup", str(path)])
    assert made.exit_code == 0, made.output
    assert "schema version" in made.output and path.is_file()

    cancel_booking(session, actor=city.manager, booking=kept, reason="Wasserschaden", now=NOW)
    book(session, city, title="Neu nach der Sicherung", start=local(2027, 3, 18, 18),
         end=local(2027, 3, 18, 20))
    session.commit()
    assert bookings(session) != backed_up

    restored = runner.invoke(args=["restore", str(path), "--yes"])
    assert restored.exit_code == 0, restored.output
    db.session.remove()
    assert bookings(db.session) == backed_up


def test_restore_refuses_a_backup_from_a_newer_release_and_changes_nothing(
        app, session, city, runner, tmp_path, migrated):
    book(session, city, title="Vor der Sicherung")
    with db.engine.begin() as connection:
        current = connection.scalar(text("SELECT version_num FROM alembic_version"))
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    path = tmp_path / "newer.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
    book(session, city, title="Nach der Sicherung", start=local(2027, 3, 18, 18),
         end=local(2027, 3, 18, 20))
    before = bookings(session)

    refused = runner.invoke(args=["restore", str(path), "--yes"])
    assert refused.exit_code != 0
    assert "9999_future" in refused.output and "newer release" in refused.output
    assert bookings(session) == before


def test_restore_asks_before_replacing_the_database(app, runner, tmp_path, migrated):
    path = tmp_path / "asked.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    answered_no = runner.invoke(args=["restore", str(path)], input="n\n")
    assert answered_no.exit_code != 0 and "Aborted" in answered_no.output


def test_restore_of_a_missing_file_says_so(app, runner, tmp_path, migrated):
    result = runner.invoke(args=["restore", str(tmp_path / "nothing-here"), "--yes"])
    assert result.exit_code != 0 and "No backup at" in result.output


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_sqlite_backup_is_consistent_while_a_writer_holds_the_lock(
        app, session, city, runner, tmp_path, migrated):
    book(session, city, title="Committed")
    live = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    writer = sqlite3.connect(live, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE bookings SET title = 'uncommitted'")
    path = tmp_path / "online.backup"
    try:
        assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    copy = sqlite3.connect(path)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT title FROM bookings").fetchall() == [("Committed",)]
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    copy.close()


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_backups_into_a_directory_are_dated_and_old_ones_pruned(app, runner, tmp_path, migrated):
    directory = tmp_path / "daily"
    directory.mkdir()
    old = directory / "meetingplaces-20200101T021500Z.backup"
    old.write_bytes(b"an old backup")
    foreign = directory / "meetingplaces-keep-me.backup"
    foreign.write_bytes(b"named by hand")
    result = runner.invoke(args=["backup", "--keep-days", "14", f"{directory}/"])
    assert result.exit_code == 0, result.output
    made = sorted(directory.glob("meetingplaces-2*.backup"))
    assert len(made) == 1 and made[0] != old
    assert not old.exists() and foreign.exists()
    refused = runner.invoke(args=["backup", "--keep-days", "14", str(tmp_path / "one.file")])
    assert refused.exit_code != 0 and "needs a directory" in refused.output


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_backup_refuses_a_pg_dump_older_than_the_server(
        app, runner, tmp_path, migrated, monkeypatch):
    tools = tmp_path / "old-client"
    tools.mkdir()
    old = tools / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    old.chmod(0o755)
    monkeypatch.setenv("MEETINGPLACES_PG_BIN_DIR", str(tools))
    result = runner.invoke(args=["backup", str(tmp_path / "never.backup")])
    assert result.exit_code != 0
    assert "pg_dump 9 cannot dump a PostgreSQL" in result.output
    assert "MEETINGPLACES_PG_BIN_DIR" in result.output
    assert not (tmp_path / "never.backup").exists()
