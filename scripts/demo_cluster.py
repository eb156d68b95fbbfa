"""`make demo-cluster` / `make demo-cluster-down`: the two-node set-up on loopback.

up:   creates the PostgreSQL database (DEMO_DATABASE_URL, default
      postgresql://postgres@127.0.0.1:5432/meetingplaces_demo), migrates it, loads the demo
      city, starts two gunicorn nodes, nginx in front of them (deploy/nginx/) and the mail
      sender (`flask send-mail --watch`); PIDs go to instance/demo-cluster/pids.json.
down: stops exactly the processes recorded there (by PID, each in its own process group) and
      drops the demo database (keep it with --keep-database).

Ports: DEMO_PORT (nginx, default 8100), the nodes on the next two.
"""

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from scripts import cluster

RUN_DIR = cluster.ROOT / "instance" / "demo-cluster"
PIDS = RUN_DIR / "pids.json"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/meetingplaces_demo"
# What each role's command line contains: a recorded PID is signalled only if it still is ours.
MARKS = {"node-a": "gunicorn", "node-b": "gunicorn", "mail": "send-mail", "nginx": "nginx"}


def _database_url() -> str:
    return os.environ.get("DEMO_DATABASE_URL", DEFAULT_URL)


def _maintenance(url: str):
    """A connection to the server's `postgres` database, for CREATE/DROP DATABASE."""
    parsed = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    return psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username,
                           password=parsed.password, dbname="postgres", autocommit=True), \
        parsed.database


def create_database(url: str) -> None:
    connection, name = _maintenance(url)
    with connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                    (name,)).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.")


def drop_database(url: str) -> None:
    connection, name = _maintenance(url)
    with connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                           .format(sql.Identifier(name)))
    print(f"Dropped database {name}.")


def _flask(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "meetingplaces", *args],  # noqa: S603
                   cwd=cluster.ROOT, env=env, check=True)


def _ports() -> tuple[int, int, int]:
    proxy = int(os.environ.get("DEMO_PORT", "8100"))
    return proxy, proxy + 1, proxy + 2


def up() -> int:
    recorded = cluster.read_json(PIDS)
    if recorded and any(_ours(role, pid) for role, pid in recorded.items()):
        print(f"The demo cluster runs already ({PIDS}); `make demo-cluster-down` stops it.")
        return 1
    if not cluster.nginx_binary():
        print("nginx is missing: apt-get install nginx (make demo-cluster does it as root).")
        return 1
    url = _database_url()
    proxy, node_a, node_b = _ports()
    busy = [port for port in (proxy, node_a, node_b) if not _free(port)]
    if busy:
        print(f"Port(s) {', '.join(map(str, busy))} on 127.0.0.1 are taken: set DEMO_PORT.")
        return 1
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    RUN_DIR.chmod(0o755)  # nginx's workers reach the cache directory inside
    secret_file = RUN_DIR / "secret_key"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(48))
        secret_file.chmod(0o600)
    env = cluster.node_environment(url, secret_file.read_text().strip(),
                                   f"http://127.0.0.1:{proxy}", [node_a, node_b])
    try:
        create_database(url)
    except psycopg.OperationalError as error:
        print(f"No PostgreSQL server answers for {url}: {error}\n"
              "Start one (Debian: apt-get install postgresql) or set DEMO_DATABASE_URL.")
        return 1
    _flask(env, "db", "upgrade")
    _flask(env, "seed-demo", "--if-empty")
    running = cluster.Cluster(RUN_DIR)
    try:
        running.start_node("node-a", node_a, env)
        running.start_node("node-b", node_b, env)
        running.start("mail", [sys.executable, "-m", "flask", "--app", "meetingplaces",
                               "send-mail", "--watch"], env)
        running.start_nginx(cluster.render_nginx(RUN_DIR, proxy, [node_a, node_b]))
        for port in (node_a, node_b, proxy):
            cluster.wait_until_ready(f"http://127.0.0.1:{port}/readyz", 60,
                                     list(running.processes.values()))
    except Exception:
        running.stop_all()
        raise
    PIDS.write_text(json.dumps(running.pids(), indent=2))
    print(f"""
Demo cluster up: http://127.0.0.1:{proxy}/  (nginx -> nodes 127.0.0.1:{node_a} and :{node_b})
  database  {make_url(url.replace('postgresql://', 'postgresql+psycopg://', 1))
             .render_as_string(hide_password=True)}
  logins    the README's demo logins, password demo-password
  health    http://127.0.0.1:{proxy}/readyz
  logs      {RUN_DIR}/node-a.log, node-b.log, mail.log, nginx-access.log
  PIDs      {PIDS}
Stop it with `make demo-cluster-down`.""")
    return 0


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _ours(role: str, pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return False
    return MARKS.get(role, "\0") in command


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" in status.read_text()


def down(keep_database: bool) -> int:
    recorded = cluster.read_json(PIDS)
    for role, pid in recorded.items():
        if _ours(role, pid):
            os.killpg(pid, signal.SIGQUIT if role == "nginx" else signal.SIGTERM)
            print(f"Stopping {role} (PID {pid}).")
    deadline = time.monotonic() + 20
    for role, pid in recorded.items():
        while _ours(role, pid) and not _gone(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _ours(role, pid) and not _gone(pid):
            os.killpg(pid, signal.SIGKILL)
    PIDS.unlink(missing_ok=True)
    print(f"Processes stopped after {time.monotonic() - deadline + 20:.1f} s.")
    if not keep_database:
        drop_database(_database_url())
    print("Demo cluster down.")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["up", "down"])
    parser.add_argument("--keep-database", action="store_true")
    arguments = parser.parse_args()
    return up() if arguments.action == "up" else down(arguments.keep_database)


if __name__ == "__main__":
    sys.exit(main())
