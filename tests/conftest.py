"""Test fixtures: an app per database (SQLite always, PostgreSQL when configured), clients,
login and CSRF helpers, a real SMTP sink on loopback."""

import os
import re
import socket
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from flask import g, request_started
from sqlalchemy import create_engine, text

from meetingplaces import create_app
from meetingplaces.extensions import db
from scripts import translations

from . import factories

PG_URL = os.environ.get("MEETINGPLACES_TEST_DATABASE_URL", "")
PG_SKIP_REASON = "PostgreSQL tests need MEETINGPLACES_TEST_DATABASE_URL (.ci/run sets it)"
DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def normalised_pg_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1] if url else url


def pg_schema_name(worker_id: str, purpose: str = "t") -> str:
    return f"mp_{purpose}_{worker_id}".replace("-", "_")


def pg_engine_options(schema: str) -> dict:
    # Each xdist worker gets its own schema; extensions (btree_gist) live in public.
    return {"connect_args": {"options": f"-csearch_path={schema},public"}}


def reset_pg_schema(schema: str) -> None:
    engine = create_engine(normalised_pg_url(PG_URL), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        # Workers start together; CREATE EXTENSION IF NOT EXISTS is not safe against a race.
        conn.execute(text("SELECT pg_advisory_lock(727274)"))
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public"))
        conn.execute(text("SELECT pg_advisory_unlock(727274)"))
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


@pytest.fixture(scope="session")
def pg_tables(worker_id):
    """Create the PostgreSQL schema of this worker once; tests truncate afterwards."""
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    schema = pg_schema_name(worker_id)
    reset_pg_schema(schema)
    app = create_app(_base_config(normalised_pg_url(PG_URL), pg_engine_options(schema)))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return schema


# Tests assert the English msgids, whatever the catalogues say: a new translation never breaks
# another area's test. tests/test_translations.py and tests/browser/ use the real catalogues.
NO_CATALOGUES = str(Path(__file__).resolve().parent / "no-catalogues")


def _base_config(url: str, engine_options: dict | None = None) -> dict:
    return {
        "BABEL_TRANSLATION_DIRECTORIES": NO_CATALOGUES,
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options or {},
        "SERVER_NAME": "localhost.test",
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_SEND_AFTER_REQUEST": False,
        "PASSWORD_HASH_METHOD": factories.TEST_PASSWORD_HASH_METHOD,
    }


@pytest.fixture(scope="session")
def compiled_translations(tmp_path_factory):
    """The real catalogues as the .po files are now, compiled once per worker, for tests that
    read pages, mails and answers in the languages people read (a stale .mo never decides)."""
    target = tmp_path_factory.mktemp("translations")
    translations.compile_all(target)
    return str(target)


@pytest.fixture(params=DATABASES)
def database(request, tmp_path):
    """The kind of database a test runs on, with its URL and engine options."""
    if request.param == "sqlite":
        return {"kind": "sqlite", "url": f"sqlite:///{tmp_path / 'test.sqlite'}", "options": {}}
    schema = request.getfixturevalue("pg_tables")
    return {
        "kind": "postgresql",
        "url": normalised_pg_url(PG_URL),
        "options": pg_engine_options(schema),
        "schema": schema,
    }


@pytest.fixture
def app_config():
    """Tests override single settings by overriding this fixture or updating the dict."""
    return {}


@pytest.fixture
def app(database, app_config, tmp_path):
    config = _base_config(database["url"], database["options"])
    config.update(app_config)
    app = create_app(config)
    app.instance_path = str(tmp_path / "instance")
    request_started.connect(_fresh_request_globals, app)
    with app.app_context():
        if database["kind"] == "sqlite":
            db.create_all()
        yield app
        db.session.remove()
        if database["kind"] == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


def _fresh_request_globals(sender, **extra):
    """Requests share the fixture's app context and so its `g`; in production each request has
    its own. Forget what the last request cached there (locale, logged-in user)."""
    for name in list(g):
        g.pop(name)


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_INPUT = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'type="hidden" name="csrf_token" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "page has no CSRF token"
    return next(group for group in match.groups() if group)


@dataclass
class Browser:
    """A test client that fills forms as a person would: it reads the CSRF token off the page."""

    client: object
    token: str = ""

    def csrf(self) -> str:
        if not self.token:
            self.token = csrf_token_from(self.client.get("/auth/login").get_data(as_text=True))
        return self.token

    def post(self, url: str, data: dict | None = None, **kwargs):
        payload = {"csrf_token": self.csrf(), **(data or {})}
        return self.client.post(url, data=payload, **kwargs)

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def login(self, email: str, password: str = factories.PASSWORD):
        response = self.post("/auth/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    def logout(self):
        return self.post("/auth/logout")


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def make(session):
    """Factories bound to the test's session: make.quarter(), make.user(), ..."""
    return factories.Factory(session)


# --- mail -------------------------------------------------------------------------------------


@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 5.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_sink():
    """A real SMTP server on loopback that keeps what it receives as parsed messages."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink("127.0.0.1", _free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
            sink.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    controller = Controller(Handler(), hostname=sink.host, port=sink.port)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture
def mail_config(smtp_sink):
    return {"MAIL_SERVER": smtp_sink.host, "MAIL_PORT": smtp_sink.port}
