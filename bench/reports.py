"""Report speed: a city with 10 quarters, 200 rooms and 200,000 stored occurrences over two
years (2025 and 2026), 400 weekly events with their dates and attendance, a Spielmobil with two
seasons of stops.

Measures, in one run and against the same data, alternating samples:
  - yardstick: one indexed COUNT(*) of the year's occurrences
    (SELECT count(*) FROM occurrences WHERE starts_at >= 2026-01-01 AND starts_at < 2027-01-01);
  - report: the whole yearly city report (reports.figures.build: room use per room and month,
    what was offered, who came, the Spielmobil, the initiatives).
Target: report <= 5 x yardstick. Times are CPU seconds of this process by default for SQLite
(which runs in this process; other processes' load on a shared machine then falls on no
measurement in particular) and wall-clock time for PostgreSQL, so that the server's work counts;
--clock overrides.

Rows are loaded with bulk inserts, as a migration or an import would, then the running sums are
recounted (`flask rebuild-reports` does the same). With --database (PostgreSQL) the tables live
in a schema of their own, `bench_reports`, dropped and created anew on each run and dropped at
the end.

    python bench/reports.py [--database postgresql+psycopg://.../scratch] [--samples 25]
                            [--clock cpu|wall]
"""

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, create_engine, event, func, insert, select, text

from meetingplaces import create_app
from meetingplaces.extensions import db
from meetingplaces.models import Facility, OpeningHours, Organisation, Quarter, Resource, User
from meetingplaces.models.bookings import Booking, Occurrence
from meetingplaces.models.events import Event
from meetingplaces.models.reports import Attendance, EventDate, EventMonth
from meetingplaces.models.rounds import Round, RoundDate, Stop
from meetingplaces.reports import attendance, figures, usage

BERLIN = ZoneInfo("Europe/Berlin")
SCHEMA = "bench_reports"
NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
FIRST_MONDAY = date(2025, 1, 6)
WEEKS = 104
CATEGORIES = ["cafe", "language_course", "homework_help", "sport", "workshop", "counselling"]
LANGUAGES = ["de", "ar", "fa", "tr", "uk", "en"]


def local(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN).astimezone(UTC)


def seed(occurrences: int) -> None:
    rng = random.Random(16)
    session = db.session
    quarters, rooms, organisations = [], [], []
    for q in range(10):
        quarter = Quarter(slug=f"q{q}", name=f"Quartier {q}", city="Wuppertal")
        session.add(quarter)
        for f in range(5):
            facility = Facility(quarter=quarter, slug=f"f{q}-{f}", name=f"Haus {q}.{f}",
                                address="Straße 1")
            facility.opening_hours = [OpeningHours(weekday=d, opens_at=datetime.min.time()
                                                   .replace(hour=8),
                                                   closes_at=datetime.min.time().replace(hour=22))
                                      for d in range(6)]
            session.add(facility)
            for r in range(4):
                room = Resource(kind="room", facility=facility, quarter=quarter,
                                slug=f"r{q}-{f}-{r}", name=f"Raum {q}.{f}.{r}")
                session.add(room)
                rooms.append(room)
        for o in range(10):
            organisation = Organisation(quarter=quarter, slug=f"o{q}-{o}",
                                        name=f"Initiative {q}.{o}",
                                        created_at=datetime(2025 + o % 2, 1 + o, 1, tzinfo=UTC))
            session.add(organisation)
            organisations.append(organisation)
        quarters.append(quarter)
    van_quarter = quarters[0]
    van = Resource(kind="mobile", quarter=van_quarter, slug="spielmobil", name="Spielmobil")
    manager = User(email="bench@example.org", name="Bench", password_hash="x")
    session.add_all([van, manager])
    session.commit()

    by_quarter = {q.id: [o for o in organisations if o.quarter_id == q.id] for q in quarters}
    series = occurrences // WEEKS
    booking_rows, occurrence_rows = [], []
    for n in range(series):
        room, slot = rooms[n % len(rooms)], n // len(rooms)
        organisation = rng.choice(by_quarter[room.quarter_id])
        # A room's series never overlap (PostgreSQL's exclusion constraint would refuse).
        weekday, hour, hours = slot % 6, 8 + 4 * (slot // 6) % 12, 1 + rng.randrange(3)
        booking_rows.append({"id": n + 1, "organisation_id": organisation.id,
                             "title": f"Kurs {n}", "status": "approved",
                             "local_start": datetime(2025, 1, 6, hour),
                             "local_end": datetime(2025, 1, 6, hour + hours),
                             "rrule": "FREQ=WEEKLY", "exdates": [], "purpose": "",
                             "attendees": 10, "public": False, "status_reason": "",
                             "location": "", "created_at": NOW, "updated_at": NOW})
        for week in range(WEEKS):
            day = FIRST_MONDAY + timedelta(weeks=week, days=weekday)
            starts = local(day, hour)
            ends = starts + timedelta(hours=hours)
            occurrence_rows.append({
                "booking_id": n + 1, "resource_id": room.id, "starts_at": starts,
                "ends_at": ends, "blocked_from": starts, "blocked_until": ends,
                "status": "cancelled" if rng.random() < 0.08 else "confirmed",
                "original_date": day, "created_at": NOW})
    session.execute(insert(Booking), booking_rows)
    for start in range(0, len(occurrence_rows), 20_000):
        session.execute(insert(Occurrence), occurrence_rows[start:start + 20_000])
    session.commit()

    event_rows, date_rows, attendance_rows = [], [], []
    for n in range(400):
        quarter = quarters[n % 10]
        weekday, hour = rng.randrange(6), 9 + rng.randrange(10)
        first = FIRST_MONDAY + timedelta(days=weekday)
        starts = local(first, hour)
        event_rows.append({
            "id": n + 1, "uid": f"bench-{n}@meetingplaces", "quarter_id": quarter.id,
            "organisation_id": rng.choice(by_quarter[quarter.id]).id, "title": f"Angebot {n}",
            "category": rng.choice(CATEGORIES), "target_groups": ["everyone"],
            "languages": rng.sample(LANGUAGES, 2), "starts_at": starts,
            "ends_at": starts + timedelta(hours=2), "first_starts_at": starts,
            "last_ends_at": starts + timedelta(weeks=WEEKS - 1, hours=2),
            "timezone": "Europe/Berlin", "rrule": f"FREQ=WEEKLY;COUNT={WEEKS}", "exdates": [],
            "status": "published", "created_at": NOW, "last_modified": NOW})
        for week in range(WEEKS):
            day = first + timedelta(weeks=week)
            cancelled, moved = rng.random() < 0.05, rng.random() < 0.03
            date_rows.append({"event_id": n + 1, "original_date": day,
                              "starts_at": local(day, hour),
                              "ends_at": local(day, hour) + timedelta(hours=2),
                              "month": day.replace(day=1), "cancelled": cancelled,
                              "moved": moved})
            if not cancelled and rng.random() < 0.6:
                count = 5 + rng.randrange(30)
                children = rng.randrange(count // 2 + 1)
                attendance_rows.append({
                    "event_id": n + 1, "occurrence_date": day, "month": day.replace(day=1),
                    "count": count, "children": children, "adults": count - children,
                    "first_visit": rng.randrange(3), "languages": rng.sample(LANGUAGES, 2),
                    "note": "", "recorded_at": NOW, "updated_at": NOW})
    session.execute(insert(Event), event_rows)
    for table, rows in ((EventDate, date_rows), (Attendance, attendance_rows)):
        for start in range(0, len(rows), 20_000):
            session.execute(insert(table), rows[start:start + 20_000])

    for year in (2025, 2026):
        round_ = Round(resource=van, name=f"Spielmobil {year}", season_start=date(year, 4, 1),
                       season_end=date(year, 10, 31))
        session.add(round_)
        for q, quarter in enumerate(quarters):
            stop = Stop(round=round_, weekday=q % 5, local_start=datetime.min.time()
                        .replace(hour=15), local_end=datetime.min.time().replace(hour=17),
                        place_name=f"Platz {q}", address="Platz 1", quarter=quarter,
                        effective_from=date(year, 4, 1))
            session.add(stop)
            day = date(year, 4, 1)
            while day <= date(year, 10, 31):
                if day.weekday() == q % 5:
                    cancelled = rng.random() < 0.1
                    session.add(RoundDate(stop=stop, original_date=day,
                                          starts_at=local(day, 15), ends_at=local(day, 17),
                                          status="cancelled" if cancelled else "planned",
                                          reason=rng.choice(["Regen", "Krankheit"])
                                          if cancelled else ""))
                day += timedelta(days=1)
    session.commit()
    usage.rebuild(session, BERLIN)
    attendance.rebuild_sums(session)
    session.execute(insert(EventMonth).from_select(
        ["event_id", "month", "dates", "cancelled", "moved"],
        select(EventDate.event_id, EventDate.month, func.count(),
               func.sum(case((EventDate.cancelled, 1), else_=0)),
               func.sum(case((and_(EventDate.moved, EventDate.cancelled.is_(False)), 1),
                             else_=0)))
        .group_by(EventDate.event_id, EventDate.month)))
    session.commit()


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def sample(action, clock) -> float:
    started = clock()
    action()
    return clock() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--occurrences", type=int, default=200_000)
    parser.add_argument("--samples", type=int, default=25)
    parser.add_argument("--database")
    parser.add_argument("--clock", choices=sorted(CLOCKS))
    args = parser.parse_args()
    clock = CLOCKS[args.clock or ("wall" if args.database else "cpu")]
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database or f"sqlite:///{Path(scratch) / 'bench.sqlite'}"
        options = {}
        if args.database:
            with create_engine(url, isolation_level="AUTOCOMMIT").connect() as connection:
                # The exclusion constraint on occurrences needs btree_gist (kept in public).
                connection.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public"))
                connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
                connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
            options = {"connect_args": {"options": f"-csearch_path={SCHEMA},public"}}
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                          "SQLALCHEMY_ENGINE_OPTIONS": options})
        with app.app_context(), app.test_request_context():
            db.drop_all()
            db.create_all()
            started = time.perf_counter()
            seed(args.occurrences)
            with db.engine.connect() as connection:
                if db.engine.dialect.name == "postgresql":
                    connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                        text("VACUUM ANALYZE"))
                else:
                    connection.execute(text("ANALYZE"))
                    connection.commit()
            stored = db.session.scalar(select(func.count()).select_from(Occurrence))
            print(f"{db.engine.dialect.name} ({clock.__name__}): {stored} occurrences stored, "
                  f"seeded in {time.perf_counter() - started:.0f} s")
            year_from, year_to = local(date(2026, 1, 1), 0), local(date(2027, 1, 1), 0)

            def count():
                return db.session.scalar(select(func.count()).select_from(Occurrence).where(
                    Occurrence.starts_at >= year_from, Occurrence.starts_at < year_to))

            scope = figures.Scope("city", "city", "Stadt")

            def report():
                return figures.build(db.session, scope, date(2026, 1, 1), date(2026, 12, 31),
                                     now=NOW, zone=BERLIN, holiday_region="NW")

            rows = count()
            statements = []

            def counted(*_args):
                statements.append(1)

            event.listen(db.engine, "before_cursor_execute", counted)
            built = report()
            event.remove(db.engine, "before_cursor_execute", counted)
            counts, reports = [], []
            for _ in range(args.samples):
                counts.append(sample(count, clock))
                db.session.rollback()
                reports.append(sample(report, clock))
                db.session.rollback()
            counted, reported = statistics.median(counts), statistics.median(reports)
            print(f"yardstick: COUNT(*) of the year's {rows} occurrences: {counted * 1000:.1f} ms")
            print(f"report: yearly city report ({built.booked_hours:.0f} booked hours, "
                  f"{built.offered['totals']['dates']} event dates, "
                  f"{built.attendance['totals']['count']} visitors, {len(statements)} "
                  f"statement(s)): {reported * 1000:.1f} ms")
            ratio = reported / counted
            print(f"report / yardstick = {ratio:.2f} (target <= 5): "
                  f"{'met' if ratio <= 5 else 'MISSED'}")
            db.session.remove()
            db.engine.dispose()
        if args.database:
            with create_engine(url, isolation_level="AUTOCOMMIT").connect() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))


if __name__ == "__main__":
    main()
