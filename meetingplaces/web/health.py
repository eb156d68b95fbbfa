"""Health checks for the proxy, systemd and the city's monitoring.

`/healthz`: the process answers. `/readyz`: this node can serve: the database answers, its schema
is the one this code was written for, and queued mail is not stuck. Both are JSON, cheap (three
indexed statements at most), unauthenticated, never cached, without a session cookie and never
rate limited: a load balancer polls them every few seconds.
"""

from datetime import datetime

from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import String, column, func, null, select, table, text
from sqlalchemy.exc import DBAPIError

from ..extensions import db, limiter
from ..models import OutboxMessage
from ..models.types import utcnow
from . import feeds

bp = Blueprint("health", __name__)

PATHS = frozenset({"/healthz", "/readyz"})
HEADS = "meetingplaces.migration_heads"
MISSING = object()


@limiter.request_filter
def _health_is_not_rate_limited() -> bool:
    from flask import request

    return request.path in PATHS


class SessionInterface(feeds.SessionInterface):
    """Health checks, like public feeds, neither read nor set the session cookie."""

    def open_session(self, app, request):
        if request.path in PATHS:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        from flask import request

        if request.path not in PATHS:
            super().save_session(app, session, response)


def _uncached(body: dict, status: int = 200):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    return _uncached({"status": "ok"})


@bp.get("/readyz")
def readyz():
    checks = readiness(utcnow())
    ready = all(check["ok"] for check in checks.values())
    return _uncached({"status": "ok" if ready else "unavailable", "checks": checks},
                     200 if ready else 503)


def readiness(now: datetime) -> dict:
    """The three checks, each {"ok": bool, ...details}; a check that cannot run is not ok.

    One statement in autocommit on a migrated database (the recorded revisions and the oldest
    due mail together): one round trip on PostgreSQL. Only when it fails do single statements
    find out what is missing."""
    database = {"ok": False}
    migrations = {"ok": False, "database": [], "expected": sorted(_expected_heads())}
    mail_queue = {"ok": False, "oldest_due_seconds": None,
                  "threshold_seconds": int(current_app.config["READY_MAIL_QUEUE_MAX_AGE"])}
    checks = {"database": database, "migrations": migrations, "mail_queue": mail_queue}
    try:
        connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    except DBAPIError:
        return checks
    with connection:
        try:
            rows = connection.execute(_state(now)).all()
        except DBAPIError:
            rows = _one_by_one(connection, now, database)
    if rows is None:
        return checks
    database["ok"] = True
    migrations["database"] = sorted(version for version, _ in rows if version is not None)
    migrations["ok"] = set(migrations["database"]) == set(migrations["expected"])
    oldest = next((oldest for version, oldest in rows if version is None), MISSING)
    if oldest is MISSING:
        return checks  # no outbox table: not migrated
    age = max(0, int((now - oldest).total_seconds())) if oldest is not None else 0
    mail_queue.update(oldest_due_seconds=age, ok=age <= mail_queue["threshold_seconds"])
    return checks


def _state(now: datetime):
    """(NULL, oldest due mail) and one (revision, NULL) row per recorded Alembic revision."""
    due = select(null().cast(String).label("version"),
                 func.min(OutboxMessage.next_attempt_at).label("oldest")).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
        OutboxMessage.next_attempt_at <= now)
    versions = select(column("version_num", String), null()).select_from(
        table("alembic_version"))
    return due.union_all(versions)


def _one_by_one(connection, now: datetime, database: dict) -> list | None:
    """After the combined statement failed: the rows each part still gives (None when the
    database does not answer at all)."""
    try:
        database["ok"] = connection.scalar(text("SELECT 1")) == 1
    except DBAPIError:
        return None
    rows = []
    for part in _state(now).selects:
        try:
            rows.extend(connection.execute(part).all())
        except DBAPIError:
            pass  # that table is missing: never migrated
    return rows


def _expected_heads() -> set[str]:
    """The heads of the migrations shipped with this code, read once per process."""
    heads = current_app.extensions.get(HEADS)
    if heads is None:
        directory = current_app.extensions["migrate"].directory
        heads = set(ScriptDirectory(directory).get_heads())
        current_app.extensions[HEADS] = heads
    return heads
