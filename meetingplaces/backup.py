"""Backups of the whole database in the database's own format, with the schema version inside.

SQLite: a copy made with SQLite's online backup API, consistent while the app keeps writing (one
file; `sqlite3 PATH` opens it). PostgreSQL: `pg_dump --format=custom` of the app's schema (a
`pg_restore` archive). Either way the Alembic revision travels in the copy's `alembic_version`
table; `restore` reads it first and refuses a backup whose schema this code does not know (made by
a newer release). A restore on PostgreSQL runs in one transaction: it either replaces every table
of the schema or changes nothing.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import text
from sqlalchemy.engine import Engine


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    path: Path
    database: str  # "sqlite" or "postgresql"
    schema_version: str | None


NAME_PREFIX = "meetingplaces-"
SUFFIX = ".backup"


def dated_path(directory: Path, now: datetime) -> Path:
    """`meetingplaces-20261206T021500Z.backup` in `directory`: sorts by time."""
    return Path(directory) / f"{NAME_PREFIX}{now.strftime('%Y%m%dT%H%M%SZ')}{SUFFIX}"


def prune(directory: Path, keep_days: int, now: datetime) -> list[Path]:
    """Delete this command's dated backups in `directory` older than `keep_days` days; the
    newest is always kept. Returns what was deleted."""
    dated = []
    for candidate in Path(directory).glob(f"{NAME_PREFIX}*{SUFFIX}"):
        stamp = candidate.name.removeprefix(NAME_PREFIX).removesuffix(SUFFIX)
        try:
            made = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            continue  # not one of ours: never deleted
        dated.append((made, candidate))
    dated.sort()
    old = [path for made, path in dated[:-1] if made < now - timedelta(days=keep_days)]
    for path in old:
        path.unlink()
    return old


def backup(engine: Engine, path: Path) -> Backup:
    """Write a consistent copy of the database to `path` (replaced only once complete)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(engine, partial)
        elif engine.dialect.name == "postgresql":
            _pg_backup(engine, partial)
        else:
            raise BackupError(f"No backup for {engine.dialect.name} databases.")
        version = schema_version(partial, engine.dialect.name, engine)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(path, engine.dialect.name, version)


def restore(engine: Engine, path: Path, migrations: str) -> Backup:
    """Replace the database's content by the backup at `path`, unless the backup's schema is
    unknown to this code (newer): then nothing is changed."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    version = schema_version(path, engine.dialect.name, engine)
    check_restorable(version, migrations)
    if engine.dialect.name == "sqlite":
        _sqlite_restore(engine, path)
    else:
        _pg_restore(engine, path)
    engine.dispose()  # pooled connections may hold the old schema's statements
    return Backup(path, engine.dialect.name, version)


def check_restorable(version: str | None, migrations: str) -> None:
    if version is None:
        raise BackupError("The backup records no schema version (alembic_version is empty); "
                          "it was not made from a migrated database and is not restored.")
    script = ScriptDirectory(migrations)
    try:
        known = script.get_revision(version)
    except CommandError:
        known = None
    if known is None:
        heads = ", ".join(script.get_heads())
        raise BackupError(f"The backup has schema version {version}, which this release does "
                          f"not know (its newest is {heads}): it was made by a newer release. "
                          "Install that release to restore it.")


def schema_version(path: Path, dialect: str, engine: Engine | None = None) -> str | None:
    """The Alembic revision recorded in a backup file (None when there is none)."""
    if dialect == "sqlite":
        connection = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
        try:
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        except sqlite3.DatabaseError:
            return None
        finally:
            connection.close()
    else:
        listed = _run([_tool("pg_restore", engine), "--data-only", "--table=alembic_version",
                       "--file=-", str(path)], engine=None)
        rows, inside = [], False
        for line in listed.splitlines():
            if line.startswith("COPY ") and ".alembic_version " in line:
                inside = True
            elif inside and line == "\\.":
                break
            elif inside:
                rows.append((line,))
    versions = sorted(row[0] for row in rows)
    return ",".join(versions) if versions else None


# --- SQLite --------------------------------------------------------------------------------


def _sqlite_backup(engine: Engine, target: Path) -> None:
    source = engine.raw_connection()
    copy = sqlite3.connect(target)
    try:
        source.dbapi_connection.backup(copy)  # one step under a read lock: a consistent copy
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
        source.close()


def _sqlite_restore(engine: Engine, path: Path) -> None:
    backup_copy = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    target = engine.raw_connection()
    try:
        # Page by page into the live file under its write lock; other processes see either
        # the old content or the restored one, never a mixture.
        backup_copy.backup(target.dbapi_connection)
        target.dbapi_connection.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
        backup_copy.close()


# --- PostgreSQL ----------------------------------------------------------------------------


def _libpq_environment(engine: Engine) -> dict:
    """Connection settings for pg_dump, pg_restore and psql, passed in the environment so that
    a password never shows in the process list."""
    url = engine.url
    env = dict(os.environ)
    for name, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                        ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[name] = str(value)
    if "sslmode" in url.query:
        env["PGSSLMODE"] = str(url.query["sslmode"])
    return env


def _tool(name: str, engine: Engine | None) -> str:
    """The client program, from PG_BIN_DIR when set (e.g. /usr/lib/postgresql/16/bin)."""
    directory = os.environ.get("MEETINGPLACES_PG_BIN_DIR", "")
    found = shutil.which(name, path=directory or None)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def _run(command: list[str], engine: Engine | None, **kwargs) -> str:
    env = _libpq_environment(engine) if engine is not None else None
    # Our own client tools with argument lists, no shell.
    result = subprocess.run(  # noqa: S603
        command, env=env, capture_output=True, text=True, check=False, **kwargs)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:2000]}")
    return result.stdout


def _schema(engine: Engine) -> str:
    with engine.connect() as connection:
        return connection.scalar(text("SELECT current_schema()"))


def check_client_version(engine: Engine) -> None:
    """pg_dump refuses a newer server; say so before it does, with the fix."""
    with engine.connect() as connection:
        server = int(connection.scalar(text("SHOW server_version_num"))) // 10000
    output = _run([_tool("pg_dump", engine), "--version"], engine=None)
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    client = int(match.group(1)) if match else 0
    if client < server:
        raise BackupError(f"pg_dump {client} cannot dump a PostgreSQL {server} server: install "
                          f"postgresql-client-{server} and set MEETINGPLACES_PG_BIN_DIR to "
                          f"/usr/lib/postgresql/{server}/bin.")


def _pg_backup(engine: Engine, target: Path) -> None:
    check_client_version(engine)
    _run([_tool("pg_dump", engine), "--format=custom", "--no-owner", "--no-acl",
          f"--schema={_schema(engine)}", f"--file={target}"], engine)


# Entries the restore leaves out: the schema itself and extensions exist already (or are made
# by the prelude below) and belong to the database, not to the backup.
_SKIPPED_ENTRY = re.compile(r"^\d+; \d+ \d+ (SCHEMA|EXTENSION|COMMENT - (SCHEMA|EXTENSION)) ")

_DROP_SCHEMA_CONTENT = """
DO $$
DECLARE item record;
BEGIN
  FOR item IN SELECT c.oid, c.relkind FROM pg_class c
      WHERE c.relnamespace = {schema}::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
  LOOP
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = item.oid);  -- went by CASCADE
    EXECUTE format('DROP %s %s CASCADE',
      CASE item.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                        WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, item.oid::regclass);
  END LOOP;
  FOR item IN SELECT p.oid FROM pg_proc p
      WHERE p.pronamespace = {schema}::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('DROP ROUTINE %s CASCADE', item.oid::regprocedure);
  END LOOP;
END $$;
"""


def _pg_restore(engine: Engine, path: Path) -> None:
    schema = _schema(engine)
    pg_restore, psql = _tool("pg_restore", engine), _tool("psql", engine)
    entries = _run([pg_restore, "--list", str(path)], engine=None).splitlines()
    kept = [line for line in entries if not _SKIPPED_ENTRY.match(line)]
    quoted = "'" + schema.replace("'", "''") + "'"
    identifier = '"' + schema.replace('"', '""') + '"'
    with tempfile.TemporaryDirectory() as directory:
        listing = Path(directory) / "entries.list"
        listing.write_text("\n".join(kept) + "\n")
        prelude = Path(directory) / "prelude.sql"
        prelude.write_text(
            # A node still running a transaction makes the restore wait; not for ever.
            "SET lock_timeout = '30s';\n"
            f"CREATE SCHEMA IF NOT EXISTS {identifier};\n"
            "CREATE EXTENSION IF NOT EXISTS btree_gist;\n"
            + _DROP_SCHEMA_CONTENT.format(schema=quoted))
        script = Path(directory) / "restore.sql"
        _run([pg_restore, "--no-owner", "--no-acl", f"--use-list={listing}",
              f"--file={script}", str(path)], engine=None)
        # psql runs the prelude and the restore in ONE transaction (-1): all or nothing.
        _run([psql, "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
              f"--file={prelude}", f"--file={script}"], engine)
