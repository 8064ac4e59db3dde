"""The kinds of overlay items the workspace edits, with their names for people."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from digiready.authoring.content import COLLECTION_OF_KEY

# kind -> (plural heading, singular noun)
KINDS = {
    "overlay": (_l("Economy settings"), _l("settings")),
    "legislation": (_l("Legislation notes"), _l("legislation note")),
    "tools": (_l("Local tools"), _l("tool")),
    "programmes": (_l("Support programmes"), _l("programme")),
    "tool_categories": (_l("Tool categories"), _l("tool category")),
    "questions": (_l("Questions"), _l("question")),
    "profile": (_l("Business profile questions"), _l("profile question")),
    "dimensions": (_l("Dimensions"), _l("dimension")),
    "levels": (_l("Levels"), _l("level")),
    "dii_items": (_l("Digital Intensity Index items"), _l("DII item")),
    "rules": (_l("Recommendation rules"), _l("rule")),
    "modules": (_l("Modules of this economy"), _l("module")),
}
COLLECTIONS = [k for k in KINDS if k in COLLECTION_OF_KEY]
OPERATION_TEXT = {"add": _l("added"), "replace": _l("changed from the base"),
                  "disable": _l("removed from the base")}

# Field labels people understand; anything not listed is shown by its name.
LABELS = {
    "id": _l("Id (lowercase letters, digits and _; cannot be shown to learners)"),
    "name": _l("Name"), "url": _l("Web address (https://...)"),
    "source": _l("Source: where the facts come from (https://...)"),
    "verified": _l("Verified: the facts were checked at the source"),
    "checked": _l("Date checked (YYYY-MM-DD)"),
    "description": _l("Description"), "category": _l("Tool category"),
    "organisation": _l("Organisation"), "topics": _l("Topics (one per line)"),
    "topic": _l("Topic"), "text": _l("Text"), "languages": _l("Languages (one per line, main first)"),
    "default_language": _l("Default language"), "source_language": _l("Language of texts written here"),
    "currency": _l("Currency (ISO 4217, e.g. THB)"), "version": _l("Version (e.g. 1.0.0)"),
    "settings.min_peer_group": _l("Smallest peer group shown in benchmarks"),
    "settings.currency": _l("Currency setting of the pack"),
    "priorities": _l("Priority weights (dimension: weight, one per line)"),
    "maintainers": _l("Maintainers"), "title": _l("Title"), "objectives": _l("Objectives (one per line)"),
    "duration_seconds": _l("Duration (seconds)"), "survey": _l("Knowledge check and survey"),
}


def label(name: str) -> str:
    return str(LABELS.get(name) or name.replace("_", " ").replace(".", ": ").capitalize())


def item_key(kind: str, op: str | None, item_id: str) -> str:
    if kind == "overlay":
        return "overlay"
    if kind in ("legislation", "modules"):
        return f"{kind}/{item_id}"
    return f"{kind}/{op}/{item_id}"


def split_key(key: str) -> tuple[str, str | None, str]:
    """(kind, operation, id) of an item key."""
    parts = key.split("/")
    if parts[0] == "overlay":
        return "overlay", None, ""
    if parts[0] in ("legislation", "modules", "files"):
        return parts[0], None, "/".join(parts[1:])
    return parts[0], parts[1], parts[2]
