"""outbox messages know the quarter they are about (its managers see them undelivered)

Revision ID: 0022
Revises: 0021
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.add_column(sa.Column("quarter_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_messages_quarter_id"), ["quarter_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_quarter_id_quarters"), "quarters",
            ["quarter_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_messages_quarter_id_quarters"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_messages_quarter_id"))
        batch_op.drop_column("quarter_id")
