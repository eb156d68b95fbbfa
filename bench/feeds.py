"""Feed speed: a quarter with 5,000 events (10% repeating).

Measures, in one run and against the same data:
  - from scratch: serialising all events with icalendar into one calendar (the yardstick);
  - rebuild: one event changes, its blocks are re-serialised and the feed is re-assembled;
  - unchanged: serving the feed again (throughput), plain and gzip'd (compressed once per
    body), and the 304 path (If-None-Match); the feed's size raw and gzip'd;
  - trivial: a Flask endpoint returning two bytes through the same app (throughput), once as a
    bare app route and once, like the feeds, in a blueprint with a URL parameter (Flask and
    Flask-Limiter do more per request for a blueprint route; the difference is printed).
Targets: rebuild <= 0.05 x from scratch; unchanged >= 0.5 x and 304 >= 0.8 x trivial.

Times are CPU seconds of this process by default: on a shared machine other processes' load
then falls on no measurement in particular, and SQLite runs in this process, so its work is
counted. With --database postgresql://... use --clock wall, so the server's work counts too.

    python bench/feeds.py [--events 5000] [--database postgresql://...] [--clock cpu|wall]
"""

import argparse
import gzip
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Blueprint
from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from meetingplaces import create_app
from meetingplaces.calendar import ics
from meetingplaces.calendar.feeds import bump
from meetingplaces.events import update_event
from meetingplaces.events.occurrences import series_span
from meetingplaces.extensions import db
from meetingplaces.models import Quarter, User
from meetingplaces.models.events import Event, EventCalendarBlock

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)


def seed(count: int) -> tuple[int, int]:
    """Events with their German VEVENT blocks (the measured feed is German), in a few big
    transactions; a real change (measured below) writes the blocks of every language."""
    quarter = Quarter(slug="ostersbaum", name="Ostersbaum", city="Wuppertal")
    manager = User(email="bench@example.org", name="Bench", password_hash="x")
    manager.managed_quarters = [quarter]
    db.session.add_all([quarter, manager])
    db.session.commit()
    start = datetime(2027, 1, 5, 18, tzinfo=BERLIN)
    for n in range(count):
        starts = start + timedelta(days=n % 300, hours=n % 5)
        event = Event(
            uid=f"bench-{n}@meetingplaces", quarter=quarter,
            title=f"Veranstaltung {n}, offen; für alle",
            description=f"Beschreibung {n}\n\nMit **Markdown** und einem Absatz.",
            category="cafe", target_groups=["everyone"], languages=["de", "ar"],
            starts_at=starts, ends_at=starts + timedelta(hours=2), timezone="Europe/Berlin",
            rrule="FREQ=WEEKLY" if n % 10 == 0 else "", exdates=[], status="published",
            address="Marienstraße 1, 42105 Wuppertal", created_at=NOW, last_modified=NOW,
        )
        event.first_starts_at, event.last_ends_at = series_span(event)
        event.translations, event.changes = [], []
        db.session.add(event)
        db.session.flush()
        db.session.add(EventCalendarBlock(event_id=event.id, language="de", sequence=0,
                                          block=ics.serialise(event, "de")))
        if n % 500 == 499:
            db.session.commit()
    bump(db.session, {"city", f"quarter:{quarter.id}"}, NOW)
    db.session.commit()
    return quarter.id, manager.id


CLOCK = time.process_time


def timed(action, repeat: int) -> float:
    """Median seconds of `repeat` runs."""
    samples = []
    for _ in range(repeat):
        began = CLOCK()
        action()
        samples.append(CLOCK() - began)
    return statistics.median(samples)


def throughput(actions: dict, rounds: int = 10, seconds: float = 0.5) -> dict:
    """Best calls per second of each action, measured in alternating short bursts so that
    load from other processes on the machine hits all of them alike."""
    best = dict.fromkeys(actions, 0.0)
    for _ in range(rounds):
        for name, action in actions.items():
            action()
            calls, began = 0, CLOCK()
            while CLOCK() - began < seconds:
                action()
                calls += 1
            best[name] = max(best[name], calls / (CLOCK() - began))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--database", default="")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    options = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if options.clock == "cpu" else time.perf_counter
    workdir = Path(tempfile.mkdtemp(prefix="mp-bench-feeds-"))
    url = options.database or f"sqlite:///{workdir / 'bench.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "SERVER_NAME": "localhost", "FIXED_NOW": NOW,
                      "LOG_LEVEL": "WARNING"})  # one log line per request would flood the figures
    app.add_url_rule("/bench/trivial", "bench_trivial", lambda: "ok")
    like_feeds = Blueprint("bench", __name__)
    like_feeds.add_url_rule("/bench/<slug>/trivial", "trivial", lambda slug: "ok")
    app.register_blueprint(like_feeds)
    client = app.test_client()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:  # the bookings' exclusion constraint needs it
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gist"))
        db.drop_all()
        db.create_all()
        began = time.perf_counter()
        quarter_id, manager_id = seed(options.events)
        print(f"seeded {options.events} events ({options.events // 10} repeating) "
              f"in {time.perf_counter() - began:.1f} s")
        events = db.session.scalars(select(Event).options(
            selectinload(Event.translations), selectinload(Event.changes),
            selectinload(Event.facility), selectinload(Event.organisation))).all()
        scratch = timed(lambda: ics.from_scratch("Ostersbaum", "Europe/Berlin", events, "de"), 3)
        db.session.remove()

        feed_url = "/quarters/ostersbaum/calendar.ics"
        first = client.get(feed_url)
        assert first.status_code == 200 and first.data.count(b"BEGIN:VEVENT") == options.events
        revisions = iter(range(1, 1000))

        def change_one_and_rebuild():
            manager = db.session.get(User, manager_id)
            event = db.session.scalar(select(Event).where(Event.uid == "bench-42@meetingplaces"))
            update_event(db.session, event, actor=manager, now=NOW,
                         title=f"Geändert {next(revisions)}")
            db.session.commit()
            db.session.remove()
            response = client.get(feed_url)
            assert response.status_code == 200 and b"Ge\xc3\xa4ndert" in response.data

        rebuild = timed(change_one_and_rebuild, 5)
        etag = client.get(feed_url).headers["ETag"]

        def unchanged():
            assert len(client.get(feed_url).data) > 1000

        def unchanged_gzipped():
            response = client.get(feed_url, headers={"Accept-Encoding": "gzip"})
            assert response.headers["Content-Encoding"] == "gzip"

        def not_modified():
            assert client.get(feed_url, headers={"If-None-Match": etag}).status_code == 304

        def trivial():
            assert client.get("/bench/trivial").data == b"ok"

        def trivial_in_blueprint():
            assert client.get("/bench/ostersbaum/trivial").data == b"ok"

        rates = throughput({"trivial": trivial, "blueprint": trivial_in_blueprint,
                            "unchanged": unchanged, "unchanged gzip": unchanged_gzipped,
                            "304": not_modified})
        packed = client.get(feed_url, headers={"Accept-Encoding": "gzip"})
        assert gzip.decompress(packed.data) == client.get(feed_url).data

    size, packed_size = len(first.data) / 1e6, len(packed.data) / 1e6
    print(f"feed: {options.events} events, {size:.1f} MB raw, {packed_size:.2f} MB gzip'd "
          f"({packed_size / size:.0%}), database {url.split(':')[0]}, {options.clock} clock")
    print(f"from scratch (icalendar):  {scratch * 1000:9.1f} ms")
    print(f"rebuild after one change:  {rebuild * 1000:9.1f} ms   "
          f"ratio {rebuild / scratch:.4f} x from scratch   (target <= 0.05)")
    print(f"trivial endpoint (app):    {rates['trivial']:9.0f} req/s")
    print(f"trivial endpoint (bp):     {rates['blueprint']:9.0f} req/s")
    for name, label, target in (("unchanged", "unchanged feed:       ", 0.5),
                                ("unchanged gzip", "unchanged feed, gzip: ", 0.5),
                                ("304", "304 Not Modified:     ", 0.8)):
        print(f"{label}     {rates[name]:9.0f} req/s   "
              f"ratio {rates[name] / rates['trivial']:.2f} x trivial app route, "
              f"{rates[name] / rates['blueprint']:.2f} x trivial blueprint route "
              f"(target >= {target})")


if __name__ == "__main__":
    main()
