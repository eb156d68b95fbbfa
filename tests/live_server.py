"""A real gunicorn with several worker processes on loopback, for the tests that only fail
across processes (SQLite's write lock, racing decisions, the outbox)."""

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

from .factories import TEST_PASSWORD_HASH_METHOD

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(database: dict, instance: Path, **config) -> dict:
    """MEETINGPLACES_* variables that point a server process at the test's database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEETINGPLACES_")}
    env.update({
        "MEETINGPLACES_SQLALCHEMY_DATABASE_URI": database["url"],
        "MEETINGPLACES_SQLALCHEMY_ENGINE_OPTIONS": json.dumps(database["options"]),
        "MEETINGPLACES_SECRET_KEY": "live-test-secret",
        "MEETINGPLACES_PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH_METHOD,
        "PYTHONPATH": str(ROOT),
    })
    for key, value in config.items():
        env[f"MEETINGPLACES_{key}"] = json.dumps(value)
    return env


@contextmanager
def gunicorn(database: dict, tmp_path: Path, *, workers: int = 2, **config):
    """Serve the app from `workers` processes; yields the base URL."""
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "2",
         "meetingplaces:create_app()"],
        cwd=ROOT, env=server_environment(database, tmp_path, **config),
        stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                requests.get(base + "/", timeout=30)
                break
            except requests.RequestException:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "gunicorn.log").read_text()) from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def server_log(tmp_path: Path) -> str:
    return (tmp_path / "gunicorn.log").read_text()
