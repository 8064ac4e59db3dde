"""portal: analytics users keyed by registration reference, not id

Revision ID: portal_0002
Revises: portal_0001
Create Date: 2026-11-28

The portal's analytics user was ``registration:<id>``; it is now ``registration:<reference>``
(known before the row is inserted, so a registration's event can be written before its seat
is taken). Existing mappings in ``core_learner`` are renamed so that a registrant keeps the
same opaque actor: their earlier events and unique-visit counts stay theirs.
"""
from alembic import op

revision = "portal_0002"
down_revision = "portal_0001"
branch_labels = None
depends_on = "core_0001"

# (new key, old key) as SQL expressions over a portal_registration row ``r``.
BY_ID = "'registration:' || CAST(r.id AS VARCHAR)"
BY_REFERENCE = "'registration:' || r.reference"


def _rename(old: str, new: str) -> None:
    op.execute(
        f"UPDATE core_learner SET external_id = (SELECT {new} FROM portal_registration r "
        f"WHERE {old} = core_learner.external_id) "
        f"WHERE platform = 'portal' AND external_id IN (SELECT {old} FROM portal_registration r)"
    )


def upgrade() -> None:
    _rename(BY_ID, BY_REFERENCE)


def downgrade() -> None:
    _rename(BY_REFERENCE, BY_ID)
