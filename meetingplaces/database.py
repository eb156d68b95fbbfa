"""Engine set-up that must hold on every connection, whatever the database, and the
transaction helpers the domain shares."""

import functools

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import scoped_session

SQLITE_IMMEDIATE = "sqlite_begin_immediate"


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    # Let SQLAlchemy emit BEGIN itself, so that a booking can take the write lock up front.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    if conn.get_execution_options().get(SQLITE_IMMEDIATE):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


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
        if session.connection().get_execution_options().get(SQLITE_IMMEDIATE):
            return  # already the writer: several steps (a round's save) share one transaction
        # End the deferred transaction so that BEGIN IMMEDIATE can start; what was read so
        # far stays loaded (no expiry): whatever must be exact is read again under the lock.
        expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire_on_commit
    session.connection(execution_options={SQLITE_IMMEDIATE: True})


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
