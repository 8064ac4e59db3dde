"""core: learners and diagnostic attempts

Revision ID: core_0001
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "core_0001"
down_revision = None
branch_labels = ("core",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_learner",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("opaque_id", sa.String(36), nullable=False),
        sa.Column("platform", sa.String(255), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=True),
        sa.Column("economy", sa.String(8), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_core_learner"),
        sa.UniqueConstraint("opaque_id", name="uq_core_learner_opaque_id"),
        sa.UniqueConstraint("platform", "external_id", name="uq_core_learner_platform"),
    )
    op.create_table(
        "core_attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.String(64), nullable=False),
        sa.Column("pack_version", sa.String(32), nullable=False),
        sa.Column("economy", sa.String(8), nullable=True),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("sector", sa.String(16), nullable=True),
        sa.Column("size", sa.String(16), nullable=True),
        sa.Column("gender", sa.String(16), nullable=True),
        sa.Column("age_band", sa.String(16), nullable=True),
        sa.Column("overall_score", sa.Float(), nullable=True),
        sa.Column("level", sa.String(32), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["core_learner.id"], ondelete="CASCADE",
            name="fk_core_attempt_learner_id_core_learner",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_core_attempt"),
        sa.UniqueConstraint("learner_id", "number", name="uq_core_attempt_learner_id"),
    )
    op.create_index("ix_core_attempt_economy", "core_attempt", ["economy"])


def downgrade() -> None:
    op.drop_table("core_attempt")
    op.drop_table("core_learner")
