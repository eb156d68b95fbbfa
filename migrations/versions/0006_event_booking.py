"""events held in a booked room

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("booking_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_events_booking_id"), ["booking_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_events_booking_id_bookings"), "bookings", ["booking_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_events_booking_id_bookings"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_events_booking_id"))
        batch_op.drop_column("booking_id")
