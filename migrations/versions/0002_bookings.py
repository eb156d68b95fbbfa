"""bookings: bookings, their resources, occurrences with the no-double-booking constraint

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

import meetingplaces.models.types

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    is_postgresql = op.get_bind().dialect.name == "postgresql"
    if is_postgresql:
        # The exclusion constraint mixes = on an integer with && on a range: btree_gist.
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")

    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_reason", sa.String(length=500), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("rrule", sa.String(length=300), nullable=False),
        sa.Column("exdates", sa.JSON(), nullable=False),
        sa.Column("local_start", sa.DateTime(timezone=False), nullable=False),
        sa.Column("local_end", sa.DateTime(timezone=False), nullable=False),
        sa.Column("created_at", meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected', 'cancelled')", name=op.f("ck_bookings_status")),
        sa.CheckConstraint("attendees >= 0", name=op.f("ck_bookings_attendees")),
        sa.CheckConstraint("local_end > local_start", name=op.f("ck_bookings_ends_after_starts")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], name=op.f("fk_bookings_organisation_id_organisations"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], name=op.f("fk_bookings_requested_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
    )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bookings_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bookings_requested_by_id"), ["requested_by_id"], unique=False)

    op.create_table(
        "booking_resources",
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name=op.f("fk_booking_resources_booking_id_bookings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resource_id"], ["resources.id"], name=op.f("fk_booking_resources_resource_id_resources")),
        sa.PrimaryKeyConstraint("booking_id", "resource_id", name=op.f("pk_booking_resources")),
    )

    op.create_table(
        "occurrences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("blocked_from", meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("original_date", sa.Date(), nullable=False),
        sa.Column("created_at", meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'confirmed', 'cancelled', 'rejected')", name=op.f("ck_occurrences_status")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_occurrences_ends_after_starts")),
        sa.CheckConstraint("blocked_from <= starts_at AND blocked_until >= ends_at", name=op.f("ck_occurrences_blocked_covers")),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name=op.f("fk_occurrences_booking_id_bookings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resource_id"], ["resources.id"], name=op.f("fk_occurrences_resource_id_resources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occurrences")),
    )
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.create_index("ix_occurrences_resource_blocked", ["resource_id", "blocked_from", "blocked_until"], unique=False)
        batch_op.create_index("ix_occurrences_booking_date", ["booking_id", "original_date"], unique=False)
    if is_postgresql:
        # No two confirmed occurrences of one resource overlap, buffers included.
        op.execute(
            "ALTER TABLE occurrences ADD CONSTRAINT ex_occurrences_no_double_booking "
            "EXCLUDE USING gist (resource_id WITH =, tstzrange(blocked_from, blocked_until) WITH &&) "
            "WHERE (status = 'confirmed')"
        )


def downgrade():
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.drop_index("ix_occurrences_booking_date")
        batch_op.drop_index("ix_occurrences_resource_blocked")
    op.drop_table("occurrences")
    op.drop_table("booking_resources")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bookings_requested_by_id"))
        batch_op.drop_index(batch_op.f("ix_bookings_organisation_id"))
    op.drop_table("bookings")
