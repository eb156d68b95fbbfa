"""Per-user session version (logout and a new password end every session); the name and
organisation a guest typed into a request, applied to the guest once the address is proven

Revision ID: 0010
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("guest_name", sa.String(length=120), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("guest_organisation_name", sa.String(length=160),
                                      nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_column("guest_organisation_name")
        batch_op.drop_column("guest_name")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
