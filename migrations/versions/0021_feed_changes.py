"""feed change log (feed_changes) instead of stored feed bodies (feed_bodies)

Revision ID: 0021
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa

import meetingplaces.models.types

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "feed_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_changes")),
    )
    op.create_index("ix_feed_changes_scope_version", "feed_changes", ["scope", "version"])
    op.drop_table("feed_bodies")


def downgrade():
    op.create_table(
        "feed_bodies",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("built_at", meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_feed_bodies")),
    )
    op.drop_index("ix_feed_changes_scope_version", table_name="feed_changes")
    op.drop_table("feed_changes")
