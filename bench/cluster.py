"""One app node against two behind nginx (deploy/nginx/), on one PostgreSQL database, in one run.

Sets up a schema of its own in MEETINGPLACES_TEST_DATABASE_URL's database (migrations and a
small city), starts one gunicorn node and runs a bounded load loop against it, then adds a
second node and nginx and runs the same loop against nginx. Clients are threads of this process
that go as fast as the answers come (no think time), a mix of 6 feed polls, 3 page views and 1
booking request (each for a slot of its own) in 10. Prints requests/s and p50/p95 per set-up.

    python bench/cluster.py [--seconds 20] [--clients 16] [--workers 2]
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import cluster  # noqa: E402

BERLIN = ZoneInfo("Europe/Berlin")
SCHEMA = "mp_bench_cluster"


def prepare(url: str) -> dict:
    """A migrated schema with a quarter, a facility with 40 rooms and an initiative."""
    from flask_migrate import upgrade

    from meetingplaces import create_app
    from meetingplaces.extensions import db
    from meetingplaces.models import ApiToken
    from meetingplaces.models.people import token_digest
    from tests.factories import Factory

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "LOG_LEVEL": "WARNING"})
    with app.app_context():
        upgrade()
        make = Factory(db.session)
        quarter = make.quarter(slug="ostersbaum", name="Ostersbaum")
        facility = make.facility(quarter)
        rooms = [make.room(facility, capacity=30).id for _ in range(40)]
        member = make.member(make.organisation(quarter))
        secret = ApiToken.new_secret()
        db.session.add(ApiToken(user=member, name="bench", token_digest=token_digest(secret),
                                prefix=secret[:8]))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return {"quarter": "ostersbaum", "rooms": rooms,
            "headers": {"Authorization": f"Bearer {secret}"}}


def bookable_days(count: int) -> list:
    today = datetime.now(BERLIN).date()
    closed = holidays.country_holidays("DE", subdiv="NW", years=[today.year, today.year + 1])
    days = (today + timedelta(days=n) for n in range(1, 400))
    return [day for day in days if day not in closed][:count]


class Slots:
    """A different half hour (room, day, time) for every booking request of the run."""

    def __init__(self, rooms: list[int]):
        self.rooms, self.days, self.next = rooms, bookable_days(300), 0
        self.lock = threading.Lock()

    def take(self) -> tuple[int, str, str]:
        with self.lock:
            n, self.next = self.next, self.next + 1
        room = self.rooms[n % len(self.rooms)]
        index = n // len(self.rooms)
        day = self.days[index // 28]
        start = datetime(day.year, day.month, day.day, 8 + index % 28 // 2,  # noqa: DTZ001
                         index % 2 * 30)
        return room, start.isoformat(timespec="minutes"), (
            start + timedelta(minutes=30)).isoformat(timespec="minutes")


def load(port: int, city: dict, slots: Slots, seconds: float, clients: int) -> dict:
    """`clients` threads, each sending its next request when the last one was answered."""
    records, lock = [], threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(number: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for count in range(10**6):
            if time.monotonic() > stop_at:
                break
            kind = ("feed", "feed", "page", "feed", "book", "feed", "page", "feed", "page",
                    "feed")[(count + number) % 10]
            started = time.perf_counter()
            try:
                if kind == "book":
                    room, starts_at, ends_at = slots.take()
                    body = json.dumps({"resource_ids": [room], "title": "Lauf", "attendees": 5,
                                       "starts_at": starts_at, "ends_at": ends_at})
                    connection.request("POST", "/api/v1/bookings", body=body, headers={
                        **city["headers"], "Content-Type": "application/json"})
                else:
                    path = (f"/quarters/{city['quarter']}/calendar.ics" if kind == "feed"
                            else f"/quarters/{city['quarter']}")
                    connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 0
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with lock:
                records.append((kind, status, (time.perf_counter() - started) * 1000))
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    return {"records": records, "seconds": elapsed}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def row(label: str, run: dict) -> str:
    records = run["records"]
    latencies = [r[2] for r in records]
    failed = sum(1 for r in records if r[1] == 0 or r[1] >= 500)
    refused = sum(1 for r in records if 400 <= r[1] < 500)
    kinds = {kind: [r[2] for r in records if r[0] == kind] for kind in ("feed", "page", "book")}
    per_kind = "  ".join(f"{kind} {percentile(v, .95):5.0f}" for kind, v in kinds.items() if v)
    return (f"{label:<24} {len(records) / run['seconds']:7.1f} {percentile(latencies, .5):7.0f} "
            f"{percentile(latencies, .95):7.0f}   {per_kind}   5xx {failed}, 4xx {refused}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    args = parser.parse_args()
    base = os.environ.get("MEETINGPLACES_TEST_DATABASE_URL")
    if not base:
        sys.exit("Needs MEETINGPLACES_TEST_DATABASE_URL (a PostgreSQL database to work in).")
    if not cluster.nginx_binary():
        sys.exit("Needs nginx (python -m tests.cluster_setup installs it as root).")
    base = "postgresql+psycopg://" + base.split("://", 1)[1]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    url = base + ("&" if "?" in base else "?") + f"options=-csearch_path%3D{SCHEMA},public"
    city = prepare(url)
    slots = Slots(city["rooms"])
    workdir = Path(tempfile.mkdtemp(prefix="mp-bench-cluster-"))
    workdir.chmod(0o755)  # nginx's workers reach the cache directory inside
    proxy, node_a, node_b = (cluster.free_port() for _ in range(3))
    env = cluster.node_environment(url, secrets.token_urlsafe(32), f"http://127.0.0.1:{proxy}",
                                   [node_a, node_b], {"MEETINGPLACES_LOG_LEVEL": "WARNING",
                                                      "MEETINGPLACES_RATELIMIT_ENABLED": "false"})
    running = cluster.Cluster(workdir)
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start; "
          f"{args.clients} clients without think time, {args.seconds:g} s per set-up, "
          f"{args.workers} gunicorn workers per node; logs in {workdir}")
    runs = []
    try:
        running.start_node("node-a", node_a, env, workers=args.workers)
        cluster.wait_until_ready(f"http://127.0.0.1:{node_a}/readyz", 60,
                                 list(running.processes.values()))
        load(node_a, city, slots, 2, args.clients)  # warm-up: imports, pools, feed bodies
        runs.append(("one node", load(node_a, city, slots, args.seconds, args.clients)))
        running.start_node("node-b", node_b, env, workers=args.workers)
        running.start_nginx(cluster.render_nginx(workdir, proxy, [node_a, node_b]))
        for port in (node_b, proxy):
            cluster.wait_until_ready(f"http://127.0.0.1:{port}/readyz", 60,
                                     list(running.processes.values()))
        load(proxy, city, slots, 2, args.clients)
        runs.append(("two nodes behind nginx", load(proxy, city, slots, args.seconds,
                                                    args.clients)))
    finally:
        running.stop_all()
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        admin.dispose()
    print(f"{'set-up':<24} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}   p95 ms by kind")
    for label, run in runs:
        print(row(label, run))
    one, two = (len(r["records"]) / r["seconds"] for _, r in runs)
    print(f"two nodes / one node: {two / one:.2f}x requests/s; load average at the end "
          f"{os.getloadavg()[0]:.1f}")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
