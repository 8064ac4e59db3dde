"""JSON Schema validation of pack files, with errors that point at the offending line.

The schemas are the published ones in ``content/schema/`` (editors use them for
autocompletion), so the validator and the editor never disagree.
"""
from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache

from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource

from digiready.packs.paths import schema_dir
from digiready.packs.yamlfile import PackIssue, YamlDocument

# For a condition object, the key that tells which form it is (index of its oneOf branch).
_CONDITION_FORMS = {"all": 0, "any": 1, "not": 2, "profile": 3, "question": 4, "dimension": 5}
_CONDITION_HELP = (
    "not a valid condition: use one of {all: [...]}, {any: [...]}, {not: ...}, "
    "{profile: ID, equals|in: ...}, {question: ID, equals|in|includes|excludes|min|max: ...}, "
    "{dimension: ID, level_in|score_below: ...}"
)


@lru_cache(maxsize=1)
def _registry() -> tuple[Registry, dict[str, dict]]:
    schemas = {}
    for file in sorted(schema_dir().glob("*.schema.json")):
        schemas[file.name.removesuffix(".schema.json")] = json.loads(file.read_text("utf-8"))
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    return registry, schemas


@lru_cache(maxsize=32)
def validator(name: str) -> Draft202012Validator:
    registry, schemas = _registry()
    return Draft202012Validator(schemas[name], registry=registry)


def validate_document(doc: YamlDocument, schema_name: str) -> list[PackIssue]:
    issues = []
    errors = sorted(validator(schema_name).iter_errors(doc.data), key=lambda e: list(e.path))
    for error in errors:
        for leaf in _leaf_errors(error):
            path = tuple(leaf.absolute_path)
            if not any(path[:len(refused)] == refused for refused in doc.refused):
                issues.append(doc.issue(path, _message(leaf)))
    return issues


def _leaf_errors(error: ValidationError) -> list[ValidationError]:
    """Descend into oneOf/anyOf to the branch the author meant, so the message names the real
    mistake ("'text' is a required property") rather than "is not valid under any schema"."""
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return [error]
    branches: dict[int, list[ValidationError]] = defaultdict(list)
    for sub in error.context:
        branches[sub.relative_schema_path[0]].append(sub)
    instance = error.instance
    if error.schema.get("$id", "").endswith("condition.schema.json") or _is_condition(error):
        if isinstance(instance, dict):
            forms = [k for k in instance if k in _CONDITION_FORMS]
            if len(forms) == 1 and _CONDITION_FORMS[forms[0]] in branches:
                return [e for sub in branches[_CONDITION_FORMS[forms[0]]] for e in _leaf_errors(sub)]
        error.message = _CONDITION_HELP
        return [error]
    candidates = [
        errs for errs in branches.values()
        if not any(e.validator == "type" and not e.relative_path for e in errs)
    ]
    if len(candidates) == 1:
        return [e for sub in candidates[0] for e in _leaf_errors(sub)]
    if error.validator == "anyOf" and "required" in str(error.schema):
        error.message = "needs at least one of: " + ", ".join(
            b["required"][0] for b in error.schema["anyOf"] if "required" in b
        )
    return [error]


def _is_condition(error: ValidationError) -> bool:
    branches = error.schema.get("oneOf") or []
    return len(branches) == 6 and branches[0].get("required") == ["all"]


def _message(error: ValidationError) -> str:
    if error.validator == "required":
        return error.message.replace(" is a required property", " is required")
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown field")
    if error.validator == "pattern" and error.schema.get("pattern") == "^[a-z0-9][a-z0-9_]*$":
        return f"{error.instance!r} is not a valid id (lowercase letters, digits and _)"
    return error.message
