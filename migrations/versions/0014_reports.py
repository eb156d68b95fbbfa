"""reports: programmes on quarters, attendance, stored event dates, booked-time sums

Revision ID: 0014
Revises: 0013

The tables start empty: their rows are computed by the application (event dates from rules,
booked minutes per local month). After upgrading a database that holds bookings or events, run
`flask rebuild-reports` once (README, "Upgrade").
"""
from alembic import op
import sqlalchemy as sa

from meetingplaces.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("funded_from", sa.Date(), nullable=True),
        sa.Column("funded_until", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("funded_until IS NULL OR funded_from IS NULL OR funded_until >= funded_from", name=op.f("ck_programmes_funding_period")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("slug", name=op.f("uq_programmes_slug")),
    )
    op.create_table(
        "quarter_programmes",
        sa.Column("quarter_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"], name=op.f("fk_quarter_programmes_programme_id_programmes"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["quarter_id"], ["quarters.id"], name=op.f("fk_quarter_programmes_quarter_id_quarters"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("quarter_id", "programme_id", name=op.f("pk_quarter_programmes")),
    )
    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("occurrence_date", sa.Date(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=True),
        sa.Column("youth", sa.Integer(), nullable=True),
        sa.Column("adults", sa.Integer(), nullable=True),
        sa.Column("seniors", sa.Integer(), nullable=True),
        sa.Column("first_visit", sa.Integer(), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_attendance_count")),
        sa.CheckConstraint("COALESCE(children, 0) >= 0 AND COALESCE(youth, 0) >= 0 AND COALESCE(adults, 0) >= 0 AND COALESCE(seniors, 0) >= 0 AND COALESCE(first_visit, 0) >= 0", name=op.f("ck_attendance_groups_positive")),
        sa.CheckConstraint("COALESCE(children, 0) + COALESCE(youth, 0) + COALESCE(adults, 0) + COALESCE(seniors, 0) <= count", name=op.f("ck_attendance_groups_within_count")),
        sa.CheckConstraint("COALESCE(first_visit, 0) <= count", name=op.f("ck_attendance_first_visit_within_count")),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_attendance_event_id_events"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_attendance_recorded_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint("event_id", "occurrence_date", name="uq_attendance_date"),
    )
    op.create_index("ix_attendance_month", "attendance", ["month", "event_id"], unique=False)
    op.create_table(
        "attendance_reminders",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("occurrence_date", sa.Date(), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_attendance_reminders_event_id_events"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "occurrence_date", name=op.f("pk_attendance_reminders")),
    )
    op.create_table(
        "event_dates",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("original_date", sa.Date(), nullable=False),
        sa.Column("starts_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("moved", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_event_dates_event_id_events"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "original_date", name=op.f("pk_event_dates")),
    )
    op.create_index("ix_event_dates_starts_at", "event_dates", ["starts_at", "event_id", "cancelled", "moved"], unique=False)
    op.create_table(
        "event_months",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("dates", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        sa.Column("moved", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_event_months_event_id_events"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "month", name=op.f("pk_event_months")),
    )
    op.create_index("ix_event_months_month", "event_months", ["month", "event_id", "dates", "cancelled", "moved"], unique=False)
    op.create_table(
        "attendance_months",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("dates", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("youth", sa.Integer(), nullable=False),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("seniors", sa.Integer(), nullable=False),
        sa.Column("first_visit", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_attendance_months_event_id_events"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "month", name=op.f("pk_attendance_months")),
    )
    op.create_index("ix_attendance_months_month", "attendance_months", ["month", "event_id", "dates", "count", "children", "youth", "adults", "seniors", "first_visit"], unique=False)
    op.create_table(
        "attendance_languages",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("dates", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_attendance_languages_event_id_events"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "month", "language", name=op.f("pk_attendance_languages")),
    )
    op.create_index("ix_attendance_languages_month", "attendance_languages", ["month", "language", "event_id", "dates"], unique=False)
    op.create_table(
        "resource_usage",
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("booked_minutes", sa.Integer(), nullable=False),
        sa.Column("dates", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["resource_id"], ["resources.id"], name=op.f("fk_resource_usage_resource_id_resources"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("resource_id", "organisation_id", "month", name=op.f("pk_resource_usage")),
    )
    op.create_index("ix_resource_usage_month", "resource_usage", ["month", "resource_id", "organisation_id", "booked_minutes", "dates"], unique=False)
    op.create_table(
        "resource_months",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("booked_minutes", sa.Integer(), nullable=False),
        sa.Column("dates", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["resource_id"], ["resources.id"], name=op.f("fk_resource_months_resource_id_resources"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("month", "resource_id", name=op.f("pk_resource_months")),
    )
    op.create_index("ix_resource_months_month", "resource_months", ["month", "resource_id", "booked_minutes", "dates"], unique=False)
    op.create_table(
        "organisation_months",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("quarter_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("booked_minutes", sa.Integer(), nullable=False),
        sa.Column("dates", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["quarter_id"], ["quarters.id"], name=op.f("fk_organisation_months_quarter_id_quarters"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("month", "quarter_id", "organisation_id", name=op.f("pk_organisation_months")),
    )
    op.create_index("ix_organisation_months_month", "organisation_months", ["month", "quarter_id", "organisation_id", "booked_minutes", "dates"], unique=False)
    op.create_index("ix_occurrences_starts_at", "occurrences", ["starts_at"], unique=False)


def downgrade():
    op.drop_index("ix_organisation_months_month", table_name="organisation_months")
    op.drop_table("organisation_months")
    op.drop_index("ix_resource_months_month", table_name="resource_months")
    op.drop_table("resource_months")
    op.drop_index("ix_occurrences_starts_at", table_name="occurrences")
    op.drop_index("ix_resource_usage_month", table_name="resource_usage")
    op.drop_table("resource_usage")
    op.drop_index("ix_attendance_languages_month", table_name="attendance_languages")
    op.drop_table("attendance_languages")
    op.drop_index("ix_attendance_months_month", table_name="attendance_months")
    op.drop_table("attendance_months")
    op.drop_index("ix_event_months_month", table_name="event_months")
    op.drop_table("event_months")
    op.drop_index("ix_event_dates_starts_at", table_name="event_dates")
    op.drop_table("event_dates")
    op.drop_table("attendance_reminders")
    op.drop_index("ix_attendance_month", table_name="attendance")
    op.drop_table("attendance")
    op.drop_table("quarter_programmes")
    op.drop_table("programmes")
