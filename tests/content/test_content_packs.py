"""The shipped content: the English base pack and the five economy overlays.

These are the checks an economy team relies on: everything validates, every caption file
carries its whole script in order and in time, every recommendation leads somewhere real,
and every module can be reached by some business.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import webvtt

from digiready.diagnostic import score_only
from digiready.diagnostic.conditions import Context
from digiready.diagnostic.recommend import recommend
from digiready.packs import load_pack, validate_pack
from digiready.packs.checks import iter_leaves

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "content" / "base"
ECONOMIES = {"pe": ["es"], "ph": ["en", "fil"], "vn": ["vi"], "id": ["id"], "pg": ["en", "tpi"]}


def seconds(timestamp: str) -> float:
    """``00:01:02.500`` -> 62.5 (webvtt-py's *_in_seconds drop the milliseconds)."""
    parts = [float(p) for p in timestamp.split(":")]
    return sum(value * 60 ** n for n, value in enumerate(reversed(parts)))


def words(text: str) -> list[str]:
    text = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return re.findall(r"\S+", text)


def test_base_pack_validates():
    issues, _coverage = validate_pack(BASE)
    assert [str(i) for i in issues if i.severity == "error"] == []
    pack = load_pack(BASE)
    assert 30 <= len(pack.questions) <= 40
    assert len(pack.modules) >= 12
    assert len(pack.tool_categories) >= 12
    assert len(pack.dii_items) == 12
    core = [d for d in pack.dimensions if not d.optional]
    assert len(core) == 7 and len(pack.dimensions) == 9
    for question in pack.questions:
        assert question.example, f"{question.id} has no example"


@pytest.mark.parametrize("economy", sorted(ECONOMIES))
def test_overlay_validates(economy):
    issues, coverage = validate_pack(BASE, economy)
    assert [str(i) for i in issues if i.severity == "error"] == []
    pack = load_pack(BASE, economy)
    assert pack.currency and pack.economy == economy
    topics = {item["topic"] for item in pack.legislation}
    assert {"e_invoicing", "data_protection"} <= topics
    assert pack.programmes, "an overlay lists its public support programmes"
    assert any(t.id.startswith(economy + "_") for t in pack.tools), "local tools"
    for tool in pack.tools:
        assert tool.source or tool.url


def _caption_files():
    for module_dir in sorted((BASE / "modules").iterdir()):
        yield module_dir / "captions.vtt", module_dir / "script.md", module_dir.name
    for economy in sorted(ECONOMIES):
        for vtt in sorted((ROOT / "content" / "economies" / economy / "modules").glob("*/captions.*.vtt")):
            lang = vtt.name.split(".")[1]
            yield vtt, vtt.with_name(f"script.{lang}.md"), vtt.parent.name


CAPTIONS = list(_caption_files())


@pytest.mark.parametrize("vtt,script,module_id", CAPTIONS,
                         ids=[str(c[0].relative_to(ROOT / "content")) for c in CAPTIONS])
def test_captions_parse_are_ordered_in_time_and_carry_the_whole_script(vtt, script, module_id):
    captions = webvtt.read_buffer(io.StringIO(vtt.read_text("utf-8")))
    duration = load_pack(BASE).modules[module_id].duration_seconds
    previous_end = 0.0
    assert len(captions) > 1
    for cue in captions:
        start, end = seconds(cue.start), seconds(cue.end)
        assert start >= previous_end - 1e-6, f"cue at {cue.start} overlaps the previous one"
        assert end > start
        assert end <= duration + 1e-6, f"cue ends after the module's {duration} s"
        previous_end = end
    spoken = [w for cue in captions for w in re.findall(r"\S+", cue.text)]
    assert spoken == words(script.read_text("utf-8"))


def test_every_dimension_and_level_band_reaches_a_module():
    pack = load_pack(BASE)
    for dimension in pack.dimensions:
        bands = ["beginner", "novice", "competent", "advanced"] if not dimension.optional else ["beginner", "novice"]
        for level in bands:
            band = next(lv for lv in pack.levels if lv.id == level)
            score = (band.min + band.max) / 2
            ctx = Context({}, {}, {dimension.id: score}, {dimension.id: level})
            modules = [r for r in recommend(pack, ctx) if r["kind"] == "module"]
            assert modules, f"{dimension.id} at {level} recommends no module"


def _answers_for(pack, leaves):
    """A profile and answers that make a rule's simple conditions true."""
    profile, answers = {}, {}
    for leaf, path in leaves:
        negated = "not" in path
        if "profile" in leaf:
            if not negated:
                profile[leaf["profile"]] = leaf.get("equals", (leaf.get("in") or [None])[0])
        elif "question" in leaf and not negated:
            q = pack.question(leaf["question"])
            if "includes" in leaf:
                answers[q.id] = [leaf["includes"]]
            elif "excludes" in leaf:
                answers[q.id] = []
            elif "min" in leaf:
                answers[q.id] = 5
            elif "max" in leaf:
                answers[q.id] = 0
            else:
                answers[q.id] = leaf.get("equals", (leaf.get("in") or [None])[0])
    return profile, answers


def test_every_module_is_reachable_from_some_answer_set():
    pack = load_pack(BASE)
    reached = set()
    profiles = [{"size": s, "legal_form": f, "gender": g, "age_band": a, "area": r}
                for s in ("sole", "micro") for f in ("cooperative", "sole_proprietor")
                for g in ("woman", "man") for a in ("under_25", "45_54") for r in ("rural", "urban")]
    # The lowest answers everywhere, then each rule's own trigger.
    lowest = {}
    for q in pack.questions:
        lowest[q.id] = [] if q.type == "checklist" else 0 if q.type == "scale" else "no" if q.type == "yesno" \
            else min(q.options, key=lambda o: o.score or 0).id
    for profile in profiles:
        for item in score_only(pack, profile, lowest)["recommendations"]:
            if item["kind"] == "module":
                reached.add(item["id"])
    # Questions about using the internet are skipped for a business without it, so each
    # rule's trigger is also tried for a business online by mobile data.
    online = {**lowest, "internet_connection": "phone_data_personal"}
    for rule in pack.rules:
        profile, answers = _answers_for(pack, list(iter_leaves(rule.when)))
        for baseline in (lowest, online):
            for item in score_only(pack, profile, {**baseline, **answers})["recommendations"]:
                if item["kind"] == "module":
                    reached.add(item["id"])
    assert set(pack.modules) - reached == set()


def test_each_knowledge_check_question_has_exactly_one_correct_answer():
    for module in load_pack(BASE).modules.values():
        checks = module.survey["knowledge_check"]
        assert 3 <= len(checks) <= 5, module.id
        for kc in checks:
            assert sum(o["correct"] for o in kc["options"]) == 1, f"{module.id}/{kc['id']}"
        assert "usefulness" in module.survey and "comment" in module.survey


@pytest.mark.parametrize("economy,language", [(e, lang) for e, langs in sorted(ECONOMIES.items()) for lang in langs])
def test_translation_coverage_is_complete(economy, language):
    _issues, coverage = validate_pack(BASE, economy)
    assert coverage.get(language) == 100.0, f"{economy}/{language}: {coverage.get(language)}%"


PACK_LANGUAGES = [(None, "en")] + [(e, lang) for e, langs in sorted(ECONOMIES.items()) for lang in langs if lang != "en"]


def _knowledge_checks(economy, language):
    pack = load_pack(BASE, economy, language)
    for module in pack.modules.values():
        for kc in module.survey["knowledge_check"]:
            yield f"{module.id}/{kc['id']}", kc["options"]


@pytest.mark.parametrize("economy,language", PACK_LANGUAGES, ids=[lang for _e, lang in PACK_LANGUAGES])
def test_knowledge_checks_cannot_be_guessed_from_the_longest_option(economy, language):
    """Issue 17: the right answer was the longest option in 38 of 42 items, so a learner could
    pass without watching. In every pack language it is the longest in at most 40 % of items,
    and no option is a throwaway a quarter of the length of the longest one."""
    longest, items, outliers = [], 0, []
    for item, options in _knowledge_checks(economy, language):
        items += 1
        lengths = [len(o["label"]) for o in options]
        correct = next(len(o["label"]) for o in options if o["correct"])
        if correct == max(lengths):
            longest.append(item)
        if min(lengths) < max(lengths) / 4:
            outliers.append((item, lengths))
    share = len(longest) / items
    assert share <= 0.40, f"{language}: the right option is the longest in {len(longest)} of {items} items: {longest}"
    assert outliers == []


def test_every_knowledge_check_option_explains_itself_in_every_language():
    for economy, language in PACK_LANGUAGES:
        for item, options in _knowledge_checks(economy, language):
            for option in options:
                assert option["label"].strip() and option["feedback"].strip(), f"{language} {item}/{option['id']}"


@pytest.mark.parametrize("vtt,script,module_id", CAPTIONS,
                         ids=[str(c[0].relative_to(ROOT / "content")) for c in CAPTIONS])
def test_shipped_captions_fit_the_reading_speed_in_their_language(vtt, script, module_id):
    """Issue 17: every pack language's cues are readable, by the rules the video build applies
    to captions timed from real audio (digiready.media.captions): at most 2 lines of 42
    characters and 17 characters a second. scripts/make_captions.py writes them so."""
    from digiready.media.captions import Cue, problems

    cues = [Cue(seconds(c.start), seconds(c.end), c.text)
            for c in webvtt.read_buffer(io.StringIO(vtt.read_text("utf-8")))]
    assert problems(cues) == []


INDICATOR_FILES = sorted((ROOT / "content" / "indicators").glob("*.csv"))


@pytest.mark.parametrize("path", INDICATOR_FILES, ids=[p.name for p in INDICATOR_FILES])
def test_every_open_indicator_value_has_a_source_address_and_a_year(path):
    """Issue 17 item 8: a figure in a report can always be traced to where it was published."""
    import csv

    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and list(rows[0]) == ["economy", "indicator_code", "indicator_name", "year", "value",
                                      "unit", "source", "licence", "note"]
    missing = [(n, r["economy"], r["indicator_code"]) for n, r in enumerate(rows, 2)
               if r["value"] and not (re.fullmatch(r"(19|20)\d\d", r["year"]) and r["source"].startswith(("https://", "http://"))
                                      and " " not in r["source"].strip())]
    assert missing == [], f"{path.name}: rows with a value but no year or no single source URL: {missing}"
