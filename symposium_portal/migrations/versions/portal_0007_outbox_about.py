"""portal: outbox messages remember the other person they are about

Revision ID: portal_0007
Revises: portal_0006
Create Date: 2026-12-04

Deleting an account removed the messages sent *to* that person but left their name and their
private meeting notes in other people's messages (queued and sent). Messages now record who
they are about, and deletion scrubs them. Existing rows keep NULL; deletion finds those by
the name in their subject.
"""
import warnings

import sqlalchemy as sa
from alembic import op

revision = "portal_0007"
down_revision = "portal_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # On SQLite the foreign key rebuilds portal_outbox, reflecting the table it points at;
    # portal_registration's expression index cannot be reflected (nor needs to be: that
    # table is not rebuilt), and the warning saying so would reach every `db upgrade`'s
    # stderr, `make run`'s first line included.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based "
                                          "index", sa.exc.SAWarning)
        _add_about_column()


def _add_about_column() -> None:
    with op.batch_alter_table("portal_outbox") as batch_op:
        batch_op.add_column(sa.Column("about_registration_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_portal_outbox_about_registration_id",
                              ["about_registration_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_portal_outbox_about_registration_id_portal_registration",
            "portal_registration", ["about_registration_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("portal_outbox") as batch_op:
        batch_op.drop_constraint("fk_portal_outbox_about_registration_id_portal_registration",
                                 type_="foreignkey")
        batch_op.drop_index("ix_portal_outbox_about_registration_id")
        batch_op.drop_column("about_registration_id")
