"""lti: registrations, deployments, keys, nonces, launches, line items,
scores, module progress

Revision ID: lti_0001
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "lti_0001"
down_revision = None
branch_labels = ("lti",)
depends_on = "core_0001"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "lti_registration",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("client_id", sa.String(255), nullable=False),
        sa.Column("auth_login_url", sa.String(1024), nullable=False),
        sa.Column("token_url", sa.String(1024), nullable=False),
        sa.Column("jwks_url", sa.String(1024), nullable=False),
        sa.Column("economy", sa.String(8), nullable=True),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("title", sa.String(255), nullable=True),
        sa.Column("jwks", sa.JSON(), nullable=True),
        sa.Column("jwks_fetched_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lti_registration"),
        sa.UniqueConstraint("issuer", "client_id", name="uq_lti_registration_issuer"),
    )
    op.create_table(
        "lti_deployment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.String(255), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lti_deployment"),
        sa.ForeignKeyConstraint(["registration_id"], ["lti_registration.id"], ondelete="CASCADE",
                                name="fk_lti_deployment_registration_id_lti_registration"),
        sa.UniqueConstraint("registration_id", "deployment_id",
                            name="uq_lti_deployment_registration_id"),
    )
    op.create_table(
        "lti_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("retired_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_lti_key"),
        sa.UniqueConstraint("kid", name="uq_lti_key_kid"),
    )
    op.create_table(
        "lti_nonce",
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("nonce", sa.String(255), nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("issuer", "nonce", name="pk_lti_nonce"),
    )
    op.create_index("ix_lti_nonce_expires_at", "lti_nonce", ["expires_at"])
    op.create_table(
        "lti_launch",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.String(255), nullable=False),
        sa.Column("message_type", sa.String(64), nullable=False),
        sa.Column("sub", sa.String(255), nullable=True),
        sa.Column("name", sa.String(255), nullable=True),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("context_id", sa.String(255), nullable=True),
        sa.Column("context_title", sa.String(255), nullable=True),
        sa.Column("resource_link_id", sa.String(255), nullable=True),
        sa.Column("target", sa.String(128), nullable=False),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("learner_id", sa.Integer(), nullable=True),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lti_launch"),
        sa.ForeignKeyConstraint(["registration_id"], ["lti_registration.id"], ondelete="CASCADE",
                                name="fk_lti_launch_registration_id_lti_registration"),
        sa.ForeignKeyConstraint(["learner_id"], ["core_learner.id"], ondelete="SET NULL",
                                name="fk_lti_launch_learner_id_core_learner"),
    )
    op.create_index("ix_lti_launch_context_id", "lti_launch", ["context_id"])
    op.create_index("ix_lti_launch_expires_at", "lti_launch", ["expires_at"])
    op.create_table(
        "lti_line_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("resource_link_id", sa.String(255), nullable=False),
        sa.Column("tag", sa.String(128), nullable=False),
        sa.Column("url", sa.String(1024), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lti_line_item"),
        sa.ForeignKeyConstraint(["registration_id"], ["lti_registration.id"], ondelete="CASCADE",
                                name="fk_lti_line_item_registration_id_lti_registration"),
        sa.UniqueConstraint("registration_id", "resource_link_id", "tag",
                            name="uq_lti_line_item_registration_id"),
    )
    op.create_table(
        "lti_score",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("launch_id", sa.String(64), nullable=False),
        sa.Column("lineitem_url", sa.String(1024), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("activity", sa.String(32), nullable=False),
        sa.Column("score_given", sa.Float(), nullable=True),
        sa.Column("score_maximum", sa.Float(), nullable=False),
        sa.Column("activity_progress", sa.String(32), nullable=False),
        sa.Column("grading_progress", sa.String(32), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("sent_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lti_score"),
    )
    op.create_index("ix_lti_score_launch_id", "lti_score", ["launch_id"])
    op.create_table(
        "lti_module_progress",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("survey", sa.JSON(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lti_module_progress"),
        sa.ForeignKeyConstraint(["learner_id"], ["core_learner.id"], ondelete="CASCADE",
                                name="fk_lti_module_progress_learner_id_core_learner"),
        sa.UniqueConstraint("learner_id", "module_id", name="uq_lti_module_progress_learner_id"),
    )


def downgrade() -> None:
    for table in ("lti_module_progress", "lti_score", "lti_line_item", "lti_launch",
                  "lti_nonce", "lti_key", "lti_deployment",
                  "lti_registration"):
        op.drop_table(table)
