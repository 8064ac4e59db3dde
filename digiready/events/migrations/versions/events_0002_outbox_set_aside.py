"""events: statements the LRS refused are set aside, not retried

Revision ID: events_0002
Revises: events_0001
Create Date: 2026-12-04

A statement the LRS refuses (or that cannot be sent as JSON) is set aside with its reason
(``last_error``) and is not sent again until an admin asks (``digiready analytics set-aside
--retry``): before, it came back every hour, and one that could not be encoded held back the
whole batch it was in.
"""
import sqlalchemy as sa
from alembic import op

revision = "events_0002"
down_revision = "events_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("events_outbox", sa.Column("set_aside_at", sa.DateTime(timezone=True),
                                             nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events_outbox") as batch:
        batch.drop_column("set_aside_at")
