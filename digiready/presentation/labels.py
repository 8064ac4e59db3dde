"""Labels for the codes stored with attempts and results (profile answers, levels), read
from the content pack in its language: what instructors read in exports and class views
instead of raw codes (sector ``r``, level ``novice``). Both adapters' exports use these;
a code the pack does not know (an older pack, a removed option) is shown as itself."""
from __future__ import annotations

from typing import Any


def profile_label(pack, field: str, code: Any) -> str:
    """The label of ``code`` among the options of profile question ``field``."""
    if code is None or code == "":
        return ""
    question = pack.profile_question(field)
    for option in (question.options if question is not None else ()):
        if option.id == code:
            return option.label
    return str(code)


def level_label(pack, code: str | None) -> str:
    """The title of level ``code`` in ``pack``."""
    if not code:
        return ""
    return next((lv.title for lv in pack.levels if lv.id == code), code)


def dimension_label(pack, code: str) -> str:
    return next((d.title for d in pack.dimensions if d.id == code), code)


def peer_group_label(pack, field: str, code: Any) -> str:
    """The label of a peer-group value of ``field`` (benchmark groups, class CSVs): options
    may share a group (``peer_group``: "Just me" and "2 to 9" are both ``micro``), so the
    group reads as its options' labels."""
    if code is None or code == "":
        return ""
    question = pack.profile_question(field)
    options = question.options if question is not None else ()
    labels = [o.label for o in options if (o.peer_group or o.id) == code]
    return "; ".join(labels) if labels else profile_label(pack, field, code)
