"""/healthz and /readyz: JSON for the proxy and monitoring, cheap, uncached, cookie-free."""

from datetime import timedelta

import pytest
from flask_migrate import stamp
from sqlalchemy import text

from meetingplaces import create_app
from meetingplaces.extensions import db
from meetingplaces.mail import queue_mail
from meetingplaces.models import OutboxMessage
from meetingplaces.models.types import utcnow


@pytest.fixture
def migrated(app):
    """The test database recorded as migrated to the shipped head (and forgotten afterwards:
    the PostgreSQL schema is shared by the tests of one worker)."""
    stamp()
    yield
    db.session.remove()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_healthz_says_the_process_is_alive_without_cookie_or_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    assert response.headers["X-Request-ID"]


def test_readyz_is_ready_on_a_migrated_database_with_no_late_mail(client, migrated):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["migrations"]["ok"] is True
    assert body["checks"]["migrations"]["database"] == body["checks"]["migrations"]["expected"]
    assert body["checks"]["mail_queue"]["oldest_due_seconds"] == 0
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_readyz_is_unavailable_while_migrations_are_not_recorded(client, session):
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"]["ok"] is True
    assert checks["migrations"]["ok"] is False and checks["migrations"]["database"] == []
    assert checks["mail_queue"]["ok"] is True  # the other checks still ran


def test_readyz_is_unavailable_when_due_mail_waits_too_long(app, client, session, migrated):
    app.config["READY_MAIL_QUEUE_MAX_AGE"] = 60
    queue_mail(session, "someone@example.org", "Betreff", "Text")
    session.commit()
    assert client.get("/readyz").status_code == 200  # due just now
    session.get(OutboxMessage, 1).next_attempt_at = utcnow() - timedelta(minutes=5)
    session.commit()
    response = client.get("/readyz")
    assert response.status_code == 503
    mail_queue = response.get_json()["checks"]["mail_queue"]
    assert mail_queue["ok"] is False and mail_queue["oldest_due_seconds"] >= 300
    assert "someone@example.org" not in response.get_data(as_text=True)


def test_readyz_ignores_mail_waiting_for_its_retry(app, client, session, migrated):
    app.config["READY_MAIL_QUEUE_MAX_AGE"] = 60
    queue_mail(session, "someone@example.org", "Betreff", "Text")
    session.commit()
    message = session.get(OutboxMessage, 1)
    message.created_at = utcnow() - timedelta(hours=2)
    message.next_attempt_at = utcnow() + timedelta(minutes=30)  # backing off, not late
    session.commit()
    assert client.get("/readyz").status_code == 200


def test_readyz_is_unavailable_when_the_database_cannot_be_reached(tmp_path):
    app = create_app({"SECRET_KEY": "x", "TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == {"ok": False}
    assert response.get_json()["status"] == "unavailable"


@pytest.mark.parametrize("app_config", [{"RATELIMIT_DEFAULT": "2 per minute"}])
def test_health_checks_are_never_rate_limited(client):
    for _ in range(4):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code in (200, 503)
    statuses = [client.get("/").status_code for _ in range(3)]
    assert 429 in statuses  # the limit is real for ordinary pages


@pytest.mark.parametrize("app_config", [{"BASE_URL": "https://treffpunkte.example.org"}])
def test_health_checks_answer_under_a_node_address_that_pages_refuse(client):
    node = {"base_url": "http://10.0.0.12:8000"}
    assert client.get("/healthz", **node).status_code == 200
    assert client.get("/readyz", **node).status_code in (200, 503)
    assert client.get("/", **node).status_code == 400


def test_readyz_on_an_empty_database_says_it_answers_but_is_not_migrated(tmp_path):
    app = create_app({"SECRET_KEY": "x", "TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/empty.sqlite"})
    response = app.test_client().get("/readyz")
    checks = response.get_json()["checks"]
    assert response.status_code == 503
    assert checks["database"]["ok"] is True and checks["migrations"]["ok"] is False
    assert checks["mail_queue"]["ok"] is False
