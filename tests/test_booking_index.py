"""The conflict check and availability are index range queries, so that they cost the same
with a hundred or a hundred thousand stored occurrences (bench/booking.py measures it)."""

from datetime import UTC, datetime

from sqlalchemy import event, text

from meetingplaces.booking.conflicts import busy_intervals, find_conflicts
from meetingplaces.booking.rules import PlannedOccurrence
from meetingplaces.extensions import db

from .booking_factories import book, city_fixture, local  # noqa: F401


def plan_of(session, database, run) -> str:
    """The query plan of the first SELECT on occurrences that `run` sends."""
    seen = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "FROM occurrences" in statement and not seen:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    statement, parameters = seen[0]
    connection = session.connection()
    if database["kind"] == "sqlite":
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        return " ".join(str(row[-1]) for row in rows)
    # A handful of test rows would make a sequential scan cheapest; ask what it can use.
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters)
    return " ".join(row[0] for row in rows)


def test_the_conflict_check_searches_the_index_by_resource_and_time(session, city, database):
    book(session, city)
    planned = PlannedOccurrence(city.room, local(2027, 3, 16, 0).date(), local(2027, 3, 16, 19),
                                local(2027, 3, 16, 21), datetime(2027, 3, 16, 18, tzinfo=UTC),
                                datetime(2027, 3, 16, 20, tzinfo=UTC))
    plan = plan_of(session, database, lambda: find_conflicts(session, [planned]))
    assert "ix_occurrences_resource_blocked" in plan or "no_double_booking" in plan, plan
    assert "SCAN occurrences" not in plan and "Seq Scan" not in plan, plan
    if database["kind"] == "sqlite":  # the time bounds narrow the search, not a filter
        assert "resource_id=? AND blocked_from>? AND blocked_from<?" in plan, plan


def test_availability_searches_the_index_by_resource_and_time(session, city, database):
    book(session, city)
    plan = plan_of(session, database, lambda: busy_intervals(
        session, [city.room.id], datetime(2027, 3, 16, tzinfo=UTC),
        datetime(2027, 3, 23, tzinfo=UTC)))
    assert "ix_occurrences_resource_blocked" in plan or "no_double_booking" in plan, plan
    assert "SCAN occurrences" not in plan and "Seq Scan" not in plan, plan
