"""Load test of a running site (run on demand: `python bench/load.py --help`).

Without --base-url it sets the site up itself on loopback: a fresh SQLite file or a
PostgreSQL schema, a small city, gunicorn with 4 workers, the mail process
(`flask send-mail --watch`) and an SMTP sink. Then locust (headless) plays 30 residents
polling feeds and pages, 10 initiatives requesting bookings (each with an Idempotency-Key,
retried with it after a lost answer) and 3 managers approving and editing events, for 60 s.
It prints requests/s, p50/p95/p99 per kind and the count of 5xx.

--cluster (PostgreSQL): the same users first against one gunicorn node, then against nginx
(deploy/nginx/, scripts/cluster.py) in front of that node and a second one; requests/s and p95
of both set-ups in one table.

--chaos: the database's connections are killed twice during the run (PostgreSQL:
pg_terminate_backend; SQLite has none to kill) and the SMTP server accepts but never greets
for the first half. Afterwards the outbox is drained and checked: no confirmed booking lost,
no mail lost or sent twice, 5xx only within a second of a kill.

With --base-url URL (repeatable, e.g. the two nodes behind nginx, or nginx itself) it only
runs the users against those targets; --plan names the JSON the set-up wrote (tokens, ids),
so another set-up can be seeded once with `--prepare-only` and measured many times.
Loopback only: targets must be 127.0.0.1 or localhost.
"""

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_SCHEMA = "mp_bench_load"
APPLICATION_NAME = "meetingplaces-bench"
KINDS = ("feed", "page", "book", "approve", "edit")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the site ---------------------------------------------------------------------------------


def database_settings(kind: str, workdir: Path) -> dict:
    if kind == "sqlite":
        return {"url": f"sqlite:///{workdir / 'bench.sqlite'}", "options": {}}
    url = os.environ.get("MEETINGPLACES_TEST_DATABASE_URL")
    if not url:
        sys.exit("PostgreSQL needs MEETINGPLACES_TEST_DATABASE_URL")
    url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return {"url": url, "options": {"connect_args": {
        "options": f"-csearch_path={PG_SCHEMA},public", "application_name": APPLICATION_NAME}}}


def fresh_schemas(url: str, schemas: list[str]) -> None:
    """Empty PostgreSQL schemas for a bench run (dropped first if a run left them behind);
    btree_gist goes to public, where every search_path finds it."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public"))
        for schema in schemas:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


def prepare(db_settings: dict, args) -> dict:
    """A fresh database with a small city; returns the plan the users read."""

    from meetingplaces import create_app
    from meetingplaces.accounts import tokens
    from meetingplaces.events import create_event
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

    if db_settings["url"].startswith("postgresql"):
        fresh_schemas(db_settings["url"], [PG_SCHEMA])
    app = create_app({"SQLALCHEMY_DATABASE_URI": db_settings["url"],
                      "SQLALCHEMY_ENGINE_OPTIONS": db_settings["options"],
                      "SECRET_KEY": "bench", "TESTING": True})
    now = datetime.now(UTC)
    with app.app_context():
        db.create_all()
        session = db.session
        quarters, rooms, events, members, managers = [], [], [], [], []
        for q in range(3):
            quarter = Quarter(name=f"Quartier {q}", slug=f"quartier-{q}", city="Wuppertal")
            facility = Facility(quarter=quarter, name=f"Treff {q}", slug=f"treff-{q}",
                                address="Platz 1")
            for weekday in range(7):
                facility.opening_hours.append(OpeningHours(
                    weekday=weekday, opens_at=clock(8), closes_at=clock(22)))
            for r in range(4):
                rooms.append(Resource(kind="room", facility=facility, quarter=quarter,
                                      name=f"Raum {q}.{r}", slug=f"raum-{q}-{r}", capacity=30,
                                      approval_required=r % 2 == 0, min_notice_hours=0))
            manager = User(email=f"manager{q}@bench.test", name=f"Manager {q}",
                           password_hash="!")
            manager.managed_quarters.append(quarter)
            session.add_all([quarter, facility, manager, *rooms[-4:]])
            quarters.append(quarter)
            managers.append(manager)
        session.flush()
        for i in range(args.initiatives):
            organisation = Organisation(name=f"Initiative {i}", slug=f"initiative-{i}",
                                        quarter=quarters[i % 3], status="active")
            user = User(email=f"member{i}@bench.test", name=f"Mitglied {i}", password_hash="!")
            session.add_all([organisation, user,
                             Membership(user=user, organisation=organisation, role="admin")])
            members.append((user, organisation))
        session.flush()
        for q, quarter in enumerate(quarters):
            for e in range(10):
                start = (now + timedelta(days=3 + e)).replace(hour=17, minute=0, second=0,
                                                              microsecond=0)
                events.append(create_event(
                    session, actor=managers[q], quarter=quarter, now=now, title=f"Café {e}",
                    category="cafe", starts_at=start, ends_at=start + timedelta(hours=2),
                    rrule="FREQ=WEEKLY;COUNT=20" if e % 2 else ""))
        session.flush()
        plan = {
            "residents": args.residents, "initiatives": args.initiatives,
            "managers": args.managers, "quarters": [q.slug for q in quarters],
            "rooms": [r.id for r in rooms],
            "room_quarters": {r.id: quarters.index(r.quarter) for r in rooms},
            "events": {q: [e.id for e in events if e.quarter_id == quarter.id]
                       for q, quarter in enumerate(quarters)},
            "first_day": (now + timedelta(days=2)).date().isoformat(),
            "members": [{"token": tokens.create(session, user, "bench", now)[1],
                         "organisation_id": organisation.id} for user, organisation in members],
            "manager_tokens": [(q, tokens.create(session, m, "bench", now)[1])
                               for q, m in enumerate(managers)],
        }
        session.commit()
        db.engine.dispose()
    return plan


def environment(db_settings: dict, mail_port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEETINGPLACES_")}
    env.update({
        "MEETINGPLACES_SQLALCHEMY_DATABASE_URI": db_settings["url"],
        "MEETINGPLACES_SQLALCHEMY_ENGINE_OPTIONS": json.dumps(db_settings["options"]),
        "MEETINGPLACES_SECRET_KEY": "bench-secret",
        "MEETINGPLACES_MAIL_SERVER": "127.0.0.1",
        "MEETINGPLACES_MAIL_PORT": str(mail_port),
        "MEETINGPLACES_MAIL_TIMEOUT": "2",
        "MEETINGPLACES_MAIL_RETRY_SECONDS": "2",
        "MEETINGPLACES_RATELIMIT_ENABLED": "false",
        "PYTHONPATH": str(ROOT),
    })
    return env


class SmtpSink:
    """Counts what arrives by Message-ID; hangs (accepts, never greets) while `hanging`."""

    def __init__(self):
        self.port = free_port()
        self.received: Counter = Counter()
        self.hanging = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._serve())

    async def _serve(self):
        server = await asyncio.start_server(self._client, "127.0.0.1", self.port)
        async with server:
            await server.serve_forever()

    async def _client(self, reader, writer):
        if self.hanging.is_set():
            await asyncio.sleep(3600)
            return

        async def say(line):
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        await say("220 bench sink")
        message_id, data = "", False
        while line := await reader.readline():
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            if data:
                if text == ".":
                    data = False
                    self.received[message_id] += 1
                    await say("250 OK")
                elif text.lower().startswith("message-id:"):
                    message_id = text.split(":", 1)[1].strip()
                continue
            verb = text[:4].upper()
            if verb == "DATA":
                data = True
                await say("354 go on")
            elif verb == "QUIT":
                await say("221 bye")
                break
            elif verb in ("EHLO", "HELO"):
                await say("250 bench")
            else:
                await say("250 OK")
        writer.close()


def start_site(db_settings: dict, sink: SmtpSink, workdir: Path, workers: int):
    env = environment(db_settings, sink.port)
    port = free_port()
    log = open(workdir / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--timeout", "30", "meetingplaces:create_app()"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    mailer = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "meetingplaces", "send-mail", "--watch",
         "--interval", "1"], cwd=ROOT, env=env, stdout=open(workdir / "mail.log", "w"),
        stderr=subprocess.STDOUT)
    import urllib.request

    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/", timeout=5).read()
            break
        except OSError:
            time.sleep(0.1)
    return base, [server, mailer]


def kill_connections(db_settings: dict) -> int:
    """End every connection of the site's processes (not this one, not other databases')."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_settings["url"], isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        killed = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = :name "
            "AND pid <> pg_backend_pid()"), {"name": APPLICATION_NAME}).scalar()
    engine.dispose()
    return killed


# --- the run ----------------------------------------------------------------------------------


def run_locust(targets: list[str], plan_path: Path, out_path: Path, args) -> None:
    users = args.residents + args.initiatives + args.managers
    env = {**os.environ, "BENCH_PLAN": str(plan_path), "BENCH_OUT": str(out_path)}
    # One locust per target, the users split between them (a simple round robin).
    share = max(1, len(targets))
    processes = []
    for index, target in enumerate(targets):
        part = dict(json.loads(plan_path.read_text()))
        for key in ("residents", "initiatives", "managers"):
            part[key] = args.__dict__[key] // share + (index < args.__dict__[key] % share)
        part["members"] = part["members"][index::share]
        part["manager_tokens"] = part["manager_tokens"][index::share]
        part_path = plan_path.with_suffix(f".{index}.json")
        part_path.write_text(json.dumps(part))
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locust_users.py"),
             "--headless", "--users", str(sum(part[k] for k in ("residents", "initiatives",
                                                                "managers"))),
             "--spawn-rate", str(users), "--run-time", f"{args.duration}s", "--host", target,
             "--only-summary", "--loglevel", "ERROR", "--stop-timeout", "5"],
            env={**env, "BENCH_PLAN": str(part_path),
                 "BENCH_OUT": str(out_path.with_suffix(f".{index}.json"))},
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
    for process in processes:
        process.wait(timeout=args.duration + 120)


def results(out_path: Path, parts: int) -> dict:
    merged = {"records": [], "created": [], "approved": [], "refusals": Counter()}
    for index in range(parts):
        data = json.loads(out_path.with_suffix(f".{index}.json").read_text())
        for key in ("records", "created", "approved"):
            merged[key].extend(data[key])
        merged["refusals"].update(data["refusals"])
    return merged


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(data: dict, duration: float, kills: list[float]) -> int:
    by_kind = defaultdict(list)
    refused = Counter()
    errors = []
    for name, status, at, latency, _failed in data["records"]:
        by_kind[name].append(latency)
        if 400 <= status < 500:
            refused[name, status] += 1
        if status >= 500 or status == 0:
            errors.append((name, status, at))
    total = len(data["records"])
    print(f"{total} requests in {duration:.0f} s: {total / duration:.1f} requests/s")
    print(f"{'kind':<8} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for kind in KINDS:
        values = by_kind.get(kind)
        if values:
            print(f"{kind:<8} {len(values):>6} {percentile(values, .5):>8.0f} "
                  f"{percentile(values, .95):>8.0f} {percentile(values, .99):>8.0f}")
    print("4xx (expected: 409 for a taken slot or a decision made first): " + (", ".join(
        f"{kind} {status} x{count}" for (kind, status), count in sorted(refused.items()))
        or "none"))
    for message, count in data["refusals"].most_common(3):
        print(f"  book {message[:100]} x{count}")
    server_errors = [e for e in errors if e[1] >= 500]
    lost = [e for e in errors if e[1] == 0]
    print(f"5xx: {len(server_errors)}  (connection errors: {len(lost)})")
    outside = [e for e in errors if not any(0 <= e[2] - k <= 1.0 for k in kills)]
    if kills:
        print(f"5xx or connection errors more than 1 s after a kill: {len(outside)}")
    return len(outside)


def check_outcome(db_settings: dict, data: dict, sink: SmtpSink, mail_deadline: float) -> int:
    """Every booking a client saw created exists, every approval it saw holds; every queued
    message reached the sink exactly once."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_settings["url"], **db_settings["options"])
    with engine.connect() as conn:
        while True:
            waiting = conn.execute(text(
                "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL "
                "AND failed_at IS NULL")).scalar()
            conn.rollback()
            if not waiting or time.monotonic() > mail_deadline:
                break
            time.sleep(1)
        rows = dict(conn.execute(text("SELECT id, status FROM bookings")).all())
        outbox = conn.execute(text(
            "SELECT id, sent_at IS NOT NULL, failed_at IS NOT NULL FROM outbox_messages")).all()
    engine.dispose()
    created = dict(data["created"])
    lost_bookings = [b for b in created if b not in rows]
    lost_approvals = [b for b in data["approved"] if rows.get(b) != "approved"]
    delivered = sum(sink.received.values())
    duplicated = sum(n - 1 for n in sink.received.values() if n > 1)
    unsent = [m for m in outbox if not m[1]]
    print(f"bookings created (201): {len(created)}, missing in the database: "
          f"{len(lost_bookings)}; approvals (200): {len(data['approved'])}, not approved in "
          f"the database: {len(lost_approvals)}")
    print(f"mail: {len(outbox)} queued, {delivered} delivered, {duplicated} duplicated, "
          f"{len(unsent)} not sent (failed: {sum(1 for m in outbox if m[2])})")
    return len(lost_bookings) + len(lost_approvals) + duplicated + len(unsent) + (
        len(outbox) - len(sink.received))


# --- one node against two behind nginx ------------------------------------------------------


def summary(data: dict, duration: float) -> dict:
    latencies = [record[3] for record in data["records"]]
    by_kind = defaultdict(list)
    for name, _status, _at, latency, _failed in data["records"]:
        by_kind[name].append(latency)
    return {
        "requests/s": len(latencies) / duration,
        "p95": percentile(latencies, .95) if latencies else float("nan"),
        **{f"p95 {kind}": percentile(by_kind[kind], .95) if by_kind[kind] else float("nan")
           for kind in ("feed", "page", "book")},
        "5xx": sum(1 for record in data["records"] if record[1] >= 500 or record[1] == 0),
    }


def compare_cluster(db_settings: dict, plan_path: Path, workdir: Path, args) -> int:
    """The same users, first against one gunicorn node, then against nginx (deploy/nginx/) in
    front of that node and a second one, on the same PostgreSQL database; one table of both."""
    from scripts import cluster

    workdir.chmod(0o755)  # nginx's workers (nobody) reach the cache directory inside
    sink = SmtpSink().start()
    env = environment(db_settings, sink.port)
    env.update({"MEETINGPLACES_PROXY_COUNT": "1", "MEETINGPLACES_LOG_LEVEL": "WARNING"})
    node_ports, proxy = [free_port(), free_port()], free_port()
    running = cluster.Cluster(workdir)
    rows = []
    try:
        running.start_node("node-a", node_ports[0], env, workers=args.workers)
        running.start("mail", [sys.executable, "-m", "flask", "--app", "meetingplaces",
                               "send-mail", "--watch", "--interval", "1"], env)
        # /healthz: prepare() builds the schema with create_all, so /readyz would miss Alembic.
        cluster.wait_until_ready(f"http://127.0.0.1:{node_ports[0]}/healthz", 60,
                                 list(running.processes.values()))
        for label, target in (("one node", f"http://127.0.0.1:{node_ports[0]}"),
                              ("two nodes behind nginx", f"http://127.0.0.1:{proxy}")):
            if target.endswith(str(proxy)):
                running.start_node("node-b", node_ports[1], env, workers=args.workers)
                running.start_nginx(cluster.render_nginx(workdir, proxy, node_ports))
                for port in (node_ports[1], proxy):
                    cluster.wait_until_ready(f"http://127.0.0.1:{port}/healthz", 60,
                                             list(running.processes.values()))
            out_path = workdir / f"out-{len(rows)}.json"
            started = time.time()
            run_locust([target], plan_path, out_path, args)
            rows.append((label, summary(results(out_path, 1), time.time() - started)))
    finally:
        running.stop_all()
    print(f"{'set-up':<24} {'req/s':>7} {'p95 ms':>7} {'feed':>6} {'page':>6} {'book':>6} "
          f"{'5xx':>4}")
    for label, row in rows:
        print(f"{label:<24} {row['requests/s']:>7.1f} {row['p95']:>7.0f} "
              f"{row['p95 feed']:>6.0f} {row['p95 page']:>6.0f} {row['p95 book']:>6.0f} "
              f"{row['5xx']:>4}")
    if len(rows) == 2:
        print(f"two nodes / one node: {rows[1][1]['requests/s'] / rows[0][1]['requests/s']:.2f}"
              f"x requests/s, {rows[1][1]['p95'] / rows[0][1]['p95']:.2f}x p95 "
              f"({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; every process "
              "shares this machine)")
    return sum(row["5xx"] for _, row in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--base-url", action="append", default=[],
                        help="measure these running targets instead of starting a site")
    parser.add_argument("--plan", help="the plan JSON of a prepared site (with --base-url)")
    parser.add_argument("--prepare-only", metavar="PLAN",
                        help="seed the database, write the plan here and stop")
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--residents", type=int, default=30)
    parser.add_argument("--initiatives", type=int, default=10)
    parser.add_argument("--managers", type=int, default=3)
    parser.add_argument("--cluster", action="store_true",
                        help="PostgreSQL: one node, then two behind nginx; both in one table")
    parser.add_argument("--chaos", action="store_true",
                        help="kill the database's connections twice; SMTP hangs at first")
    args = parser.parse_args()
    for url in args.base_url:
        if urlparse(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            sys.exit(f"{url}: loopback targets only")

    workdir = Path(tempfile.mkdtemp(prefix="mp-load-"))
    db_settings = database_settings(args.database, workdir)
    if args.base_url:
        if not args.plan:
            sys.exit("--base-url needs --plan from a --prepare-only run")
        plan_path, processes, sink = Path(args.plan), [], None
        targets = args.base_url
    else:
        plan = prepare(db_settings, args)
        plan_path = Path(args.prepare_only or workdir / "plan.json")
        plan_path.write_text(json.dumps(plan))
        if args.prepare_only:
            print(f"plan written to {plan_path}")
            return 0
        if args.cluster:
            if args.database != "postgresql":
                sys.exit("--cluster needs --database postgresql (nodes share one database)")
            return 1 if compare_cluster(db_settings, plan_path, workdir, args) else 0
        sink = SmtpSink().start()
        base, processes = start_site(db_settings, sink, workdir, args.workers)
        targets = [base]
    print(f"{args.database}, {args.workers} workers, {args.residents} residents, "
          f"{args.initiatives} initiatives, {args.managers} managers, {args.duration} s"
          f"{', chaos' if args.chaos else ''}; logs in {workdir}")

    kills: list[float] = []
    chaos = None
    if args.chaos:
        if sink is not None:
            sink.hanging.set()

        def make_trouble():
            for moment in (args.duration * 0.3, args.duration * 0.6):
                time.sleep(moment - (time.time() - started))
                if args.database == "postgresql":
                    kills.append(time.time())
                    print(f"killed {kill_connections(db_settings)} connections")
                if sink is not None and moment > args.duration * 0.5:
                    sink.hanging.clear()  # the SMTP server recovers for the second half

        chaos = threading.Thread(target=make_trouble, daemon=True)
    started = time.time()
    if chaos:
        chaos.start()
    out_path = workdir / "out.json"
    try:
        run_locust(targets, plan_path, out_path, args)
        if chaos:
            chaos.join()
        data = results(out_path, len(targets))
        failures = report(data, time.time() - started, kills)
        if sink is not None:
            sink.hanging.clear()
            failures += check_outcome(db_settings, data, sink, time.monotonic() + 90)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
    print("OK" if failures == 0 else f"NOT OK ({failures} problems)")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
