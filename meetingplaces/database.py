"""Engine set-up that must hold on every connection, whatever the database, and the
transaction helpers the domain shares."""

import functools
import logging

from flask import has_request_context, request
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import scoped_session

SQLITE_IMMEDIATE = "sqlite_begin_immediate"
SQLITE_BUSY_TIMEOUT_MS = 15000
# Requests with these methods only read; every other request may write.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# How long a write that may be dropped (a cache, a last-used stamp) waits for SQLite's lock.
ASIDE_BUSY_TIMEOUT_MS = 1000

log = logging.getLogger("meetingplaces.database")


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    # Let SQLAlchemy emit BEGIN itself, so that a booking can take the write lock up front.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    # A request that may write takes SQLite's write lock before its first read, in every
    # transaction it opens: in WAL mode a deferred transaction that read and then writes fails
    # at once (SQLITE_BUSY_SNAPSHOT, no busy wait) when another process committed in between.
    immediate = bool(conn.get_execution_options().get(SQLITE_IMMEDIATE)) or (
        has_request_context() and request.method not in READING_METHODS)
    conn.info[SQLITE_IMMEDIATE] = immediate
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_write(session) -> None:
    """Start the session's transaction as a writer.

    SQLite: BEGIN IMMEDIATE takes the database write lock before we read, so a check
    followed by an insert cannot interleave with another process doing the same.
    PostgreSQL: nothing to do here; constraints and row locks guard there.
    """
    if isinstance(session, scoped_session):  # db.session proxies no in_transaction()
        session = session()
    if session.in_transaction():
        if session.get_bind().dialect.name != "sqlite":
            return
        if session.connection().info.get(SQLITE_IMMEDIATE):
            return  # already the writer: several steps (a round's save) share one transaction
        # End the deferred transaction so that BEGIN IMMEDIATE can start; what was read so
        # far stays loaded (no expiry): whatever must be exact is read again under the lock.
        expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire_on_commit
    session.connection(execution_options={SQLITE_IMMEDIATE: True})


def lock_row(session, instance, *loads):
    """Take the row's lock for a decision and read it again (with `loads`, e.g. its dates),
    so that the second of two racing decisions sees what the first left: PostgreSQL locks the
    row (SELECT ... FOR UPDATE) until commit; SQLite's write lock (begin_write) holds every
    other writer off. Lock the parent (a booking) before its children, always in that order."""
    begin_write(session)
    model = type(instance)
    return session.execute(
        select(model).where(model.id == instance.id).with_for_update().options(*loads)
        .execution_options(populate_existing=True)
    ).scalar_one()


def end_writer(session) -> None:
    """Roll back a SQLite write transaction left open at the end of a request, so its lock
    never outlives the request (the session's removal does the same at the app context's end,
    which a test's shared app context postpones)."""
    if isinstance(session, scoped_session):
        if not session.registry.has():
            return
        session = session()
    if (session.in_transaction() and session.get_bind().dialect.name == "sqlite"
            and session.connection().info.get(SQLITE_IMMEDIATE)):
        session.rollback()


def commit_keeping_loaded(session) -> None:
    """Commit without expiring what the session holds, for an answer built from what was just
    written: expiry would read every object of it again, one statement each."""
    if isinstance(session, scoped_session):
        session = session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


def refusals_roll_back(function):
    """A domain step refused with a DomainError leaves nothing behind and releases
    SQLite's write lock."""
    from .errors import DomainError

    @functools.wraps(function)
    def wrapper(session, *args, **kwargs):
        try:
            return function(session, *args, **kwargs)
        except DomainError:
            session.rollback()
            raise

    return wrapper


def detached_connection(engine: Engine):
    """A DBAPI connection made like the engine's (URL, connect_args) and taken out of its
    pool, in autocommit: for a connection a thread keeps for itself (feed version reads, the
    feed-change listener), which the pool must neither count nor reset."""
    pooled = engine.raw_connection()
    pooled.detach()
    connection = pooled.dbapi_connection
    if engine.dialect.name == "postgresql":
        connection.autocommit = True  # SQLite connections are set up so on connect
    return connection


def write_aside(engine: Engine, work, *, what: str) -> bool:
    """Run `work(connection)` in its own short write transaction, outside the caller's, and
    give up (logged) on a database error: for writes a reader may drop, such as a cache or a
    last-used stamp. A GET never waits long for SQLite's lock or fails because of a writer."""
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(**{SQLITE_IMMEDIATE: True})
            sqlite = engine.dialect.name == "sqlite"
            if sqlite:
                connection.connection.driver_connection.execute(
                    f"PRAGMA busy_timeout={ASIDE_BUSY_TIMEOUT_MS}")
            try:
                with connection.begin():
                    work(connection)
            finally:
                if sqlite:
                    connection.connection.driver_connection.execute(
                        f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    except DBAPIError as error:
        log.warning("%s not stored: %s", what, error.orig)
        return False
    return True
