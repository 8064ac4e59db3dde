"""portal: rewrite stored evaluation answers so nothing pairs them with their respondents

Revision ID: portal_0004
Revises: portal_0003
Create Date: 2026-12-04

Answers were written in the same transaction as their "has answered" marker, so on
PostgreSQL ``JOIN … ON r.xmin = s.xmin`` paired each person with their answer, and the
physical row order was the submission order. New answers are written so that this cannot
happen (``symposium_portal.evaluation.ballot_box``); this migration rewrites the answers
already stored the same way: every answer read, deleted and inserted again in one
transaction, in a random order with fresh random ids. Nothing is lost: the same answers,
column for column, are there afterwards. The downgrade has nothing to undo.
"""
import random
import uuid

import sqlalchemy as sa
from alembic import op

revision = "portal_0004"
down_revision = "portal_0003"
branch_labels = None
depends_on = None

# The table as this revision knows it (not the application's model, which may change later).
answers = sa.table(
    "portal_evaluation_response",
    sa.column("id", sa.String(36)), sa.column("event_id", sa.Integer),
    sa.column("economy", sa.String(8)), sa.column("sector", sa.String(16)),
    sa.column("satisfaction", sa.Integer), sa.column("relevance", sa.Integer),
    sa.column("speakers", sa.Integer), sa.column("nps", sa.Integer),
    sa.column("ratings", sa.JSON), sa.column("recommendations", sa.Text),
)


def upgrade() -> None:
    conn = op.get_bind()
    rows = [dict(row) for row in conn.execute(sa.select(answers)).mappings()]
    if not rows:
        return
    for row in rows:
        row["id"] = str(uuid.uuid4())
    random.SystemRandom().shuffle(rows)
    conn.execute(sa.delete(answers))
    conn.execute(sa.insert(answers), rows)


def downgrade() -> None:
    pass
