"""``export-xapi``: every stored event as one xAPI statement per line, streamed in id order
so that a million events need no more memory than one page of them."""
from __future__ import annotations

import json
from typing import TextIO

from digiready.events.xapi import build_statement

PAGE = 5000


def iter_statements(database_url: str | None = None, *, include_synthetic: bool = True):
    from sqlalchemy import select

    from digiready.events.models import Event
    from digiready.storage import session_scope

    last = 0
    while True:
        with session_scope(database_url) as db:
            query = select(Event).where(Event.id > last).order_by(Event.id).limit(PAGE)
            if not include_synthetic:
                query = query.where(Event.synthetic.is_(False))
            page = list(db.scalars(query))
        if not page:
            return
        for event in page:
            yield build_statement(event)
        last = page[-1].id


def export_jsonl(out: TextIO, database_url: str | None = None, *,
                 include_synthetic: bool = True, skipped: list[str] | None = None) -> int:
    """Write the statements; returns how many. A statement that cannot be JSON (a number
    that is not finite, stored before the events API refused them) is left out, its id
    added to ``skipped``: one bad event must not make the whole file unreadable."""
    count = 0
    for statement in iter_statements(database_url, include_synthetic=include_synthetic):
        try:
            line = json.dumps(statement, ensure_ascii=False, separators=(",", ":"),
                              allow_nan=False)
        except ValueError:
            if skipped is not None:
                skipped.append(statement["id"])
            continue
        out.write(line + "\n")
        count += 1
    return count
