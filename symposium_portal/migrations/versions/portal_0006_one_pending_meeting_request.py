"""portal: one pending meeting request per requester and recipient

Revision ID: portal_0006
Revises: portal_0005
Create Date: 2026-12-04

Nothing stopped one registrant from sending the same person forty requests (forty emails).
The portal now refuses a duplicate of a pending request, and this partial unique index keeps
it so when two arrive at once. Duplicates already stored are not deleted: all but the oldest
pending request of each pair are marked cancelled (both people still see them, as cancelled).
"""
import sqlalchemy as sa
from alembic import op

revision = "portal_0006"
down_revision = "portal_0005"
branch_labels = None
depends_on = None

PENDING = "status = 'pending'"


def upgrade() -> None:
    op.execute(
        "UPDATE portal_meeting_request SET status = 'cancelled' WHERE status = 'pending' AND"
        " EXISTS (SELECT 1 FROM portal_meeting_request older WHERE older.status = 'pending'"
        " AND older.requester_id = portal_meeting_request.requester_id"
        " AND older.recipient_id = portal_meeting_request.recipient_id"
        " AND older.id < portal_meeting_request.id)")
    op.create_index("uq_portal_meeting_request_pending", "portal_meeting_request",
                    ["requester_id", "recipient_id"], unique=True,
                    postgresql_where=sa.text(PENDING), sqlite_where=sa.text(PENDING))


def downgrade() -> None:
    op.drop_index("uq_portal_meeting_request_pending", table_name="portal_meeting_request")
