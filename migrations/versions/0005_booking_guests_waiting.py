"""booking guests, waiting list and private booking feeds

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

import meetingplaces.models.types

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "booking_guests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("organisation_name", sa.String(length=160), nullable=False),
        sa.Column("preferred_language", sa.String(length=8), nullable=False),
        sa.Column("created_at", meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_booking_guests_email_lower")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_guests")),
        sa.UniqueConstraint("email", name=op.f("uq_booking_guests_email")),
    )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guest_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("guest_confirmed_at", meetingplaces.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_bookings_guest_id"), ["guest_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_bookings_guest_id_booking_guests"), "booking_guests", ["guest_id"], ["id"], ondelete="SET NULL")

    op.create_table(
        "waiting_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("guest_id", sa.Integer(), nullable=True),
        sa.Column("resource_ids", sa.JSON(), nullable=False),
        sa.Column("local_start", sa.DateTime(timezone=False), nullable=False),
        sa.Column("local_end", sa.DateTime(timezone=False), nullable=False),
        sa.Column("starts_at", meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("offered_at", meetingplaces.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("offer_expires_at", meetingplaces.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("created_at", meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('waiting', 'offered', 'accepted', 'expired', 'withdrawn')", name=op.f("ck_waiting_requests_status")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_waiting_requests_ends_after_starts")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], name=op.f("fk_waiting_requests_organisation_id_organisations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], name=op.f("fk_waiting_requests_requested_by_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["guest_id"], ["booking_guests.id"], name=op.f("fk_waiting_requests_guest_id_booking_guests"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name=op.f("fk_waiting_requests_booking_id_bookings"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waiting_requests")),
    )
    with op.batch_alter_table("waiting_requests", schema=None) as batch_op:
        batch_op.create_index("ix_waiting_requests_status_starts", ["status", "starts_at"], unique=False)

    op.create_table(
        "booking_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("resource_id", sa.Integer(), nullable=True),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(organisation_id IS NULL) <> (resource_id IS NULL)", name=op.f("ck_booking_feeds_organisation_or_resource")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], name=op.f("fk_booking_feeds_organisation_id_organisations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resource_id"], ["resources.id"], name=op.f("fk_booking_feeds_resource_id_resources"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_booking_feeds_created_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_feeds")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_booking_feeds_organisation_id")),
        sa.UniqueConstraint("resource_id", name=op.f("uq_booking_feeds_resource_id")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_booking_feeds_token_digest")),
    )


def downgrade():
    op.drop_table("booking_feeds")
    with op.batch_alter_table("waiting_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_waiting_requests_status_starts")
    op.drop_table("waiting_requests")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_bookings_guest_id_booking_guests"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_bookings_guest_id"))
        batch_op.drop_column("guest_confirmed_at")
        batch_op.drop_column("guest_id")
    op.drop_table("booking_guests")
