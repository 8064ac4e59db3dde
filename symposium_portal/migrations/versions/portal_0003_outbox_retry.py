"""portal: outbox messages refused for now wait for their next attempt

Revision ID: portal_0003
Revises: portal_0002
Create Date: 2026-12-04

A message the SMTP server refuses for now (4xx) is retried later, with a growing delay,
while the other messages go out; before, it was retried first on every run and held up
everything queued after it. Existing rows get no delay (NULL: due now).
"""
import sqlalchemy as sa
from alembic import op

revision = "portal_0003"
down_revision = "portal_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("portal_outbox") as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("portal_outbox") as batch_op:
        batch_op.drop_column("next_attempt_at")
