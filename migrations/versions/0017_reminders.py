"""Reminders the day before: what was sent (once per date), and each user's switches

Revision ID: 0017
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

import meetingplaces.models.types

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

SWITCHES = ("remind_bookings", "remind_stops", "remind_events")


def upgrade():
    op.create_table(
        "sent_reminders",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sent_at", meetingplaces.models.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.CheckConstraint("kind IN ('booking', 'stop', 'event')",
                           name=op.f("ck_sent_reminders_kind")),
        sa.PrimaryKeyConstraint("kind", "subject_id", "day", name=op.f("pk_sent_reminders")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        for name in SWITCHES:
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=False,
                                          server_default=sa.true()))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        for name in reversed(SWITCHES):
            batch_op.drop_column(name)
    op.drop_table("sent_reminders")
