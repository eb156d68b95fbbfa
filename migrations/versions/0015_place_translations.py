"""Place texts in more languages: quarters, facilities (with opening notes), resources and
organisations get a translations table each, as events have

Revision ID: 0015
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0010"
branch_labels = None
depends_on = None

# (table, owner column, owner table, translated text columns)
TABLES = (
    ("quarter_translations", "quarter_id", "quarters", ("description",)),
    ("facility_translations", "facility_id", "facilities",
     ("description", "opening_notes", "accessibility")),
    ("resource_translations", "resource_id", "resources", ("description",)),
    ("organisation_translations", "organisation_id", "organisations", ("description",)),
)


def upgrade():
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opening_notes", sa.Text(), nullable=False,
                                      server_default=""))
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.alter_column("opening_notes", server_default=None)
    for table, owner, owner_table, texts in TABLES:
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column(owner, sa.Integer(), nullable=False),
            sa.Column("language", sa.String(length=8), nullable=False),
            *(sa.Column(text, sa.Text(), nullable=False) for text in texts),
            sa.ForeignKeyConstraint([owner], [f"{owner_table}.id"],
                                    name=op.f(f"fk_{table}_{owner}_{owner_table}"),
                                    ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint(owner, "language", name=f"uq_{table}_language"),
        )


def downgrade():
    for table, *_ in reversed(TABLES):
        op.drop_table(table)
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.drop_column("opening_notes")
