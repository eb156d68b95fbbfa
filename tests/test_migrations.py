"""The Alembic migrations build exactly the schema the models describe, on both databases."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

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


def test_migrated_schema_equals_the_models(empty_database):
    url, options = empty_database
    app = _migrated_app(url, options)
    with app.app_context():
        upgrade()
        engine = create_engine(url, **options)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        engine.dispose()
        db.engine.dispose()
    assert differences == []


def test_migrations_downgrade_to_nothing_and_up_again(empty_database):
    url, options = empty_database
    app = _migrated_app(url, options)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        engine = create_engine(url, **options)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        engine.dispose()
        upgrade()
        db.engine.dispose()
