"""Speed near the floor, over HTTP (run on demand: `python bench/speed.py`).

For each database (SQLite, and PostgreSQL when MEETINGPLACES_TEST_DATABASE_URL is set) it seeds
a quarter with 2,000 public events (10% weekly, blocks in every visitor language), a room that
confirms at once and a member with an API token, starts gunicorn with 2 sync workers
(bench/speed_app.py: the app plus a `SELECT 1` route and a statement count per response) and an
SMTP sink, and then measures, in alternating rounds so that load from elsewhere on the shared
machine hits all of them alike, the wall time of one HTTP request (new connection each, as
gunicorn's sync workers close it) for:
  - a static file (/static/css/app.css) and `SELECT 1` through the app: the in-run yardsticks;
  - booking create: POST /api/v1/bookings for a free slot, confirmed at once;
  - the quarter feed right after one event changed (the change is committed by this process,
    then the first GET of the feed is timed); and a 304 of the unchanged feed.
Medians, each also as a multiple of the static file, and statements per request
(X-Statements). Targets (PostgreSQL): booking create <= 10x static, feed after one change
<= 7x static, <= 12 statements per booking create.

    python bench/speed.py [--database sqlite|postgresql|both] [--rounds 40] [--events 2000]
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import holidays

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import SmtpSink, environment, free_port, fresh_schemas  # noqa: E402

PG_SCHEMA = "mp_bench_speed"
LANGUAGES_NOTE = "blocks stored for 6 languages"


def database_settings(kind: str, workdir: Path) -> dict:
    if kind == "sqlite":
        return {"url": f"sqlite:///{workdir / 'bench.sqlite'}", "options": {}}
    url = os.environ.get("MEETINGPLACES_TEST_DATABASE_URL")
    url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return {"url": url, "options": {"connect_args": {
        "options": f"-csearch_path={PG_SCHEMA},public"}}}


def app_for(db_settings: dict):
    from meetingplaces import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": db_settings["url"],
                       "SQLALCHEMY_ENGINE_OPTIONS": db_settings["options"],
                       "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING",
                       "FEED_VERSION_NOTIFICATIONS": False})


def prepare(db_settings: dict, events: int) -> dict:
    """A fresh database: one quarter with `events` public events, a room, a member's token."""
    from sqlalchemy import text

    from meetingplaces.accounts import tokens
    from meetingplaces.calendar import ics
    from meetingplaces.calendar.feeds import bump
    from meetingplaces.events.occurrences import series_span
    from meetingplaces.events.vocabulary import TEXT_LANGUAGES
    from meetingplaces.extensions import db
    from meetingplaces.models import (
        Facility,
        Membership,
        OpeningHours,
        Organisation,
        Quarter,
        Resource,
        User,
    )
    from meetingplaces.models.events import Event, EventCalendarBlock

    if db_settings["url"].startswith("postgresql"):
        fresh_schemas(db_settings["url"], [PG_SCHEMA])
    app = app_for(db_settings)
    now = datetime.now(UTC)
    with app.app_context():
        db.create_all()
        session = db.session
        quarter = Quarter(slug="ostersbaum", name="Ostersbaum", city="Wuppertal")
        facility = Facility(quarter=quarter, name="Alte Feuerwache", slug="alte-feuerwache",
                            address="Gathe 6, 42107 Wuppertal")
        for weekday in range(7):
            facility.opening_hours.append(OpeningHours(weekday=weekday, opens_at=clock(7),
                                                       closes_at=clock(23)))
        room = Resource(kind="room", facility=facility, quarter=quarter, name="Saal",
                        slug="saal", capacity=40, approval_required=False, min_notice_hours=0)
        manager = User(email="manager@bench.test", name="Managerin", password_hash="!")
        manager.managed_quarters.append(quarter)
        organisation = Organisation(name="Sprachcafé e.V.", slug="sprachcafe",
                                    quarter=quarter, status="active")
        member = User(email="member@bench.test", name="Mitglied", password_hash="!")
        session.add_all([quarter, facility, room, manager, organisation, member,
                         Membership(user=member, organisation=organisation, role="admin")])
        session.flush()
        first = (now + timedelta(days=1)).replace(hour=17, minute=0, second=0, microsecond=0)
        for n in range(events):
            starts = first + timedelta(days=n % 300, minutes=30 * (n % 7))
            event = Event(
                uid=f"bench-{n}@meetingplaces", quarter=quarter, facility=facility,
                title=f"Veranstaltung {n}, offen; für alle",
                description=f"Beschreibung {n}\n\nMit **Markdown** und einem Absatz.",
                category="cafe", target_groups=["everyone"], languages=["de", "ar"],
                starts_at=starts, ends_at=starts + timedelta(hours=2),
                timezone="Europe/Berlin", rrule="FREQ=WEEKLY;COUNT=12" if n % 10 == 0 else "",
                exdates=[], status="published", address="Gathe 6, 42107 Wuppertal",
                created_at=now, last_modified=now)
            event.first_starts_at, event.last_ends_at = series_span(event)
            event.translations, event.changes = [], []
            session.add(event)
            session.flush()
            # The German block in every language's place: the same size, a sixth of the work.
            block = ics.serialise(event, "de")
            session.add_all(EventCalendarBlock(event_id=event.id, language=language, sequence=0,
                                               block=block) for language in TEXT_LANGUAGES)
            if n % 250 == 249:
                session.commit()
        bump(session, {"city", f"quarter:{quarter.id}", f"facility:{facility.id}"}, now)
        plan = {"room_id": room.id, "organisation_id": organisation.id,
                "manager_id": manager.id, "quarter_slug": quarter.slug,
                "event_uids": [f"bench-{n}@meetingplaces" for n in range(0, events, 7)],
                "token": tokens.create(session, member, "bench", now)[1]}
        session.commit()
        with db.engine.connect() as connection:  # as a database in use has them: statistics
            connection.execute(text("ANALYZE"))
            connection.commit()
        db.engine.dispose()
    return plan


def start_site(db_settings: dict, sink: SmtpSink, workdir: Path):
    env = environment(db_settings, sink.port)
    port = free_port()
    log = open(workdir / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--timeout", "60", "bench.speed_app:create()"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            request(port, "GET", "/bench/select-1")
            break
        except OSError:
            time.sleep(0.1)
    return port, server


def request(port: int, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None) -> tuple[float, int, int, bytes]:
    """(seconds, status, statements, body) of one request on a new connection."""
    began = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - began
    connection.close()
    return elapsed, response.status, int(response.getheader("X-Statements") or -1), data


def measure(kind: str, rounds: int, events: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"mp-bench-speed-{kind}-"))
    db_settings = database_settings(kind, workdir)
    began = time.perf_counter()
    plan = prepare(db_settings, events)
    print(f"{kind}: seeded {events} events in {time.perf_counter() - began:.1f} s; "
          f"logs in {workdir}", flush=True)
    sink = SmtpSink().start()
    port, server = start_site(db_settings, sink, workdir)
    app = app_for(db_settings)
    from sqlalchemy import select

    from meetingplaces.database import begin_write
    from meetingplaces.events import update_event
    from meetingplaces.extensions import db
    from meetingplaces.models import User
    from meetingplaces.models.events import Event

    feed = f"/quarters/{plan['quarter_slug']}/calendar.ics"
    auth = {"Authorization": f"Bearer {plan['token']}", "Content-Type": "application/json"}
    public_holidays = holidays.country_holidays("DE", subdiv="NW")
    days = iter(day for day in (datetime.now(UTC).date() + timedelta(days=n)
                                for n in range(2, 360)) if day not in public_holidays)
    changes = iter(range(1, 100000))
    samples = {name: [] for name in ("static", "select 1", "booking create",
                                     "feed after one change", "feed 304")}
    statements = {name: [] for name in samples}

    def static():
        return request(port, "GET", "/static/css/app.css")

    def select_1():
        return request(port, "GET", "/bench/select-1")

    def booking_create():
        day = next(days)
        body = json.dumps({"resource_ids": [plan["room_id"]], "starts_at": f"{day}T18:00",
                           "ends_at": f"{day}T19:30", "title": "Sprachkurs", "attendees": 8,
                           "organisation_id": plan["organisation_id"]}).encode()
        answer = request(port, "POST", "/api/v1/bookings", body, auth)
        assert answer[1] == 201, answer[3][:300]
        assert json.loads(answer[3])["status"] == "approved", answer[3][:300]
        return answer

    def feed_after_change():
        number = next(changes)
        uids = plan["event_uids"]
        with app.app_context():
            begin_write(db.session)
            manager = db.session.get(User, plan["manager_id"])
            event = db.session.scalar(select(Event).where(Event.uid == uids[number % len(uids)]))
            update_event(db.session, event, actor=manager, now=datetime.now(UTC),
                         title=f"Geändert {number}")
            db.session.commit()
            db.session.remove()
        # A subscriber's poll does not come within the millisecond the database takes to
        # announce the change to the workers (PostgreSQL, version_watch.py).
        time.sleep(0.05)
        answer = request(port, "GET", feed)
        assert answer[1] == 200 and f"Geändert {number}".encode() in answer[3]
        return answer

    ETAG = [""]

    def remember_etag():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", feed)
        response = connection.getresponse()
        response.read()
        ETAG[0] = response.getheader("ETag")
        connection.close()

    actions = {"static": static, "select 1": select_1, "booking create": booking_create,
               "feed after one change": feed_after_change}
    try:
        for _ in range(3):  # warm both workers
            for action in actions.values():
                action()
        for number in range(rounds):
            names = list(actions)
            names = names[number % len(names):] + names[:number % len(names)]
            for name in names:
                seconds, status, count, _ = actions[name]()
                samples[name].append(seconds)
                statements[name].append(count)
            remember_etag()
            seconds, status, count, _ = request(port, "GET", feed,
                                                headers={"If-None-Match": ETAG[0]})
            assert status == 304
            samples["feed 304"].append(seconds)
            statements["feed 304"].append(count)
    finally:
        server.terminate()
        server.wait(timeout=30)
        with app.app_context():
            db.engine.dispose()
    return {name: (statistics.median(values), statistics.median(statements[name]))
            for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--events", type=int, default=2000)
    options = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if options.database == "both" else [options.database]
    if "postgresql" in kinds and not os.environ.get("MEETINGPLACES_TEST_DATABASE_URL"):
        if options.database == "postgresql":
            sys.exit("PostgreSQL needs MEETINGPLACES_TEST_DATABASE_URL")
        kinds.remove("postgresql")
    results = {}
    for kind in kinds:
        results[kind] = measure(kind, options.rounds, options.events)
        print(json.dumps({name: [round(seconds * 1000, 3), count]
                          for name, (seconds, count) in results[kind].items()}), flush=True)
    print(f"\n{options.events} events ({LANGUAGES_NOTE}), gunicorn 2 sync workers, "
          f"{options.rounds} rounds, medians of wall time per request over HTTP")
    print(f"| measurement | {' | '.join(kinds)} | target (PostgreSQL) |")
    print(f"| --- | {' | '.join('---' for _ in kinds)} | --- |")
    targets = {"booking create": "<= 10x static, <= 12 statements",
               "feed after one change": "<= 7x static"}
    for name in results[kinds[0]]:
        cells = []
        for kind in kinds:
            seconds, count = results[kind][name]
            ratio = seconds / results[kind]["static"][0]
            cells.append(f"{seconds * 1000:.2f} ms = {ratio:.1f}x static, {count:g} statements")
        print(f"| {name} | {' | '.join(cells)} | {targets.get(name, '')} |")


if __name__ == "__main__":
    main()
