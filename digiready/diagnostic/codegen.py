"""Pack conditions and per-pack passes turned into Python source, compiled once per pack.

Scoring is a project target (20,000 responses a second on one core), and in CPython a call
through nested closures per condition costs several times what the same test written out
inline costs. So at pack-load time the engine writes each pass (skip rules + scoring, DII
items, recommendation triggers) as one straight-line Python function and compiles it.

Safety: nothing from a pack is ever spliced into the source as code. Strings and whole
numbers appear as ``repr()`` literals (always a valid, inert literal); every other value
(sets, floats, dicts, pack objects) is passed in as a named constant of the function's
namespace. Names in the source are chosen here, never taken from the pack.

Inside generated code the condition variables are: ``P`` profile, ``E`` answers that count
(visible questions only), ``S`` dimension scores, ``L`` dimension levels, and ``_v`` a
scratch variable.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from digiready.packs.model import NA


class Source:
    """Lines of one generated function and the constants it refers to."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {}
        self._names: dict[int, str] = {}

    def const(self, value: Any) -> str:
        """An expression for ``value``: a literal for str/int, else a constant's name."""
        if value.__class__ is str or value.__class__ is int:
            return repr(value)
        name = self._names.get(id(value))
        if name is None or self.constants[name] is not value:
            name = f"K{len(self.constants)}"
            self.constants[name] = value
            self._names[id(value)] = name
        return name

    def bind(self, name: str, value: Any) -> str:
        """A constant under a chosen (code-side) name, for readable generated source."""
        self.constants[name] = value
        return name

    def add_block(self, text: str, indent: int = 1) -> None:
        for line in text.splitlines():
            self.add(line, indent)

    def add(self, line: str, indent: int = 1) -> None:
        self.lines.append("    " * indent + line)

    def function(self, name: str, params: str, filename: str) -> Callable[..., Any]:
        text = f"def {name}({params}):\n" + "\n".join(self.lines or ["    pass"]) + "\n"
        namespace = dict(self.constants)
        exec(compile(text, filename, "exec"), namespace)  # noqa: S102 - our own source, see module doc
        function = namespace[name]
        function.__source__ = text  # for debugging and the tests
        return function


def condition_source(cond: dict[str, Any] | None, src: Source) -> str:
    """A Python expression over P, E, S, L that is true when ``cond`` holds.

    Same meaning as :func:`digiready.diagnostic.conditions.compile_condition`: a condition
    on a skipped or "not applicable" question is false (so ``not`` around it is true).
    """
    if not cond:
        return "True"
    if "all" in cond:
        parts = _joined_parts(cond["all"], " and ", src)
        return "(" + " and ".join(parts) + ")" if parts else "True"
    if "any" in cond:
        parts = _joined_parts(cond["any"], " or ", src)
        return "(" + " or ".join(parts) + ")" if parts else "False"
    if "not" in cond:
        return f"(not {condition_source(cond['not'], src)})"
    if "profile" in cond:
        key = src.const(cond["profile"])
        if "in" in cond:
            return f"(P.get({key}) in {src.const(frozenset(cond['in']))})"
        return f"(P.get({key}) == {src.const(cond['equals'])})"
    if "dimension" in cond:
        dim = src.const(cond["dimension"])
        if "level_in" in cond:
            return f"(L.get({dim}) in {src.const(frozenset(cond['level_in']))})"
        return f"((_v := S.get({dim})) is not None and _v < {src.const(cond['score_below'])})"
    qid = src.const(cond["question"])
    answered = f"(_v := E.get({qid})) is not None and _v != {NA!r}"
    if "includes" in cond:
        return f"({answered} and {src.const(cond['includes'])} in _v)"
    if "excludes" in cond:
        return f"({answered} and {src.const(cond['excludes'])} not in _v)"
    if "min" in cond:
        return f"({answered} and _v >= {src.const(cond['min'])})"
    if "max" in cond:
        return f"({answered} and _v <= {src.const(cond['max'])})"
    if "in" in cond:
        # "na" may be named explicitly, so compare the raw answer.
        return f"(E.get({qid}) in {src.const(frozenset(cond['in']))})"
    return f"(E.get({qid}) == {src.const(cond['equals'])})"


def _option_test(cond: Any) -> tuple[str, str, Any] | None:
    """(question, "in"/"not in", option) of a plain includes/excludes condition."""
    if isinstance(cond, dict) and len(cond) == 2 and "question" in cond:
        if "includes" in cond:
            return cond["question"], "in", cond["includes"]
        if "excludes" in cond:
            return cond["question"], "not in", cond["excludes"]
    return None


def _joined_parts(conds: list[Any], joiner: str, src: Source) -> list[str]:
    """The parts of an all/any. Neighbouring includes/excludes tests of one question share
    one look-up of the answer: "ticked a or ticked b" is "answered, and (a in it or b in it)",
    since each test alone is false for a skipped or "not applicable" question."""
    parts: list[str] = []
    k = 0
    while k < len(conds):
        test = _option_test(conds[k])
        run = [test] if test else []
        while test and k + len(run) < len(conds):
            following = _option_test(conds[k + len(run)])
            if following is None or following[0] != test[0]:
                break
            run.append(following)
        if len(run) > 1:
            options = joiner.join(f"{src.const(option)} {op} _v" for _qid, op, option in run)
            parts.append(f"((_v := E.get({src.const(test[0])})) is not None and _v != {NA!r} and ({options}))")
            k += len(run)
        else:
            parts.append(condition_source(conds[k], src))
            k += 1
    return parts


def questions_named(cond: Any) -> set[str]:
    if isinstance(cond, dict):
        named = {cond["question"]} if "question" in cond else set()
        for value in cond.values():
            named |= questions_named(value)
        return named
    if isinstance(cond, list):
        return set().union(*(questions_named(c) for c in cond))
    return set()


def skip_rules_look_back(pack: Any) -> bool:
    """Whether every skip rule names only earlier questions (a pack check). Then a generated
    pass may test skip rules against the answers themselves, less those of hidden questions
    (taken out as it goes), instead of building the dict of counted answers one by one."""
    earlier: set[str] = set()
    for question in pack.questions:
        if not questions_named(question.show_if) <= earlier:
            return False
        earlier.add(question.id)
    return True
