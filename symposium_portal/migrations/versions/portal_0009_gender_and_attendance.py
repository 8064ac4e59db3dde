"""portal: an optional gender on registrations, and attendance per session

Revision ID: portal_0009
Revises: portal_0008
Create Date: 2026-12-05

The symposium report counts who came by gender and the participants of each session.
``portal_registration.gender`` is optional (NULL: not answered; existing rows stay NULL).
``portal_attendance`` holds one row per confirmed registrant and session whose virtual room
they opened through the portal's join link (first time, number of joins).
"""
import sqlalchemy as sa
from alembic import op

revision = "portal_0009"
down_revision = "portal_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE (as portal_0008): SQLite's batch mode would copy and drop the table.
    op.add_column("portal_registration", sa.Column("gender", sa.String(16), nullable=True))
    op.create_table(
        "portal_attendance",
        sa.Column("registration_id", sa.Integer(),
                  sa.ForeignKey("portal_registration.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("session_id", sa.Integer(),
                  sa.ForeignKey("portal_session.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("first_joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("joins", sa.Integer(), nullable=False, server_default="1"),
    )
    op.create_index("ix_portal_attendance_session", "portal_attendance", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_portal_attendance_session", table_name="portal_attendance")
    op.drop_table("portal_attendance")
    op.drop_column("portal_registration", "gender")
