"""The Alembic migrations build exactly the schema the models describe, on both databases."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from meetingplaces import create_app
from meetingplaces.extensions import db

from .conftest import (
    PG_SKIP_REASON,
    PG_URL,
    normalised_pg_url,
    pg_engine_options,
    pg_schema_name,
    reset_pg_schema,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path, worker_id):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.sqlite'}", {}
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    schema = pg_schema_name(worker_id, "mig")
    reset_pg_schema(schema)
    return normalised_pg_url(PG_URL), pg_engine_options(schema)


def _migrated_app(url, options):
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options, "SECRET_KEY": "x"}
    )


FEED_TRIGGERS = """
SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE t.tgname = 'feeds_changed' AND c.relnamespace = current_schema()::regnamespace
"""


def feed_triggers(conn) -> set[str]:
    """Tables whose changes PostgreSQL announces to the feeds (calendar/version_watch.py)."""
    if conn.dialect.name != "postgresql":
        return set()
    return set(conn.scalars(text(FEED_TRIGGERS)))


def test_migrated_schema_equals_the_models(empty_database):
    url, options = empty_database
    app = _migrated_app(url, options)
    with app.app_context():
        upgrade()
        engine = create_engine(url, **options)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            triggers = feed_triggers(conn)
        engine.dispose()
        db.engine.dispose()
    assert differences == []
    if url.startswith("postgresql"):
        assert triggers == {"feed_versions", "quarters", "facilities"}


def test_created_tables_announce_feed_changes_like_migrated_ones(session, database):
    """Tests and `bench/` create tables from the models: the same triggers as migration 0007."""
    triggers = feed_triggers(session.connection())
    assert triggers == ({"feed_versions", "quarters", "facilities"}
                        if database["kind"] == "postgresql" else set())


def test_migrations_downgrade_to_nothing_and_up_again(empty_database):
    url, options = empty_database
    app = _migrated_app(url, options)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        engine = create_engine(url, **options)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        with engine.connect() as conn:
            assert feed_triggers(conn) == set()
        engine.dispose()
        upgrade()
        db.engine.dispose()
