"""Configuration: defaults, then instance/config.py, then MEETINGPLACES_* environment variables."""

import os
import secrets
from pathlib import Path

LANGUAGES = {
    "de": "Deutsch",
    "en": "English",
    "ar": "العربية",
    "fa": "فارسی",
    "uk": "Українська",
    "tr": "Türkçe",
}
RTL_LANGUAGES = frozenset({"ar", "fa"})


class Defaults:
    CITY_NAME = "Wuppertal"
    TIMEZONE = "Europe/Berlin"
    HOLIDAY_REGION = "NW"
    DEFAULT_LANGUAGE = "de"
    LANGUAGES = list(LANGUAGES)
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    # Mail: with MAIL_SERVER unset, mail is written to the log instead of sent.
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER = "meetingplaces <no-reply@example.org>"
    MAIL_MAX_ATTEMPTS = 8
    # Seconds a sender waits for the SMTP server to connect and to answer each step.
    MAIL_TIMEOUT = 10
    # The first retry after a failure; each further one waits twice as long (at most 12 h).
    MAIL_RETRY_SECONDS = 120
    # Rate limits: memory storage is per process; use redis://... with several workers.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per 15 minutes"
    INVITATION_MAX_AGE_DAYS = 14
    PASSWORD_RESET_MAX_AGE_SECONDS = 2 * 60 * 60
    FEED_PAST_DAYS = 92
    FEED_FUTURE_DAYS = 366
    # PostgreSQL: keep feed versions in memory until the database notifies a change (LISTEN).
    # Switch off behind a pooler that does not keep a session (pgbouncer transaction mode).
    FEED_VERSION_NOTIFICATIONS = True
    # The public address of the site, e.g. "https://treffpunkte.wuppertal.de". Every link in a
    # mail, a poster or a feed is built from it, never from the request's Host header, and
    # requests naming another host are refused (400). Unset (development): links use the
    # request's host and every host is accepted.
    BASE_URL = ""
    # Further host names accepted besides BASE_URL's (e.g. "localhost" for health checks).
    ALLOWED_HOSTS: list = []
    # Largest request body; larger ones get 413.
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024
    # Registration and password reset requests per client address.
    REGISTRATION_RATE_LIMIT = "10 per hour"
    # Guests' and past bookers' names, e-mails and purposes are anonymised this many months
    # after their last booked date (`flask anonymise-personal-data`, daily from cron).
    PERSONAL_DATA_RETENTION_MONTHS = 12
    # werkzeug's method for new password hashes; keep scrypt's default work factor in production.
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a method name, not a password)
    # Logs: "text" for a terminal, "json" for one JSON object per line (a log collector).
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"
    # /readyz reports unavailable when due mail has waited longer than this (seconds).
    READY_MAIL_QUEUE_MAX_AGE = 600


def sqlite_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "meetingplaces.sqlite")


def load(app, test_config: dict | None) -> None:
    """Fill app.config in the documented order; the last source wins."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("MEETINGPLACES")
    if test_config:
        app.config.from_mapping(test_config)
    if "DATABASE_URL" in app.config:
        app.config.setdefault("SQLALCHEMY_DATABASE_URI", app.config["DATABASE_URL"])
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", sqlite_url(app.instance_path))
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith(("postgresql://", "postgres://")):
        # psycopg 3 is the driver we ship; plain URLs from operators mean it.
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.split("://", 1)[1]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # A connection the server ended (restart, failover, pg_terminate_backend) is replaced
        # when taken from the pool instead of failing the request that drew it.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("pool_pre_ping", True)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app.instance_path)
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("RATELIMIT_STORAGE_URI", "memory://")
    app.config["BASE_URL"] = (app.config.get("BASE_URL") or "").strip().rstrip("/")
    if isinstance(app.config.get("ALLOWED_HOSTS"), str):
        app.config["ALLOWED_HOSTS"] = app.config["ALLOWED_HOSTS"].replace(",", " ").split()


def _instance_secret_key(instance_path: str) -> str:
    """Generate the secret key once into instance/ so sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
