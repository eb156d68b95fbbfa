"""PostgreSQL announces changes of feed versions, quarters and facilities (LISTEN/NOTIFY)

Revision ID: 0007
Revises: 0006
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("feed_versions", "quarters", "facilities")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
CREATE OR REPLACE FUNCTION meetingplaces_feeds_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('meetingplaces_feeds', '');
    RETURN NULL;
END $$""")
    for table in TABLES:
        op.execute(f"""
CREATE TRIGGER feeds_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION meetingplaces_feeds_changed()""")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER feeds_changed ON {table}")
    op.execute("DROP FUNCTION meetingplaces_feeds_changed()")
