"""lti: the economies a registration's learners may choose

Revision ID: lti_0003
Revises: lti_0002
Create Date: 2026-12-05

Issue 17, item 3: a registration (and the one-time address that creates one) may let its
learners choose among several economies, or any ("pe ph", "any"); the learner's answer to the
economy question then picks the overlay. NULL keeps the registration's own economy for
everyone, as before.
"""
import sqlalchemy as sa
from alembic import op

revision = "lti_0003"
down_revision = "lti_0002"
branch_labels = None
depends_on = None

TABLES = ("lti_registration", "lti_registration_invite")


def upgrade() -> None:
    # Plain ALTER TABLE on both databases: SQLite's batch mode would copy and drop
    # lti_registration, and dropping it deletes every deployment and launch that cascades
    # from it.
    for table in TABLES:
        op.add_column(table, sa.Column("economies", sa.Text(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "economies")  # SQLite >= 3.35 drops a column in place
