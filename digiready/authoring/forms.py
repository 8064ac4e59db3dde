"""Form fields of an overlay item, derived from the published JSON Schemas, and the item's
errors from the core validator, keyed by field.

The schemas in ``content/schema/`` are the one source of truth: which fields exist, which are
required, which values an enumeration allows, which pattern a value must match. A web form
made from :func:`fields_for` can therefore never offer what the validator refuses. Structures
a flat form cannot show well (conditions, lists of options, maps) are edited as a small YAML
block, checked by the same validator.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from digiready.authoring.content import COLLECTION_OF_KEY, SCHEMA_OF_KEY
from digiready.packs.schema import _leaf_errors, _message, _registry, validator
from digiready.packs.yamlfile import load_yaml_text

HTML = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|&#?[a-zA-Z0-9]+;")
# The overlay's own identity is set when the economy is created, not edited in a form.
FIXED_OVERLAY_FIELDS = ("economy", "base")
MAX_TEXT = 20_000  # one field; long texts (scripts) have their own limit


@dataclass
class FieldSpec:
    name: str  # dotted path in the item: "url", "settings.min_peer_group"
    kind: str  # text | textarea | integer | number | checkbox | select | list | yaml
    required: bool = False
    choices: tuple[str, ...] = ()
    pattern: str | None = None
    help: str = ""  # from the schema's description, if any
    schema: dict = field(default_factory=dict, repr=False)

    @property
    def html_id(self) -> str:
        return "f-" + self.name.replace(".", "-").replace("_", "-")


def _resolve(schema: dict, home: str) -> tuple[dict, str]:
    """Follow ``$ref`` (within the published schemas)."""
    registry, schemas = _registry()
    while "$ref" in schema:
        ref = schema["$ref"]
        target, _, pointer = ref.partition("#")
        if target:
            home = target.removesuffix(".schema.json")
        node: Any = schemas[home]
        for part in [p for p in pointer.split("/") if p]:
            node = node[part]
        schema = node
    return schema, home


def item_schema(kind: str) -> tuple[dict, str]:
    """The JSON Schema of one item of ``kind`` (``overlay``, ``legislation``, ``modules`` or
    a collection key such as ``tools``), and the schema file it lives in."""
    _registry_, schemas = _registry()
    if kind == "overlay":
        schema = dict(schemas["overlay"])
        schema["properties"] = {k: v for k, v in schema["properties"].items()
                                if k not in ("legislation", *FIXED_OVERLAY_FIELDS)}
        schema["required"] = [r for r in schema.get("required", [])
                              if r in schema["properties"]]
        return schema, "overlay"
    if kind == "legislation":
        return schemas["overlay"]["properties"]["legislation"]["items"], "overlay"
    if kind == "modules":
        return schemas["module"], "module"
    if kind not in SCHEMA_OF_KEY:
        raise KeyError(f"no items of kind {kind!r}")
    home = SCHEMA_OF_KEY[kind]
    overlay_form = schemas[home]["properties"][kind]["oneOf"][1]
    return _resolve(overlay_form["properties"]["add"]["items"], home)


def fields_for(kind: str) -> list[FieldSpec]:
    schema, home = item_schema(kind)
    required = set(schema.get("required") or [])
    out: list[FieldSpec] = []
    for name, prop in (schema.get("properties") or {}).items():
        prop, _ = _resolve(prop, home)
        out.extend(_fields(name, prop, name in required, home))
    return out


def _fields(name: str, prop: dict, required: bool, home: str) -> list[FieldSpec]:
    kind_of = prop.get("type")
    if "enum" in prop:
        return [FieldSpec(name, "select", required, tuple(map(str, prop["enum"])),
                          help=prop.get("description", ""), schema=prop)]
    if kind_of == "boolean":
        return [FieldSpec(name, "checkbox", False, help=prop.get("description", ""), schema=prop)]
    if kind_of in ("integer", "number"):
        return [FieldSpec(name, kind_of, required, help=prop.get("description", ""), schema=prop)]
    if kind_of == "string":
        long = name in ("text", "description", "reason", "solves", "skills", "next_steps",
                        "help", "example")
        return [FieldSpec(name, "textarea" if long else "text", required,
                          pattern=prop.get("pattern"), help=prop.get("description", ""),
                          schema=prop)]
    if kind_of == "array":
        items, _ = _resolve(prop.get("items") or {}, home)
        if items.get("type") == "string":
            return [FieldSpec(name, "list", required, help=prop.get("description", ""), schema=prop)]
    if kind_of == "object" and prop.get("properties") and prop.get("additionalProperties", False) is not True:
        nested = set(prop.get("required") or [])
        simple = all(_resolve(p, home)[0].get("type") in ("string", "integer", "number", "boolean")
                     for p in prop["properties"].values())
        if simple:
            return [spec for sub, p in prop["properties"].items()
                    for spec in _fields(f"{name}.{sub}", _resolve(p, home)[0],
                                        required and sub in nested, home)]
    return [FieldSpec(name, "yaml", required, help=prop.get("description", ""), schema=prop)]


# ------------------------------------------------------------------------ values <-> form

def _get(data: dict, dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def form_values(specs: list[FieldSpec], data: dict | None) -> dict[str, Any]:
    """What each field shows for ``data``."""
    data = data or {}
    values: dict[str, Any] = {}
    for spec in specs:
        value = _get(data, spec.name)
        if spec.kind == "checkbox":
            values[spec.name] = bool(value)
        elif value is None:
            values[spec.name] = ""
        elif spec.kind == "list":
            values[spec.name] = "\n".join(map(str, value)) if isinstance(value, list) else str(value)
        elif spec.kind == "yaml":
            values[spec.name] = yaml.safe_dump(value, allow_unicode=True, sort_keys=False,
                                               default_flow_style=False, width=80).strip()
        else:
            values[spec.name] = str(value)
    return values


def parse_form(specs: list[FieldSpec], form, base: dict | None = None) -> tuple[dict, dict[str, str]]:
    """The item posted in ``form`` (a mapping of field name -> text), and the fields whose
    text cannot be read at all (a number that is not one, YAML that does not parse). Fields
    of the item that the form does not show are kept from ``base``."""
    data: dict[str, Any] = {k: v for k, v in (base or {}).items()
                            if not any(s.name.split(".")[0] == k for s in specs)}
    errors: dict[str, str] = {}
    for spec in specs:
        raw = form.get(spec.name)
        if spec.kind == "checkbox":
            if raw or spec.name in (base or {}):
                _set(data, spec.name, bool(raw))
            continue
        text = (raw or "").replace("\r\n", "\n")
        if spec.kind != "yaml":
            text = text.strip()
        if not text.strip():
            continue
        if len(text) > MAX_TEXT:
            errors[spec.name] = (f"This text is {len(text):,} characters long; the limit is "
                                 f"{MAX_TEXT:,}.")
            continue
        if spec.kind == "integer":
            try:
                _set(data, spec.name, int(text))
            except ValueError:
                errors[spec.name] = f"{text!r} is not a whole number."
        elif spec.kind == "number":
            try:
                number = float(text)
                _set(data, spec.name, int(number) if number.is_integer() and "." not in text else number)
            except ValueError:
                errors[spec.name] = f"{text!r} is not a number."
        elif spec.kind == "list":
            _set(data, spec.name, [line.strip() for line in re.split(r"[\n,]", text) if line.strip()])
        elif spec.kind == "yaml":
            # The pack loader's bounds (no tags, aliases counted expanded, depth) apply here too.
            doc, issues = load_yaml_text(text, spec.name)
            if issues:
                errors[spec.name] = f"line {issues[0].line}, column {issues[0].column}: " \
                                    f"{issues[0].message.removeprefix('YAML syntax error: ')}"
            else:
                _set(data, spec.name, doc.data)
        else:
            _set(data, spec.name, text)
    return data, errors


def _set(data: dict, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


# ------------------------------------------------------------------------------ checking

def item_errors(kind: str, data: Any, specs: list[FieldSpec] | None = None) -> dict[str, str]:
    """The validator's messages for one item, by field name ("" = the item as a whole).

    The item is checked inside the document it will be written to (``{tools: {add: [item]}}``,
    the overlay manifest...), with the published schema of that file."""
    specs = specs if specs is not None else fields_for(kind)
    if kind == "overlay":
        document, schema, prefix = dict(data, economy="xx", base="x", legislation=[]), "overlay", ()
    elif kind == "legislation":
        document = {"economy": "xx", "name": "x", "base": "x", "version": "1.0.0",
                    "languages": ["en"], "legislation": [data]}
        schema, prefix = "overlay", ("legislation", 0)
    elif kind == "modules":
        document, schema, prefix = data, "module", ()
    else:
        document, schema, prefix = {kind: {"add": [data]}}, SCHEMA_OF_KEY[kind], (kind, "add", 0)
    errors: dict[str, str] = {}
    names = {s.name for s in specs}
    found = [leaf for error in validator(schema).iter_errors(document)
             for leaf in _leaf_errors(error)]
    for error in sorted(found, key=lambda e: [str(p) for p in e.absolute_path]):
        path = list(error.absolute_path)[len(prefix):]
        if error.validator == "required":
            missing = re.search(r"'([^']+)' is a required property", error.message)
            path = path + [missing.group(1)] if missing else path
        name = _field_name(path, names)
        errors.setdefault(name, _friendly(error))
    for name, value in _strings(data):
        problem = text_problem(value)
        if problem:
            errors.setdefault(_field_name(name.split("."), names), problem)
    return errors


def _field_name(path: list, names: set[str]) -> str:
    for size in range(len(path), 0, -1):
        candidate = ".".join(str(p) for p in path[:size])
        if candidate in names:
            return candidate
    return ""


def _friendly(error) -> str:
    if error.validator == "pattern" and error.schema.get("pattern") == "^https?://":
        return f"{error.instance!r} is not a web address: it must start with https:// or http://"
    if error.validator == "minLength" and error.instance == "":
        return "Please fill this in."
    if error.validator == "required":
        return "This field is required."
    return _message(error)


def _strings(data: Any, prefix: str = ""):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, f"{prefix}{key}.")
    elif isinstance(data, list):
        for n, value in enumerate(data):
            yield from _strings(value, f"{prefix}{n}.")
    elif isinstance(data, str):
        yield prefix[:-1], data


def text_problem(text: str) -> str | None:
    """Plain text only: learners' pages show these strings as text, so markup would appear
    as-is (and is refused rather than silently escaped)."""
    found = HTML.search(text or "")
    if found:
        return (f"HTML is not allowed here ({found.group(0)[:40]!r}): write plain text; "
                "learners' pages show it exactly as written.")
    return None


def collection_label_key(kind: str) -> str:
    """The file an item of ``kind`` is written to (for messages)."""
    return {"overlay": "overlay.yaml", "legislation": "overlay.yaml",
            "modules": "modules/<id>/module.yaml"}.get(kind) or COLLECTION_OF_KEY[kind]
