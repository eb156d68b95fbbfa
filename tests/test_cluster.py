"""Scale-out proof: nginx (deploy/nginx/) in front of two gunicorn nodes on one PostgreSQL,
all on loopback. Racing bookings confirm exactly one, a change through node A is in node B's
feed at the next poll, the proxy caches feeds briefly and revalidates them with our ETags, and a
node killed mid-run costs only the requests it had in flight.

Runs in `make test` when PostgreSQL is configured; nginx comes from tests/cluster_setup.py.
"""

import gzip
import http.client
import json
import secrets
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from meetingplaces import create_app
from meetingplaces.extensions import db
from meetingplaces.models.bookings import Booking
from scripts import cluster as machinery

from .booking_factories import token_for
from .conftest import PG_SKIP_REASON, PG_URL, normalised_pg_url, pg_schema_name, reset_pg_schema
from .factories import Factory

# One cluster per xdist worker: `make test` runs with --dist loadgroup, so this group stays on one.
pytestmark = [pytest.mark.postgresql, pytest.mark.slow, pytest.mark.xdist_group("cluster")]
BERLIN = ZoneInfo("Europe/Berlin")


class Loopback:
    """A tiny HTTP client for one address: status, headers and body of each request."""

    def __init__(self, port: int):
        self.port = port

    def request(self, method: str, path: str, body=None, headers=None, timeout=15):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        payload = json.dumps(body).encode() if body is not None else None
        sent = {"Content-Type": "application/json"} if payload else {}
        sent.update(headers or {})
        try:
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def running(worker_id):
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    if not machinery.nginx_binary():
        pytest.skip("nginx is not installed: `python -m tests.cluster_setup` installs it "
                    "when run as root (make test does)")
    schema = pg_schema_name(worker_id, "cluster")
    reset_pg_schema(schema)
    url = normalised_pg_url(PG_URL)
    url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema},public"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        make = Factory(db.session)
        quarter = make.quarter(slug="ostersbaum", name="Ostersbaum")
        room = make.room(make.facility(quarter), capacity=30)
        organisation = make.organisation(quarter)
        member, manager = make.member(organisation), make.manager(quarter)
        city = {"quarter": quarter.slug, "quarter_id": quarter.id, "room": room.id,
                "member": token_for(db.session, member),
                "manager": token_for(db.session, manager)}
        db.session.remove()
        db.engine.dispose()
    run_dir = Path(tempfile.mkdtemp(prefix="meetingplaces-cluster-"))
    run_dir.chmod(0o755)  # nginx's workers (nobody) reach the cache directory inside
    proxy, node_a, node_b = (machinery.free_port() for _ in range(3))
    env = machinery.node_environment(url, secrets.token_urlsafe(32),
                                     f"http://127.0.0.1:{proxy}", [node_a, node_b])
    running = machinery.Cluster(run_dir)
    try:
        running.start_node("node-a", node_a, env)
        running.start_node("node-b", node_b, env)
        running.start_nginx(machinery.render_nginx(run_dir, proxy, [node_a, node_b],
                                                   feed_cache="1s", debug_headers=True))
        for port in (node_a, node_b, proxy):
            machinery.wait_until_ready(f"http://127.0.0.1:{port}/readyz", 60,
                                       list(running.processes.values()))
        yield {"cluster": running, "env": env, "url": url, "city": city, "run_dir": run_dir,
               "proxy": Loopback(proxy), "a": Loopback(node_a), "b": Loopback(node_b),
               "ports": {"node-a": node_a, "node-b": node_b}}
    finally:
        running.stop_all()
        engine = create_engine(normalised_pg_url(PG_URL), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
        shutil.rmtree(run_dir, ignore_errors=True)


def bookable_day(number: int):
    """The `number`-th day from tomorrow that is not a public holiday in NRW (rooms close)."""
    today = datetime.now(BERLIN).date()
    closed = holidays.country_holidays("DE", subdiv="NW", years=[today.year, today.year + 1])
    days = (today + timedelta(days=n) for n in range(1, 400))
    return [day for day in days if day not in closed][number]


def slot(days: int, hour: int, minute: int = 0, length: int = 60) -> dict:
    day = bookable_day(days)
    start = datetime(day.year, day.month, day.day, hour, minute)  # noqa: DTZ001 (wall clock)
    return {"starts_at": start.isoformat(timespec="minutes"),
            "ends_at": (start + timedelta(minutes=length)).isoformat(timespec="minutes")}


def test_twenty_racing_requests_for_one_slot_over_both_nodes_confirm_exactly_one(running):
    city, proxy = running["city"], running["proxy"]
    body = {"resource_ids": [city["room"]], "title": "Sprachcafé", "attendees": 10,
            **slot(3, 18)}
    barrier = threading.Barrier(20)

    def attempt(_):
        barrier.wait()
        return proxy.request("POST", "/api/v1/bookings", body, city["member"])

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(attempt, range(20)))
    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [201] + [409] * 19, [(s, b[:200]) for s, _, b in answers]
    upstreams = {headers.get("X-Upstream") for _, headers, _ in answers}
    assert upstreams == {f"127.0.0.1:{port}" for port in running["ports"].values()}
    engine = create_engine(running["url"])
    with engine.connect() as connection:
        titles = connection.scalars(select(Booking.title)).all()
    engine.dispose()
    assert titles == ["Sprachcafé"]


def test_a_change_through_node_a_is_in_node_b_feed_on_the_next_poll(running):
    city, node_a, node_b = running["city"], running["a"], running["b"]
    feed = f"/quarters/{city['quarter']}/calendar.ics"
    status, headers, before = node_b.request("GET", feed)
    assert status == 200 and b"Fahrradwerkstatt" not in before
    starts = datetime.now(BERLIN).replace(microsecond=0, tzinfo=None) + timedelta(days=5)
    created = node_a.request("POST", "/api/v1/events", {
        "quarter_id": city["quarter_id"], "title": "Fahrradwerkstatt", "category": "cafe",
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
    }, city["manager"])
    assert created[0] == 201, created[2][:500]
    status, _, after = node_b.request("GET", feed, headers={"If-None-Match": headers["ETag"]})
    assert status == 200 and b"Fahrradwerkstatt" in after


def node_log_lines(run_dir: Path) -> list[dict]:
    """The JSON lines both nodes wrote (LOG_FORMAT=json)."""
    return [json.loads(line) for role in ("node-a", "node-b")
            for line in (run_dir / f"{role}.log").read_text().splitlines()
            if line.startswith("{")]


def test_nginx_serves_static_files_caches_feeds_briefly_and_passes_the_request_id(running):
    proxy, run_dir = running["proxy"], running["run_dir"]
    feed = f"/quarters/{running['city']['quarter']}/calendar.ics"
    gzipped = {"Accept-Encoding": "gzip"}  # the app gzips feeds itself (Vary: Accept-Encoding)
    first = proxy.request("GET", feed, headers=gzipped)
    second = proxy.request("GET", feed, headers=gzipped)
    assert first[0] == second[0] == 200
    assert first[1]["X-Cache-Status"] in ("MISS", "EXPIRED", "REVALIDATED")
    assert second[1]["X-Cache-Status"] == "HIT"
    assert second[1]["Cache-Control"] == "public, max-age=300"  # clients keep the app's rule
    time.sleep(2.1)  # the test's proxy cache time: 1 s, in whole seconds (deploy/: 30 s)
    third = proxy.request("GET", feed, headers=gzipped)
    # Expired: served at once (stale while nginx asks a node in the background) or after asking.
    assert third[1]["X-Cache-Status"] in ("STALE", "UPDATING", "REVALIDATED")
    assert third[2] == first[2]
    time.sleep(0.3)
    assert proxy.request("GET", feed, headers=gzipped)[1]["X-Cache-Status"] == "HIT"
    # nginx asked with our ETag and the node answered 304 (no body rebuilt, none sent).
    assert any(line.get("path") == feed and line.get("status") == 304
               for line in node_log_lines(run_dir))

    status, headers, body = proxy.request("GET", "/static/css/app.css",
                                          headers={"Accept-Encoding": "gzip"})
    assert status == 200 and not headers.get("X-Upstream")  # no node was asked
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == (machinery.ROOT / "static" / "css" / "app.css").read_bytes()

    status, headers, _ = proxy.request("GET", "/healthz", headers={"X-Request-ID": "forged-12345"})
    request_id = headers["X-Request-ID"]
    assert status == 200 and request_id != "forged-12345" and len(request_id) == 32
    status, headers, _ = proxy.request("GET", "/")
    request_id = headers["X-Request-ID"]
    time.sleep(0.2)
    assert any(line.get("request_id") == request_id and line.get("path") == "/"
               for line in node_log_lines(run_dir))
    token = secrets.token_urlsafe(32)
    proxy.request("GET", f"/auth/reset-password/{token}?lang=en")
    time.sleep(0.2)
    access = (run_dir / "nginx-access.log").read_text()
    assert f'"request_id":"{request_id}"' in access
    assert '"path":"/auth/reset-password/…"' in access and token not in access
    assert token not in "".join(json.dumps(line) for line in node_log_lines(run_dir))

    too_big = proxy.request("POST", "/api/v1/bookings", {"title": "x" * (6 * 1024 * 1024)},
                            running["city"]["member"])
    assert too_big[0] == 413


def test_a_node_killed_mid_run_costs_only_its_in_flight_requests(running):
    city, proxy, cluster = running["city"], running["proxy"], running["cluster"]
    results, lock, stop = [], threading.Lock(), threading.Event()

    def client(number: int):
        for count in range(1000):
            if stop.is_set():
                return
            started = time.monotonic()
            if count % 2:
                answer = proxy.request("GET", f"/quarters/{city['quarter']}")
            else:  # a booking of its own: POSTs are never retried by nginx
                index = count // 2  # 28 half-hour slots a day, 08:00-22:00
                when = slot(10 + 5 * number + index // 28, 8 + index % 28 // 2,
                            index % 2 * 30, length=30)
                answer = proxy.request("POST", "/api/v1/bookings", {
                    "resource_ids": [city["room"]], "title": f"Lauf {number}",
                    "attendees": 5, **when}, city["member"])
            with lock:
                results.append((started, time.monotonic(), answer[0], answer[2][:300]))

    def wait_for(condition, timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.05)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    wait_for(lambda: len(results) >= 8)  # both nodes busy, whatever the machine's load
    killing = time.monotonic()
    cluster.kill("node-b")  # SIGKILL to its master and workers: requests in flight are lost
    dead = time.monotonic()  # the node's processes are gone (reaped) from here on
    wait_for(lambda: sum(1 for r in list(results) if r[0] > dead) >= 8)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)

    before = [r for r in results if r[1] < killing]
    in_flight = [r for r in results if r[0] <= dead and r[1] >= killing]
    after = [r for r in results if r[0] > dead]
    assert len(before) >= 8 and len(after) >= 8
    assert all(r[2] in (200, 201) for r in before), [r[2:] for r in before if r[2] > 201]
    assert all(r[2] in (200, 201) for r in after), [r[2:] for r in after if r[2] > 201]
    lost = [r for r in in_flight if r[2] not in (200, 201)]
    assert len(lost) <= len(threads)  # at most one request per client was in flight
