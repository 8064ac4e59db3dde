"""authoring: economy drafts, translations, versions, blobs, audit, previews

Revision ID: authoring_0001
Revises:
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "authoring_0001"
down_revision = None
branch_labels = ("authoring",)
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "authoring_economy",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("state_note", sa.Text(), nullable=False),
        sa.Column("state_by", sa.String(64), nullable=False),
        sa.Column("draft_revision", sa.Integer(), nullable=False),
        sa.Column("published_number", sa.Integer(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authoring_economy")),
        sa.UniqueConstraint("code", name=op.f("uq_authoring_economy_code")),
    )
    op.create_table(
        "authoring_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("economy", sa.String(8), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authoring_item")),
        sa.UniqueConstraint("economy", "key", name=op.f("uq_authoring_item_economy")),
    )
    op.create_index(op.f("ix_authoring_item_economy"), "authoring_item", ["economy"])
    op.create_table(
        "authoring_translation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("economy", sa.String(8), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("unit", sa.String(300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source_hash", sa.String(16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authoring_translation")),
        sa.UniqueConstraint("economy", "language", "unit",
                            name=op.f("uq_authoring_translation_economy")),
    )
    op.create_index(op.f("ix_authoring_translation_economy"), "authoring_translation", ["economy"])
    op.create_table(
        "authoring_blob",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_authoring_blob")),
    )
    op.create_table(
        "authoring_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("economy", sa.String(8), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("restores", sa.Integer(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authoring_version")),
        sa.UniqueConstraint("economy", "number", name=op.f("uq_authoring_version_economy")),
    )
    op.create_index(op.f("ix_authoring_version_economy"), "authoring_version", ["economy"])
    op.create_table(
        "authoring_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("economy", sa.String(8), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authoring_audit")),
    )
    op.create_index(op.f("ix_authoring_audit_at"), "authoring_audit", ["at"])
    op.create_index(op.f("ix_authoring_audit_economy"), "authoring_audit", ["economy"])
    op.create_table(
        "authoring_preview",
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("economy", sa.String(8), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_authoring_preview")),
    )
    op.create_index(op.f("ix_authoring_preview_expires_at"), "authoring_preview", ["expires_at"])


def downgrade() -> None:
    for table in ("authoring_preview", "authoring_audit", "authoring_version", "authoring_blob",
                  "authoring_translation", "authoring_item", "authoring_economy"):
        op.drop_table(table)
