"""events: events, actor profiles, dimension scores, LRS outbox

Revision ID: events_0001
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "events_0001"
down_revision = None
branch_labels = ("events",)
depends_on = None

FULL_VIEW_WHERE = "progress >= 95 AND kind IN ('video.paused', 'video.completed', 'video.terminated')"
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "events_event",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("statement_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(255), nullable=False),
        sa.Column("economy", sa.String(8), nullable=True),
        sa.Column("session_id", sa.String(64), nullable=True),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("progress", sa.Float(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("level", sa.String(32), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events_event"),
        sa.UniqueConstraint("statement_id", name="uq_events_event_statement_id"),
    )
    op.create_index("ix_events_event_kind_day", "events_event", ["kind", "economy", "day", "actor", "object_id"])
    op.create_index("ix_events_event_actor", "events_event", ["actor"])
    op.create_index("ix_events_event_full_view", "events_event", ["actor", "object_id"],
                    sqlite_where=sa.text(FULL_VIEW_WHERE), postgresql_where=sa.text(FULL_VIEW_WHERE))
    op.create_table(
        "events_daily",
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("economy", sa.String(8), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("registered", sa.Integer(), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("starts", sa.Integer(), nullable=False),
        sa.Column("completions", sa.Integer(), nullable=False),
        sa.Column("plays", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("actor", "day", "economy", name="pk_events_daily"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "events_monthly",
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("economy", sa.String(8), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("visit_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("actor", "month", "economy", name="pk_events_monthly"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "events_actor_total",
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("economy", sa.String(8), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in (
            "events", "registered", "visits", "visit_days", "starts", "completions", "plays")],
        sa.PrimaryKeyConstraint("actor", name="pk_events_actor_total"),
    )
    op.create_table(
        "events_actor",
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("economy", sa.String(8), nullable=True),
        sa.Column("gender", sa.String(16), nullable=True),
        sa.Column("age_band", sa.String(16), nullable=True),
        sa.Column("sector", sa.String(16), nullable=True),
        sa.Column("size", sa.String(16), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("actor", name="pk_events_actor"),
    )
    op.create_table(
        "events_result",
        sa.Column("event_id", BigId, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("economy", sa.String(8), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("level", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events_event.id"], ondelete="CASCADE",
            name="fk_events_result_event_id_events_event",
        ),
        sa.PrimaryKeyConstraint("event_id", name="pk_events_result"),
    )
    op.create_index("ix_events_result_actor", "events_result", ["actor", "event_id"])
    op.create_table(
        "events_dimension_score",
        sa.Column("event_id", BigId, nullable=False),
        sa.Column("dimension", sa.String(64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events_event.id"], ondelete="CASCADE",
            name="fk_events_dimension_score_event_id_events_event",
        ),
        sa.PrimaryKeyConstraint("event_id", "dimension", name="pk_events_dimension_score"),
    )
    op.create_table(
        "events_outbox",
        sa.Column("event_id", BigId, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events_event.id"], ondelete="CASCADE",
            name="fk_events_outbox_event_id_events_event",
        ),
        sa.PrimaryKeyConstraint("event_id", name="pk_events_outbox"),
    )
    op.create_index("ix_events_outbox_next_attempt_at", "events_outbox", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_table("events_outbox")
    op.drop_table("events_dimension_score")
    op.drop_table("events_result")
    op.drop_table("events_daily")
    op.drop_table("events_monthly")
    op.drop_table("events_actor_total")
    op.drop_table("events_actor")
    op.drop_table("events_event")
