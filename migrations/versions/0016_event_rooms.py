"""events placed in a room hold it through a booking of their own

Adds events.resource_id (the room) and events.hold_id (the booking the engine keeps for it),
then places existing events in a room and holds their dates to come (held_rooms_0016 says by
which rule).

Revision ID: 0016
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resource_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hold_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_events_resource_id"), ["resource_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_hold_id"), ["hold_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_events_resource_id_resources"), "resources",
                                    ["resource_id"], ["id"], ondelete="SET NULL")
        batch_op.create_foreign_key(batch_op.f("fk_events_hold_id_bookings"), "bookings",
                                    ["hold_id"], ["id"], ondelete="SET NULL")
    from meetingplaces.events.held_rooms_0016 import hold_existing_events

    hold_existing_events(op.get_bind())


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_events_hold_id_bookings"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_events_resource_id_resources"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_events_hold_id"))
        batch_op.drop_index(batch_op.f("ix_events_resource_id"))
        batch_op.drop_column("hold_id")
        batch_op.drop_column("resource_id")
