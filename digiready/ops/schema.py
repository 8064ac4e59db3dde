"""Where a database stands against the code's Alembic history (every area's branch)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SchemaState:
    applied: set[str]  # revisions in alembic_version
    heads: set[str]  # the code's heads
    missing: set[str]  # revisions the code has and the database lacks
    unknown: set[str]  # applied revisions the code does not have (a newer release ran)

    @property
    def at_head(self) -> bool:
        return bool(self.applied) and not self.missing and not self.unknown


def state(url: str) -> SchemaState:
    from alembic.script import ScriptDirectory

    from digiready.storage import migrate

    script = ScriptDirectory.from_config(migrate.alembic_config(url))
    known = {rev.revision for rev in script.walk_revisions()}
    applied = migrate.current_heads(url)
    unknown = applied - known
    reached: set[str] = set()
    present = tuple(applied & known)
    if present:
        reached = {rev.revision for rev in script.iterate_revisions(present, "base")}
    return SchemaState(applied, set(script.get_heads()), known - reached, unknown)
