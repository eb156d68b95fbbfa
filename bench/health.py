"""Health checks' answer time: /healthz and /readyz must answer within 20 ms.

Measures each endpoint N times, in-process through the WSGI app and, with --url, over HTTP
against a running node or nginx (`make demo-cluster`), and prints p50, p95 and the maximum in
milliseconds: wall time, and this process's CPU time (which a loaded machine does not inflate;
the PostgreSQL server's part is only in the wall time). /readyz runs its statements (migrations,
oldest due mail) against a migrated database with 1,000 sent messages in the outbox.

    python bench/health.py [--requests 500] [--database postgresql://...] [--url http://127.0.0.1:8100]
"""

import argparse
import os
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

from flask_migrate import upgrade

from meetingplaces import create_app
from meetingplaces.extensions import db
from meetingplaces.models import OutboxMessage
from meetingplaces.models.types import utcnow

TARGET_MS = 20.0


def percentiles(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    worst = max(samples)
    verdict = "ok" if p95 <= TARGET_MS else "SLOWER THAN 20 ms"
    return (f"p50 {statistics.median(samples):6.2f} ms  p95 {p95:6.2f} ms  "
            f"max {worst:6.2f} ms  ({verdict} at p95)")


def in_process(url: str, count: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "LOG_LEVEL": "WARNING"})
    with app.app_context():
        upgrade()
        now = utcnow()
        db.session.add_all(OutboxMessage(recipient=f"r{n}@example.org", subject="s", body="b",
                                         sent_at=now) for n in range(1000))
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    for path in ("/healthz", "/readyz"):
        for _ in range(20):  # warm-up: the first /readyz reads the migration scripts once
            client.get(path)
        samples, cpu = [], []
        for _ in range(count):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, response.get_json()
        print(f"  {path:9} wall time   {percentiles(samples)}")
        print(f"  {path:9} CPU time    {percentiles(cpu)}")


def over_http(base: str, count: int) -> None:
    for path in ("/healthz", "/readyz"):
        samples = []
        for _ in range(count):
            started = time.perf_counter()
            with urllib.request.urlopen(base.rstrip("/") + path, timeout=5) as response:
                response.read()
            samples.append((time.perf_counter() - started) * 1000)
        print(f"  {path:9} over HTTP    {percentiles(samples)}")


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"target {TARGET_MS:g} ms")
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--database", default="")
    parser.add_argument("--url", default="")
    arguments = parser.parse_args()
    if arguments.database:
        print(f"PostgreSQL ({arguments.database.rsplit('@', 1)[-1]}):")
        in_process(arguments.database, arguments.requests)
    else:
        with tempfile.TemporaryDirectory() as directory:
            print("SQLite:")
            in_process(f"sqlite:///{Path(directory) / 'bench.sqlite'}", arguments.requests)
    if arguments.url:
        print(f"{arguments.url}:")
        over_http(arguments.url, arguments.requests)


if __name__ == "__main__":
    main()
