"""lti: one-time dynamic-registration invites

Revision ID: lti_0002
Revises: lti_0001
Create Date: 2026-12-01

Dynamic Registration was open to anyone and could update an existing registration; it now
needs a one-time address an admin creates. Only the SHA-256 of its secret is stored.
"""
import sqlalchemy as sa
from alembic import op

revision = "lti_0002"
down_revision = "lti_0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "lti_registration_invite",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("economy", sa.String(8), nullable=True),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS, nullable=True),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_lti_registration_invite"),
        sa.UniqueConstraint("token_hash", name="uq_lti_registration_invite_token_hash"),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["lti_registration.id"], ondelete="SET NULL",
            name="fk_lti_registration_invite_registration_id_lti_registration"),
    )


def downgrade() -> None:
    op.drop_table("lti_registration_invite")
