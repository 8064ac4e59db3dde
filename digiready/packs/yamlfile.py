"""YAML files loaded together with the line and column of every value.

Pack errors must say exactly where a mistake is (``file:LINE:COL``), so each value's position
is kept in a side table keyed by its path (``("questions", 3, "dimension")``). Duplicate keys,
which PyYAML silently overwrites, are reported as errors instead.

This is the one loader the apps, the CLI and the studio read packs with, and a pack may come
from someone else (an economy team, an uploaded overlay), so every file is bounded before it
costs anything: its size, how deep it nests, how much its aliases expand (the "billion
laughs"), and what it may contain (plain YAML: no tags such as ``!!python/name`` or
``!include``, no merge keys). Each refusal is an issue at the file:line where it starts, never
an exception.
"""
from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent

# A file larger than this is refused unread: the largest shipped file (a translation) is
# about 150 KB, and parsing takes about a second per 150 KB on a busy machine.
MAX_FILE_BYTES = 1024 * 1024
# Lists and mappings inside each other; the shipped packs nest at most 8 deep.
MAX_DEPTH = 64
# Values (scalars, lists, mappings) in one file, each alias counted as what it repeats (the
# "billion laughs"). Work and memory grow with values, not bytes; the largest shipped file
# holds about 2,600.
MAX_VALUES = 50_000
# The tags plain YAML data has; anything else (``!include``, ``!!python/...``) is refused.
PLAIN_TAGS = frozenset("tag:yaml.org,2002:" + t for t in (
    "str", "int", "float", "bool", "null", "seq", "map", "timestamp"))

Path_ = tuple[str | int, ...]


@dataclass
class PackIssue:
    """One problem in a pack, with where it is."""

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        prefix = f"{self.path}: " if self.path else ""
        tag = "warning: " if self.severity == "warning" else ""
        return f"{where}: {tag}{prefix}{self.message}"


@dataclass
class YamlDocument:
    file: str  # as shown in messages (relative to the working directory when possible)
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    # Values refused while loading (a tag, a bad scalar): already reported, so the schema's
    # complaint about the None left in their place is not repeated.
    refused: set[Path_] = field(default_factory=set)

    def position(self, path: Path_) -> tuple[int, int]:
        """Line and column of the value at ``path``, or of its nearest ancestor."""
        path = tuple(path)
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def issue(self, path: Path_, message: str, severity: str = "error") -> PackIssue:
        line, column = self.position(path)
        return PackIssue(self.file, line, column, format_path(path), message, severity)


def format_path(path: Path_) -> str:
    """``("questions", 3, "dimension")`` -> ``questions[3].dimension``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def display_name(path: Path) -> str:
    """The file as messages name it: relative to the working directory when inside it. A
    symbolic link is named itself, not its target (which may not exist)."""
    path = Path(path)
    shown = Path(os.path.realpath(path.parent)) / path.name
    try:
        return str(shown.relative_to(Path.cwd()))
    except ValueError:
        return str(shown)



def _yaml_1_2(loader: type) -> type:
    """YAML 1.2 booleans and integers. Under YAML 1.1 rules ``yes``, ``no``, ``on`` and
    ``off`` become booleans, which would silently break ``equals: yes`` in a skip rule, and
    ``25_34`` (an age band id) would load as 2534."""
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers
                if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    # YAML 1.2's core schema has no timestamps: ``checked: 2026-03-01`` stays the text the
    # schema checks, not a date object the schema would call "not a string".
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in loader.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"))
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
    return loader


@_yaml_1_2
class PackLoader(yaml.SafeLoader):
    """The pure-Python parser, used where PyYAML was built without libyaml."""


if yaml.__with_libyaml__:
    @_yaml_1_2
    class FastPackLoader(yaml.CSafeLoader):
        """libyaml's parser: about 30 times faster than PyYAML's own, which took 31 s for a
        5 MB file and scans some pathological one-line files in quadratic time."""
else:  # pragma: no cover - PyYAML's wheels bundle libyaml
    FastPackLoader = PackLoader


class LimitExceeded(yaml.MarkedYAMLError):
    """A file beyond one of the loader's bounds, at the event where it went beyond."""


def check_bounds(text: str) -> None:
    """Walk the file's parse events (no tree is built) and raise :class:`LimitExceeded` at
    the first that nests too deep, refers to its own anchor or brings the values past
    :data:`MAX_VALUES`. The tree is composed only afterwards: the composer recurses once per
    level, and an alias repeats a whole subtree wherever it is used."""
    loader = FastPackLoader(text)
    open_collections: list[list] = []  # [values in it so far, its anchor]
    sizes: dict[str, int] = {}  # anchor -> values it stands for, aliases expanded
    values = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, ScalarEvent):
                size = 1
                if event.anchor:
                    sizes[event.anchor] = 1
            elif isinstance(event, CollectionStartEvent):
                if len(open_collections) >= MAX_DEPTH:
                    raise LimitExceeded(None, None, f"nested more than {MAX_DEPTH} levels deep",
                                        event.start_mark)
                open_collections.append([1, event.anchor])
                values += 1
                continue
            elif isinstance(event, CollectionEndEvent):
                size, anchor = open_collections.pop()
                if anchor:
                    sizes[anchor] = size
                if open_collections:
                    open_collections[-1][0] += size
                continue
            elif isinstance(event, AliasEvent):
                if any(anchor == event.anchor for _size, anchor in open_collections):
                    raise LimitExceeded(None, None, f"alias '*{event.anchor}' is inside its own "
                                        f"anchor '&{event.anchor}' (a recursive alias)",
                                        event.start_mark)
                size = sizes.get(event.anchor, 1)  # an unknown one: the composer names it
            else:
                continue
            values += size
            if values > MAX_VALUES:
                what = "with its aliases expanded, " if isinstance(event, AliasEvent) else ""
                raise LimitExceeded(None, None, f"{what}the file holds more than {MAX_VALUES} "
                                    "values (lists, mappings and their items)", event.start_mark)
            if open_collections:
                open_collections[-1][0] += size
    finally:
        loader.dispose()


class _ScalarReader(yaml.constructor.SafeConstructor):
    """Turns scalar nodes into values; one per file rather than a whole loader per value."""


def _scalar(node: yaml.ScalarNode, constructor: _ScalarReader | None = None) -> Any:
    return (constructor or _ScalarReader()).construct_object(node, deep=True)


def _unreadable(path: Path) -> str | None:
    """Why a pack file cannot be read (a broken link, a link loop, not a file, too large)."""
    try:
        info = os.stat(path)
    except OSError as exc:
        if path.is_symlink():
            try:
                target = os.readlink(path)
            except OSError:
                target = "?"
            if exc.errno == errno.ELOOP:
                return f"a symbolic link that loops (-> {target})"
            return f"a symbolic link to a missing file (-> {target})"
        return exc.strerror or "cannot be read"
    if stat.S_ISDIR(info.st_mode):
        return "a folder where a file is expected"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if info.st_size > MAX_FILE_BYTES:
        return (f"the file is {info.st_size // 1024} KB; a pack file may be at most "
                f"{MAX_FILE_BYTES // 1024} KB (split it, e.g. one file per module)")
    return None


def load_yaml(path: Path) -> tuple[YamlDocument | None, list[PackIssue]]:
    """Parse one YAML file. On a syntax error or a file beyond the loader's bounds, return no
    document and an issue at the error's line; otherwise the data, its positions and any
    issues found in it (duplicate keys, tags)."""
    name = display_name(path)
    problem = _unreadable(path)
    if problem:
        return None, [PackIssue(name, 1, 1, "", problem)]
    try:
        with open(path, "rb") as fh:  # read no more than the bound, whatever stat said
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [PackIssue(name, 1, 1, "", exc.strerror or "cannot be read")]
    if len(data) > MAX_FILE_BYTES:
        return None, [PackIssue(name, 1, 1, "", f"a pack file may be at most "
                                                f"{MAX_FILE_BYTES // 1024} KB")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [PackIssue(name, 1, 1, "", f"not UTF-8 text ({exc.reason})")]
    return load_yaml_text(text, name)


def load_yaml_text(text: str, name: str) -> tuple[YamlDocument | None, list[PackIssue]]:
    """:func:`load_yaml` for text that is not in a file (a field of a form), under the same
    bounds; ``name`` is what the issues call it."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        return None, [PackIssue(name, 1, 1, "", f"a pack file may be at most "
                                                f"{MAX_FILE_BYTES // 1024} KB")]
    loader = None
    try:
        check_bounds(text)
        loader = FastPackLoader(text)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_issue(name, text, exc)]
    except yaml.YAMLError as exc:  # e.g. a character YAML does not allow, without a mark
        return None, [PackIssue(name, 1, 1, "", f"YAML syntax error: {exc}")]
    finally:
        if loader is not None:
            loader.dispose()
    doc = YamlDocument(name, None)
    issues: list[PackIssue] = []
    if node is None:
        doc.data = None
        return doc, issues
    doc.data = _convert(node, (), doc, issues, _ScalarReader())
    return doc, issues


def _syntax_issue(name: str, text: str, exc: yaml.MarkedYAMLError) -> PackIssue:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    if isinstance(exc, LimitExceeded):
        return PackIssue(name, line, col, "", problem)
    if "maximum nesting depth" in problem:  # libyaml's own bound (1000), met while scanning
        return PackIssue(name, line, col, "", f"nested more than {MAX_DEPTH} levels deep")
    context = f" ({exc.context})" if exc.context else ""
    lines = text.splitlines()
    if mark and line <= len(lines) and lines[line - 1][col - 1:col] == "\t":
        context += " (a tab: YAML indents with spaces)"
    return PackIssue(name, line, col, "", f"YAML syntax error: {problem}{context}")


_MERGE = "tag:yaml.org,2002:merge"
_REFUSED = object()


def _convert(node: yaml.Node, path: Path_, doc: YamlDocument, issues: list[PackIssue],
             constructor: _ScalarReader) -> Any:
    doc.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode) and node.tag in PLAIN_TAGS:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                issues.append(_issue(doc, key_node, path, "a key must be plain text (no merge "
                                     "keys '<<', no lists or mappings as keys)"))
                doc.refused.add(path)
                continue
            key = _plain_scalar(key_node, path, doc, issues, constructor, is_key=True)
            if key is _REFUSED:
                doc.refused.add(path)  # its fields' complaints would only repeat this one
                continue
            if isinstance(key, int | float) and not isinstance(key, bool):
                key = str(key)  # scale labels `0:` are keys "0".."5" in the schema
            if key in result:
                issues.append(_issue(doc, key_node, path + (key,), f"duplicate key '{key}'"))
            result[key] = _convert(value_node, path + (key,), doc, issues, constructor)
        return result
    if isinstance(node, yaml.SequenceNode) and node.tag in PLAIN_TAGS:
        return [_convert(item, path + (i,), doc, issues, constructor)
                for i, item in enumerate(node.value)]
    value = _plain_scalar(node, path, doc, issues, constructor)
    return None if value is _REFUSED else value


def _plain_scalar(node: yaml.Node, path: Path_, doc: YamlDocument, issues: list[PackIssue],
                  constructor: _ScalarReader, is_key: bool = False) -> Any:
    """The value of a scalar, or ``_REFUSED`` (with an issue) for a tag plain YAML data does
    not have or a value its tag cannot hold (``!!int abc``)."""
    if node.tag not in PLAIN_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        issues.append(_issue(doc, node, path, f"tag '{tag}' is not allowed: a pack file is "
                             "plain YAML (no tags, no includes)"))
        if not is_key:
            doc.refused.add(path)
        return _REFUSED
    try:
        value = _scalar(node, constructor)
    except Exception as exc:  # noqa: BLE001 - PyYAML's constructors fail many ways on odd values
        issues.append(_issue(doc, node, path, f"{node.value!r} is not a valid "
                             f"{node.tag.rsplit(':', 1)[-1]} ({type(exc).__name__})"))
        if not is_key:
            doc.refused.add(path)
        return _REFUSED
    if hasattr(value, "isoformat"):
        value = value.isoformat()  # dates stay strings, as JSON would have them
    return value


def _issue(doc: YamlDocument, node: yaml.Node, path: Path_, message: str) -> PackIssue:
    return PackIssue(doc.file, node.start_mark.line + 1, node.start_mark.column + 1,
                     format_path(path), message)
