"""studio: accounts, roles per economy, invitations

Revision ID: studio_0001
Revises:
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "studio_0001"
down_revision = None
branch_labels = ("studio",)
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "studio_user",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_nonce", sa.String(32), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_studio_user")),
        sa.UniqueConstraint("email", name=op.f("uq_studio_user_email")),
    )
    op.create_table(
        "studio_membership",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("economy", sa.String(8), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["studio_user.id"], ondelete="CASCADE",
                                name=op.f("fk_studio_membership_user_id_studio_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_studio_membership")),
        sa.UniqueConstraint("user_id", "economy", name=op.f("uq_studio_membership_user_id")),
    )
    op.create_table(
        "studio_invitation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("economy", sa.String(8), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("accepted_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_studio_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_studio_invitation_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("studio_invitation")
    op.drop_table("studio_membership")
    op.drop_table("studio_user")
