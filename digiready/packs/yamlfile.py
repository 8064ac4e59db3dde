"""YAML files loaded together with the line and column of every value.

Pack errors must say exactly where a mistake is (``file:LINE:COL``), so each value's position
is kept in a side table keyed by its path (``("questions", 3, "dimension")``). Duplicate keys,
which PyYAML silently overwrites, are reported as errors instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

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
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)



class PackLoader(yaml.SafeLoader):
    """YAML 1.2 booleans: only ``true``/``false``. Under YAML 1.1 rules ``yes``, ``no``, ``on``
    and ``off`` become booleans, which would silently break ``equals: yes`` in a skip rule."""


PackLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
PackLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
# YAML 1.2 integers too: under 1.1 rules `25_34` (an age band id) would load as 2534.
PackLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)


def _scalar(node: yaml.ScalarNode) -> Any:
    loader = PackLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def load_yaml(path: Path) -> tuple[YamlDocument | None, list[PackIssue]]:
    """Parse one YAML file. On a syntax error, return no document and an issue at the
    error's line; otherwise the data, its positions and any duplicate-key issues."""
    name = display_name(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [PackIssue(name, 1, 1, "", f"not UTF-8 text ({exc.reason})")]
    try:
        node = yaml.compose(text, Loader=PackLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        return None, [PackIssue(name, line, col, "", f"YAML syntax error: {problem}{context}")]
    doc = YamlDocument(name, None)
    issues: list[PackIssue] = []
    if node is None:
        doc.data = None
        return doc, issues
    doc.data = _convert(node, (), doc, issues)
    return doc, issues


def _convert(node: yaml.Node, path: Path_, doc: YamlDocument, issues: list[PackIssue]) -> Any:
    doc.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            if isinstance(key, int | float) and not isinstance(key, bool):
                key = str(key)  # scale labels `0:` are keys "0".."5" in the schema
            if key in result:
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                issues.append(PackIssue(doc.file, line, col, format_path(path + (key,)),
                                        f"duplicate key '{key}'"))
            result[key] = _convert(value_node, path + (key,), doc, issues)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), doc, issues) for i, item in enumerate(node.value)]
    value = _scalar(node)
    if hasattr(value, "isoformat"):
        value = value.isoformat()  # dates stay strings, as JSON would have them
    return value
