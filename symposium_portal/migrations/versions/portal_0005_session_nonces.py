"""portal: a session nonce per registrant and staff account, rotated at sign-out

Revision ID: portal_0005
Revises: portal_0004
Create Date: 2026-12-04

Sessions are signed cookies; signing out only forgot the cookie in that browser, so a copy
(taken from a shared computer, a proxy log, malware) kept working, with staff rights. Each
account now has a nonce that a session must carry and that sign-out rotates. Existing rows
get a random nonce each; sessions from before the upgrade carry none and end (people sign
in again once). The column keeps its empty server default: removing it would make SQLite
rebuild portal_registration, whose expression index batch mode cannot carry over.
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "portal_0005"
down_revision = "portal_0004"
branch_labels = None
depends_on = None

TABLES = ("portal_registration", "portal_staff")


def upgrade() -> None:
    conn = op.get_bind()
    for name in TABLES:
        # A plain ADD COLUMN (SQLite takes it with a constant default): batch mode would
        # reflect portal_registration first and warn on stderr about its expression index.
        op.add_column(name, sa.Column("session_nonce", sa.String(16), nullable=False,
                                      server_default=""))
        table = sa.table(name, sa.column("id", sa.Integer),
                         sa.column("session_nonce", sa.String(16)))
        ids = conn.execute(sa.select(table.c.id)).scalars().all()
        if ids:
            conn.execute(sa.update(table).where(table.c.id == sa.bindparam("row_id"))
                         .values(session_nonce=sa.bindparam("nonce")),
                         [{"row_id": i, "nonce": secrets.token_hex(8)} for i in ids])


def downgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name) as batch_op:
            batch_op.drop_column("session_nonce")
