"""portal: the programme's texts in every language the portal offers

Revision ID: portal_0008
Revises: portal_0007
Create Date: 2026-12-04

Event, day, session, speaker and learning-objective texts gain ``translations`` (language ->
field -> text; the English stays in its column and shows where a translation is missing).
Day titles that only repeated the day's number and English date ("Day 1 – Tuesday 09 March
2027", what the demo programme stored) are emptied: pages now write the number and the date
in the reader's language themselves.
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "portal_0008"
down_revision = "portal_0007"
branch_labels = None
depends_on = None

# What the demo and a programme file without day titles stored: "Day 1 – Tuesday 09 March 2027".
GENERATED = re.compile(r"Day \d+ – [A-Z][a-z]+day \d{2} [A-Z][a-z]+ \d{4}")
TABLES = ("portal_event", "portal_day", "portal_session", "portal_speaker",
          "portal_learning_objective")


def upgrade() -> None:
    # Plain ALTER TABLE on both databases: SQLite's batch mode would copy and drop
    # portal_event, and dropping it deletes every row that cascades from it.
    for table in TABLES:
        op.add_column(table, sa.Column("translations", sa.JSON(), nullable=False,
                                       server_default="{}"))
    day = sa.table("portal_day", sa.column("id", sa.Integer), sa.column("number", sa.Integer),
                   sa.column("title", sa.String))
    bind = op.get_bind()
    for row in bind.execute(sa.select(day.c.id, day.c.number, day.c.title)).all():
        title = (row.title or "").strip()
        if title == f"Day {row.number}" or GENERATED.fullmatch(title):
            bind.execute(day.update().where(day.c.id == row.id).values(title=""))


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "translations")  # SQLite >= 3.35 drops a column in place
