"""On PostgreSQL a process keeps feed versions in memory until the database announces a change
(calendar/version_watch.py): polls cost no round trip, and changes still arrive at once."""

import time

import psycopg
import pytest
from sqlalchemy.engine import make_url

from meetingplaces.calendar.version_watch import watch_of
from meetingplaces.events import update_event
from meetingplaces.extensions import db

from .conftest import PG_URL
from .events_factories import NOW, event, ostersbaum_fixture, ostersbaum_manager_fixture  # noqa: F401

pytestmark = pytest.mark.parametrize(
    "database", [pytest.param("postgresql", marks=pytest.mark.postgresql)], indirect=True)

FEED = "/quarters/ostersbaum/calendar.ics"


@pytest.fixture
def app_config(database):
    """Reads that wait for a lock give up after two seconds instead of hanging the test."""
    options = database["options"]["connect_args"]["options"] + " -clock_timeout=2s"
    return {"FIXED_NOW": NOW, "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": options}}}


@pytest.fixture
def elsewhere(database):
    """A connection this process's engine knows nothing of: another worker's, in effect."""
    url = make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True,
                         options=f"-csearch_path={database['schema']},public") as connection:
        yield connection


def another_process_edits(connection, quarter) -> None:
    """What another worker's edit commits: the event's new block and a new feed version.
    (A new version alone no longer changes the ETag: that follows the body.)"""
    connection.execute("UPDATE event_calendar_blocks SET block = replace(block, %s, %s)",
                       ("SUMMARY:Sprachcafé", "SUMMARY:Sprachcafé (neu)"))
    connection.execute("UPDATE feed_versions SET version = version + 1 WHERE scope = %s",
                       (f"quarter:{quarter.id}",))


def eventually(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def listening_and_kept(client) -> str:
    """The feed's ETag once this process listens and keeps the feed's version row."""
    assert eventually(lambda: watch_of(db.engine).listening)
    response = client.get(FEED)  # read after LISTEN: kept
    assert response.status_code == 200
    return response.headers["ETag"]


def test_a_repeated_poll_costs_no_database_read(app, client, session, manager, quarter,
                                                 elsewhere):
    event(session, manager, quarter)
    client.get(FEED)
    etag = listening_and_kept(client)
    with elsewhere.transaction():  # every read of the version or the quarter waits now
        elsewhere.execute("LOCK TABLE feed_versions, quarters IN ACCESS EXCLUSIVE MODE")
        assert client.get(FEED, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(FEED).headers["ETag"] == etag

        app.config["FEED_VERSION_NOTIFICATIONS"] = False  # reading through has to wait
        with pytest.raises(psycopg.errors.LockNotAvailable):
            client.get(FEED, headers={"If-None-Match": etag})


def test_a_change_committed_by_another_process_reaches_the_next_polls(client, session,
                                                                      manager, quarter,
                                                                      elsewhere):
    event(session, manager, quarter)
    etag = listening_and_kept(client)
    another_process_edits(elsewhere, quarter)
    assert eventually(lambda: client.get(FEED, headers={"If-None-Match": etag}).status_code
                      == 200)
    assert client.get(FEED).headers["ETag"] != etag

    elsewhere.execute("UPDATE quarters SET slug = 'ostersbaum-neu' WHERE id = %s", (quarter.id,))
    assert eventually(lambda: client.get(FEED).status_code == 404)
    assert client.get("/quarters/ostersbaum-neu/calendar.ics").status_code == 200


def test_this_process_sees_its_own_change_without_waiting(client, session, manager, quarter):
    single = event(session, manager, quarter)
    etag = listening_and_kept(client)
    update_event(session, single, actor=manager, now=NOW, title="Umbenannt")
    session.commit()
    changed = client.get(FEED, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert b"SUMMARY:Umbenannt" in changed.data


def test_after_losing_its_connection_the_process_reads_through_and_listens_again(
        client, session, manager, quarter, elsewhere):
    event(session, manager, quarter)
    etag = listening_and_kept(client)
    watch = watch_of(db.engine)
    [[ended]] = elsewhere.execute(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE application_name = %s", (watch.application_name,)).fetchall()
    assert ended == 1
    assert eventually(lambda: not watch.listening or watch.generation > 0)
    another_process_edits(elsewhere, quarter)
    assert eventually(lambda: client.get(FEED, headers={"If-None-Match": etag}).status_code
                      == 200)
    assert eventually(lambda: watch.listening)


def test_disposing_the_engine_ends_the_listening_thread(client, session, manager, quarter):
    event(session, manager, quarter)
    listening_and_kept(client)
    watch = watch_of(db.engine)
    db.engine.dispose()
    assert eventually(lambda: not watch.thread.is_alive())
    assert not watch.listening and not watch.rows
