"""Packs that are malformed or hostile: each gives a clear error at file:line:col, never a
traceback, in bounded time and memory (the loader is the one the running apps use).

A corpus of broken packs with their exact messages, the hostile files run in a child process
under a memory cap (before the bounds, a billion-laughs file grew past 1.9 GB), and a fuzz
test (hypothesis) over token soup and over pack files with values of the wrong shape."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digiready.packs import PackError, clear_cache, load_pack, validate_pack
from digiready.packs.yamlfile import MAX_DEPTH, MAX_FILE_BYTES, MAX_VALUES, load_yaml
from tests.digiready.test_pack_errors import errors, rel

OVERLAY = ("..", "economies", "xx")


def shown(path: Path) -> str:
    """How messages name a file: its folder resolved, relative to the working directory
    when inside it; a link by its own name."""
    return rel(Path(os.path.realpath(path.parent))) + "/" + path.name


def write(base: Path, name: str, text: str) -> Path:
    path = base.joinpath(*name.split("/"))
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.exists():
        path.unlink()
    path.write_text(text)
    return path


def link(base: Path, name: str, target: str) -> Path:
    path = base.joinpath(*name.split("/"))
    if path.exists() or path.is_symlink():
        path.unlink()
    os.symlink(target, path)
    return path


LEVEL = "{id: a, min: 0, max: 100, title: A, description: B}"


def nested(levels: int) -> str:
    return "levels:\n" + "".join("  " * i + "a:\n" for i in range(1, levels + 1))


# (name, what to do to the pack copy -> the file to name, expected error after "file:")
CORPUS = [
    ("python tag", lambda b: write(b, "levels.yaml", "levels: !!python/name:os.system\n"),
     "1:9: levels: tag '!!python/name:os.system' is not allowed: a pack file is plain YAML "
     "(no tags, no includes)"),
    ("include tag", lambda b: write(b, "levels.yaml", "levels: !include more_levels.yaml\n"),
     "1:9: levels: tag '!include' is not allowed: a pack file is plain YAML (no tags, no includes)"),
    ("recursive alias", lambda b: write(b, "levels.yaml", "levels: &a [1, *a]\n"),
     "1:16: alias '*a' is inside its own anchor '&a' (a recursive alias)"),
    ("deep nesting", lambda b: write(b, "levels.yaml", nested(MAX_DEPTH + 5)),
     f"{MAX_DEPTH + 1}:{2 * MAX_DEPTH + 1}: nested more than {MAX_DEPTH} levels deep"),
    ("deep flow nesting", lambda b: write(b, "levels.yaml", "levels: " + "[" * 5000 + "]" * 5000),
     f"1:1008: nested more than {MAX_DEPTH} levels deep"),
    ("pack.yaml a list", lambda b: write(b, "pack.yaml", "- id: fixture_pack\n- version: 1\n"),
     "1:1: a pack file holds named fields (`key: value` lines), not a list"),
    ("overlay.yaml text", lambda b: write(b, "../economies/xx/overlay.yaml", "just a sentence\n"),
     "1:1: a pack file holds named fields (`key: value` lines), not a single value "
     "('just a sentence')"),
    ("overlay replace not items", lambda b: write(
        b, "../economies/xx/recommendations.yaml", "rules:\n  replace: [no_qr]\n"),
     "2:13: rules.replace[0]: 'no_qr' is not of type 'object'"),
    ("overlay disable not ids", lambda b: write(
        b, "../economies/xx/tools.yaml", "tools:\n  disable: [[generic_qr]]\n"),
     "2:13: tools.disable[0]: ['generic_qr'] is not of type 'string'"),
    ("symlink loop", lambda b: link(b, "levels.yaml", "levels.yaml"),
     "1:1: a symbolic link that loops (-> levels.yaml)"),
    ("dangling symlink", lambda b: link(b, "questions.yaml", "questions.yaml.orig"),
     "1:1: a symbolic link to a missing file (-> questions.yaml.orig)"),
    ("a folder", lambda b: ((b / "levels.yaml").unlink(), (b / "levels.yaml").mkdir(),
                            b / "levels.yaml")[-1],
     "1:1: a folder where a file is expected"),
    ("merge key", lambda b: write(b, "levels.yaml", f"levels:\n  - &x {LEVEL}\n  - <<: *x\n"),
     "3:5: levels[1]: a key must be plain text (no merge keys '<<', no lists or mappings as keys)"),
    ("bad int", lambda b: write(b, "levels.yaml", "levels:\n  - " + LEVEL.replace("min: 0", "min: !!int zero")),
     "2:18: levels[0].min: 'zero' is not a valid int (ValueError)"),
    ("two documents", lambda b: write(b, "levels.yaml", "levels: []\n---\nlevels: []\n"),
     "2:1: YAML syntax error: but found another document (expected a single document in the "
     "stream)"),
    ("too many values", lambda b: write(b, "levels.yaml", "levels:\n" + "- 1\n" * MAX_VALUES),
     f"{MAX_VALUES - 1}:3: the file holds more than {MAX_VALUES} values (lists, mappings and "
     "their items)"),
    ("too large", lambda b: write(b, "levels.yaml", "# " + "x" * MAX_FILE_BYTES + "\n"),
     f"1:1: the file is {(MAX_FILE_BYTES + 3) // 1024} KB; a pack file may be at most "
     f"{MAX_FILE_BYTES // 1024} KB (split it, e.g. one file per module)"),
]


@pytest.mark.parametrize("mutate, expected", [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_each_broken_pack_is_one_clear_error(pack_copy, mutate, expected):
    path = mutate(pack_copy)
    started = time.monotonic()
    assert errors(pack_copy, "xx") == [f"{shown(path)}:{expected}"]
    with pytest.raises(PackError):
        load_pack(pack_copy, "xx")
    assert time.monotonic() - started < 10


def test_files_that_are_not_pack_files_are_ignored(pack_copy):
    """An editor's lock link (``.#questions.yaml`` points at nothing), backups, swap files and
    notes beside the pack files: the pack loads as if they were not there."""
    overlay = pack_copy.parent / "economies" / "xx"
    link(pack_copy, ".#questions.yaml", "ana@laptop.4242:1733300000")
    link(overlay / "translations", ".#es.yaml", "ana@laptop.4242:1733300000")
    write(pack_copy, "questions.yaml~", "questions: [")
    write(pack_copy, "notes.txt", "to do: translate")
    write(overlay, "translations/.es.yaml.swp", "\0\1")
    write(overlay, "translations/#es.yaml#", "broken: [")
    link(pack_copy, "modules/.#pay_basics", "nowhere")
    os.symlink("loop", pack_copy / "loop")  # a folder link that loops
    assert errors(pack_copy, "xx") == []
    assert load_pack(pack_copy, "xx").question("accepts")


HOSTILE = textwrap.dedent("""
    import json, resource, sys, time
    from pathlib import Path
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
    from digiready.packs.yamlfile import load_yaml
    out = {}
    for path in sys.argv[1:]:
        started = time.monotonic()
        doc, issues = load_yaml(Path(path))
        out[Path(path).name] = {"seconds": time.monotonic() - started,
                                "issues": [i.message for i in issues]}
    # VmHWM, the peak of this process's own memory: getrusage's ru_maxrss survives exec and
    # so also reports the parent's size (a pytest process grown large in a full run).
    hwm = next(line for line in Path("/proc/self/status").read_text().splitlines()
               if line.startswith("VmHWM:"))
    out["max_rss_mb"] = int(hwm.split()[1]) / 1024
    print(json.dumps(out))
""")


def test_hostile_files_cost_little_time_and_memory(tmp_path):
    """Each in a child process capped at 1.5 GB of address space, so the unbounded loader
    fails the test (MemoryError or timeout) instead of taking the machine down."""
    laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    files = {
        "laughs.yaml": laughs + "levels: *i\n",
        "five_mb.yaml": "x:\n" + "- {a: 1, b: [x, y]}\n" * (5 * 2**20 // 20),
        "one_mb_of_values.yaml": "x: [" + "1," * (MAX_FILE_BYTES // 2 - 8) + "1]\n",
        "brackets.yaml": "[" * (MAX_FILE_BYTES - 1),
        "deep.yaml": nested(3000),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    started = time.monotonic()
    child = subprocess.run([sys.executable, "-c", HOSTILE, *map(str, (tmp_path / n for n in files))],
                           capture_output=True, text=True, timeout=120,
                           cwd=Path(__file__).resolve().parents[2])
    assert child.returncode == 0, child.stderr[-2000:]
    result = json.loads(child.stdout)
    assert all(result[name]["issues"] for name in files), result
    assert result["max_rss_mb"] < 250, result
    assert time.monotonic() - started < 60
    assert result["laughs.yaml"]["issues"] == [
        f"with its aliases expanded, the file holds more than {MAX_VALUES} values (lists, mappings "
        "and their items)"]


# -- fuzz ----------------------------------------------------------------------------------

TOKENS = ["a", "id", ":", ": ", "- ", "\n", "\n  ", "  ", "\t", "[", "]", "{", "}", ",", "&x ",
          "*x", "&y ", "*y", "!!python/name:os.system ", "!include ", "!!int ", "!!float ",
          "!!set ", "!!binary ", "<<: ", "? ", "'", '"', "#", "---\n", "...\n", "|\n", ">-\n",
          "~", "null", "yes", "1e9999", "-1", ".inf", ".nan", "2024-13-45", "\\", "%YAML 1.1\n",
          "\x00", "\ufeff", "é"]
SOUP = st.lists(st.sampled_from(TOKENS) | st.text(max_size=3), max_size=60).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(text=SOUP)
def test_fuzz_any_text_is_loaded_or_refused_with_a_position(tmp_path, text):
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    doc, issues = load_yaml(path)
    assert doc is not None or issues
    for issue in issues:
        assert issue.line >= 1 and issue.column >= 1 and issue.message
        assert str(issue).startswith(issue.file + ":")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "min", "max", "add", "replace", "disable", "languages", "text",
                         "options", "type", "dimension", "modules", "show_if", "base"]) |
        st.text(max_size=4), inner, max_size=3),
    max_leaves=8)
PACK_FILES = ["pack.yaml", "levels.yaml", "questions.yaml", "dimensions.yaml", "profile.yaml",
              "recommendations.yaml", "tools.yaml", "modules/pay_basics/module.yaml",
              "../economies/xx/overlay.yaml", "../economies/xx/recommendations.yaml",
              "../economies/xx/tools.yaml", "../economies/xx/translations/es.yaml"]


def _replace_at(data, steps: list[int], value):
    """``data`` with the value reached by following ``steps`` (indexes into keys or items)
    replaced by ``value``."""
    if not steps or not isinstance(data, dict | list) or not data:
        return value
    keys = list(data) if isinstance(data, dict) else list(range(len(data)))
    key = keys[steps[0] % len(keys)]
    data[key] = _replace_at(data[key], steps[1:], value)
    return data


@pytest.fixture(scope="module")
def fuzz_pack(tmp_path_factory) -> Path:
    import shutil

    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(Path(__file__).parent / "fixtures" / "pack", root / "base")
    shutil.copytree(Path(__file__).parent / "fixtures" / "economies", root / "economies")
    return root / "base"


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 12)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file=st.sampled_from(PACK_FILES), steps=st.lists(st.integers(0, 50), max_size=5),
       value=JSON_VALUES)
def test_fuzz_values_of_any_shape_give_issues_not_tracebacks(fuzz_pack, file, steps, value):
    """Any value of any shape anywhere in a pack file: validation lists issues, loading raises
    PackError or succeeds, nothing else."""
    path = fuzz_pack.joinpath(*file.split("/"))
    original = path.read_text()
    try:
        path.write_text(yaml.safe_dump(_replace_at(yaml.safe_load(original), steps, value)))
        clear_cache()
        started = time.monotonic()
        issues, _coverage = validate_pack(fuzz_pack, "xx")
        assert all(i.line >= 1 and i.message for i in issues)
        try:
            load_pack(fuzz_pack, "xx")
        except PackError as exc:
            assert exc.issues
        assert time.monotonic() - started < 10
    finally:
        path.write_text(original)
        clear_cache()


def test_yaml_typed_into_a_studio_form_has_the_same_bounds():
    """Studio's YAML fields (conditions, lists of objects) are parsed by the pack loader too: an
    alias bomb of a few hundred characters is refused where it goes too far."""
    from digiready.authoring.forms import FieldSpec, parse_form

    spec = FieldSpec("when", "yaml", False)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    started = time.monotonic()
    _data, problems = parse_form([spec], {"when": bomb})
    assert problems == {"when": "line 5, column 28: with its aliases expanded, the file holds "
                                "more than 50000 values (lists, mappings and their items)"}
    assert time.monotonic() - started < 2
    assert parse_form([spec], {"when": "!!python/name:os.system"})[1]["when"].startswith(
        "line 1, column 1: tag '!!python/name:os.system' is not allowed")
    assert parse_form([spec], {"when": "{question: q1, in: [yes]}"}) == (
        {"when": {"question": "q1", "in": ["yes"]}}, {})
