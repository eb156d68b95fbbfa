"""Benchmark of the booking engine (run on demand: `make bench` or `python bench/booking.py`).

Two databases are filled, one with 1,000 and one with 100,000 confirmed occurrences, and
every figure is sampled alternately on both, so that load on a shared machine hits them alike:
- request-and-confirm: load actor, organisation and room by id, request_booking(), commit
  (what the API does for POST /bookings, without HTTP);
- the conflict check: find_conflicts() for a slot that is taken;
- availability: busy_intervals() of 50 rooms for one week;
each beside an in-run baseline, a bare indexed SELECT on the same table, so that figures from
different machines can be compared. The ratio 100k/1k should stay near 1: conflict checks are
index range queries. Runs on SQLite, and on PostgreSQL when MEETINGPLACES_TEST_DATABASE_URL is
set (in throw-away schemas).
"""

import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import create_engine, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import fresh_schemas  # noqa: E402
from meetingplaces import create_app  # noqa: E402
from meetingplaces.booking import Settings, request_booking  # noqa: E402
from meetingplaces.booking.conflicts import busy_intervals, find_conflicts  # noqa: E402
from meetingplaces.booking.rules import LONGEST_BLOCK, PlannedOccurrence  # noqa: E402
from meetingplaces.extensions import db  # noqa: E402
from meetingplaces.models import (  # noqa: E402
    Facility,
    Membership,
    OpeningHours,
    Organisation,
    Quarter,
    Resource,
    User,
)
from meetingplaces.models.bookings import Booking, Occurrence  # noqa: E402

ZONE = ZoneInfo("Europe/Berlin")
SETTINGS = Settings(ZONE, "NW")
ROOMS = 50
FIRST_DAY = date(2027, 1, 4)
# Three confirmed bookings a day per room; the evening stays free for the measured requests.
DAILY_SLOTS = ((8, 10), (11, 13), (14, 16))
NOW = datetime(2026, 12, 1, tzinfo=UTC)
SIZES = (1_000, 100_000)
REQUESTS = 120
CHECKS = 300
WEEK_VIEWS = 40
PG_SCHEMA = "mp_bench_bookings_{}"


def instant(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE).astimezone(UTC)


@dataclass(eq=False)
class Stored:
    """One filled database: its app and the ids the measurements use."""

    app: object
    user_id: int
    organisation_id: int
    room_ids: list[int]
    days: int
    count: int = 0


def fill(app, occurrences: int) -> Stored:
    """A quarter with one facility of 50 rooms and `occurrences` confirmed dates spread over
    the rooms, three a day, from FIRST_DAY on."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        session = db.session
        quarter = Quarter(slug="bench", name="Bench", city="Wuppertal")
        facility = Facility(quarter=quarter, slug="bench-house", name="Bench House",
                            address="Benchstraße 1")
        for weekday in range(7):
            facility.opening_hours.append(
                OpeningHours(weekday=weekday, opens_at=clock(7), closes_at=clock(22)))
        rooms = [Resource(kind="room", facility=facility, quarter=quarter, slug=f"room-{n}",
                          name=f"Room {n:02d}", capacity=30, approval_required=False,
                          min_notice_hours=0, max_advance_days=3650, cleanup_minutes=15)
                 for n in range(ROOMS)]
        organisation = Organisation(slug="bench-org", name="Bench e.V.", quarter=quarter)
        user = User(email="bench@example.org", name="Bench")
        session.add_all([quarter, facility, *rooms, organisation, user,
                         Membership(user=user, organisation=organisation)])
        session.commit()

        per_room = occurrences // ROOMS
        days = -(-per_room // len(DAILY_SLOTS))
        session.execute(insert(Booking), [
            {"organisation_id": organisation.id, "requested_by_id": user.id, "title": "Seed",
             "purpose": "", "attendees": 10, "public": False, "status": "approved",
             "status_reason": "", "location": "", "rrule": f"FREQ=DAILY;COUNT={days}",
             "exdates": [], "local_start": datetime(2027, 1, 4, 8),  # noqa: DTZ001
             "local_end": datetime(2027, 1, 4, 10),  # noqa: DTZ001
             "created_at": NOW, "updated_at": NOW}
            for _ in range(ROOMS)
        ])
        booking_ids = session.scalars(select(Booking.id).order_by(Booking.id)).all()
        rows = []
        for booking_id, room in zip(booking_ids, rooms, strict=True):
            slots = [(FIRST_DAY + timedelta(days=offset), hours)
                     for offset in range(days) for hours in DAILY_SLOTS][:per_room]
            for day, (start_hour, end_hour) in slots:
                starts_at, ends_at = instant(day, start_hour), instant(day, end_hour)
                rows.append({"booking_id": booking_id, "resource_id": room.id,
                             "starts_at": starts_at, "ends_at": ends_at,
                             "blocked_from": starts_at,
                             "blocked_until": ends_at + timedelta(minutes=15),
                             "status": "confirmed", "original_date": day, "created_at": NOW})
            if len(rows) >= 20_000:
                session.execute(insert(Occurrence), rows)
                rows = []
        if rows:
            session.execute(insert(Occurrence), rows)
        session.commit()
        session.execute(text("ANALYZE"))  # planner statistics, as a live database has them
        session.commit()
        stored = Stored(app, user.id, organisation.id, [room.id for room in rooms], days)
        stored.count = session.scalar(select(func.count()).select_from(Occurrence))
        session.remove()
        return stored


def timed(stored: Stored, measured) -> float:
    """Milliseconds of one call of `measured(session)` inside a fresh app context."""
    with stored.app.app_context():
        started = time.perf_counter()
        measured(db.session)
        elapsed = (time.perf_counter() - started) * 1000
        db.session.remove()
    return elapsed


def request_and_confirm(stored: Stored, room_id: int, day: date):
    def run(session):
        request_booking(
            session,
            actor=session.get(User, stored.user_id),
            organisation=session.get(Organisation, stored.organisation_id),
            resources=[session.get(Resource, room_id)],
            local_start=datetime.combine(day, clock(18)),
            local_end=datetime.combine(day, clock(20)),
            title="Abendkurs", attendees=12, now=NOW, settings=SETTINGS)
        session.commit()

    return run


def conflict_check(stored: Stored):
    middle = FIRST_DAY + timedelta(days=stored.days // 2)
    room_id = stored.room_ids[7]

    def run(session):
        room = session.get(Resource, room_id)
        planned = PlannedOccurrence(room, middle, datetime.combine(middle, clock(9)),
                                    datetime.combine(middle, clock(10)),
                                    instant(middle, 9), instant(middle, 10))
        assert find_conflicts(session, [planned])

    def baseline(session):
        session.get(Resource, room_id)
        assert session.scalar(select(Occurrence.id).where(
            Occurrence.resource_id == room_id,
            Occurrence.blocked_from < instant(middle, 10),
            Occurrence.blocked_from > instant(middle, 9) - LONGEST_BLOCK,
            Occurrence.blocked_until > instant(middle, 9)).limit(1))

    return run, baseline


def week_view(stored: Stored):
    middle = FIRST_DAY + timedelta(days=stored.days // 2)
    week_start = instant(middle - timedelta(days=middle.weekday()), 0)
    week_end = week_start + timedelta(days=7)

    def run(session):
        assert busy_intervals(session, stored.room_ids, week_start, week_end)

    def baseline(session):
        assert session.execute(select(
            Occurrence.id, Occurrence.resource_id, Occurrence.starts_at, Occurrence.ends_at,
        ).where(Occurrence.resource_id.in_(stored.room_ids),
                Occurrence.blocked_from >= week_start,
                Occurrence.blocked_from < week_end)).all()

    return run, baseline


def working_days(span_days: int) -> list[date]:
    days = [FIRST_DAY + timedelta(days=offset) for offset in range(span_days)]
    public = holidays.country_holidays("DE", subdiv="NW", years={d.year for d in days})
    return [day for day in days if day not in public]


def measure(small: Stored, large: Stored) -> dict:
    """Every figure as {size: median ms}, sampled alternately on both databases."""
    figures = {}

    def alternate(name: str, runs: dict, repeat: int):
        samples = {stored.count: [] for stored in runs}
        for index in range(repeat):
            for stored, run in runs.items():
                function = run(index) if name == "request" else run
                samples[stored.count].append(timed(stored, function))
        figures[name] = {size: statistics.median(values) for size, values in samples.items()}

    # The same free evenings in both databases, each (room, day) once.
    days = working_days(min(small.days, large.days))
    slots = [(index, day) for day in days for index in range(ROOMS)][:REQUESTS]
    plans = {stored: [(stored.room_ids[index], day) for index, day in slots]
             for stored in (small, large)}
    alternate("request", {s: (lambda i, s=s: request_and_confirm(s, *plans[s][i]))
                          for s in (small, large)}, REQUESTS)
    alternate("check", {s: conflict_check(s)[0] for s in (small, large)}, CHECKS)
    alternate("check_baseline", {s: conflict_check(s)[1] for s in (small, large)}, CHECKS)
    alternate("week", {s: week_view(s)[0] for s in (small, large)}, WEEK_VIEWS)
    alternate("week_baseline", {s: week_view(s)[1] for s in (small, large)}, WEEK_VIEWS)
    return figures


def report(name: str, small: Stored, large: Stored, figures: dict) -> None:
    a, b = small.count, large.count
    print(f"\n{name}: {a:,} and {b:,} occurrences stored (median of alternating samples)")
    print(f"{'':44}{'1k':>10}{'100k':>10}{'ratio':>8}")
    rows = [
        ("request + confirm, ms", "request"),
        ("conflict check, ms", "check"),
        ("  baseline: bare indexed SELECT, ms", "check_baseline"),
        ("availability of 50 rooms for a week, ms", "week"),
        ("  baseline: bare indexed SELECT, ms", "week_baseline"),
    ]
    for label, key in rows:
        small_ms, large_ms = figures[key][a], figures[key][b]
        print(f"{label:44}{small_ms:>10.2f}{large_ms:>10.2f}{large_ms / small_ms:>8.2f}")
    print(f"{'request + confirm, requests/s (one process)':44}"
          f"{1000 / figures['request'][a]:>10.1f}{1000 / figures['request'][b]:>10.1f}")


def calibration_ms() -> float:
    """A pure-Python yardstick of the machine's speed at the time of the run."""
    started = time.perf_counter()
    sum(range(1_000_000))
    return (time.perf_counter() - started) * 1000


def run_pair(name: str, apps) -> None:
    small, large = (fill(app, size) for app, size in zip(apps, SIZES, strict=True))
    report(name, small, large, measure(small, large))
    for stored in (small, large):
        with stored.app.app_context():
            db.drop_all()
            db.engine.dispose()


def main() -> None:
    print(f"Python yardstick: sum(range(10**6)) takes {calibration_ms():.1f} ms here "
          f"(an idle modern core: about 15 ms).")
    with tempfile.TemporaryDirectory() as directory:
        run_pair("SQLite", [
            create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench-{size}.sqlite",
                        "SECRET_KEY": "bench", "TESTING": True, "LOG_LEVEL": "WARNING"})
            for size in SIZES])
    pg_url = os.environ.get("MEETINGPLACES_TEST_DATABASE_URL")
    if not pg_url:
        print("\nPostgreSQL: set MEETINGPLACES_TEST_DATABASE_URL to measure it too.")
        return
    url = "postgresql+psycopg://" + pg_url.split("://", 1)[1]
    schemas = [PG_SCHEMA.format(size) for size in SIZES]
    fresh_schemas(url, schemas)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        run_pair("PostgreSQL", [
            create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True,
                        "LOG_LEVEL": "WARNING",
                        "SQLALCHEMY_ENGINE_OPTIONS": {
                            "connect_args": {"options": f"-csearch_path={schema},public"}}})
            for schema in schemas])
    finally:
        with admin.connect() as conn:
            for schema in schemas:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
