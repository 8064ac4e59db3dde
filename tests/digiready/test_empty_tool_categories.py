"""Issue 17, item 7: no tool category is recommended with an empty tool list. A category with no
tool for the learner's economy (base pack + overlay) names nothing the business could try, so
the recommender leaves it out; the rule's other items (videos, programmes) stay."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digiready.diagnostic import diagnose, visible_questions
from digiready.diagnostic.conditions import Context
from digiready.diagnostic.recommend import assemble
from digiready.packs import load_pack
from tests.digiready.test_fast_path_agrees import valid_answer

BASE = Path(__file__).resolve().parents[2] / "content" / "base"
ECONOMIES = [None, "pe", "ph", "vn", "id", "pg"]


def every_rule_fired(pack) -> list[dict]:
    """What the pack recommends when every one of its rules fires (no answers given)."""
    return assemble(pack, Context({}, {}, {}, {}), [(order, 1.0) for order in range(len(pack.rules))])


@pytest.mark.parametrize("economy", ECONOMIES, ids=[e or "base" for e in ECONOMIES])
def test_every_recommended_category_names_a_tool_of_the_economy(economy):
    pack = load_pack(BASE, economy)
    listed = every_rule_fired(pack)
    categories = {i["id"]: i for i in listed if i["kind"] == "tool_category"}
    assert all(item["tools"] for item in categories.values()), [
        c for c, item in categories.items() if not item["tools"]]
    named = {c for rule in pack.rules for c in rule.tool_categories}
    # exactly the categories some rule names and the economy has a tool for
    assert set(categories) == {c for c in named if pack.tools_in(c)}
    # and every rule that fires still says why (its videos and programmes remain)
    reasons = {r["rule"] for item in listed for r in item["reasons"]}
    assert reasons == {rule.id for rule in pack.rules if rule.modules or any(
        pack.tools_in(c) for c in rule.tool_categories) or any(
        rule.programme_topics and rule.programme_topics[0] in p.topics for p in pack.programmes)}


def test_the_base_pack_alone_leaves_out_categories_only_overlays_fill():
    """The base pack has no QR wallet or marketplace of its own: without an overlay those
    categories are not offered; with one they are, with the overlay's tools."""
    alone = {i["id"] for i in every_rule_fired(load_pack(BASE)) if i["kind"] == "tool_category"}
    assert "qr_mobile_payments" not in alone and "online_marketplaces" not in alone
    peru = {i["id"]: i for i in every_rule_fired(load_pack(BASE, "pe"))
            if i["kind"] == "tool_category"}
    assert [t["id"] for t in peru["qr_mobile_payments"]["tools"]][:2] == ["pe_yape", "pe_plin"]


def test_png_now_has_a_marketplace_and_learning_and_records_tools():
    """The categories PNG's advice leaned on were empty before issue 17 (learning, customer
    records, marketplaces): each now names at least one tool."""
    pack = load_pack(BASE, "pg")
    for category in ("online_marketplaces", "learning_skills", "customer_records_privacy"):
        assert pack.tools_in(category), category
    assert any(t.id == "pg_facebook_selling" for t in pack.tools_in("online_marketplaces"))


def test_a_fixture_category_without_tools_is_dropped_with_its_rule_kept(fixture_pack_dir):
    """The fixture pack's 'messaging' category has no tool: the rule that names it still fires
    (its video is listed with its reason) but the category itself is not recommended."""
    pack = load_pack(fixture_pack_dir)
    assert not pack.tools_in("messaging")
    listed = every_rule_fired(pack)
    assert "messaging" not in {i["id"] for i in listed if i["kind"] == "tool_category"}
    rules = [r for r in pack.rules if "messaging" in r.tool_categories]
    assert rules
    for rule in rules:
        assert any(r["rule"] == rule.id for i in listed for r in i["reasons"]) or not (
            rule.modules or rule.programme_topics)


PACKS = {e: load_pack(BASE, e) for e in ECONOMIES}


@st.composite
def business(draw):
    """A business of any economy (or none), with the profile answers that make the women-led,
    youth-led and cooperative rules fire, answering every question it is shown."""
    economy = draw(st.sampled_from(ECONOMIES))
    pack = PACKS[economy]
    profile = {"economy": economy or "other", "area": draw(st.sampled_from(["urban", "rural"])),
               "sector": "g", "size": draw(st.sampled_from(["sole", "micro", "small"])),
               "legal_form": draw(st.sampled_from(["informal", "cooperative", "company"])),
               "gender": draw(st.sampled_from(["woman", "man"])),
               "age_band": draw(st.sampled_from(["under_25", "35_44"]))}
    answers: dict = {}
    for question in pack.questions:
        visible, _ = visible_questions(pack, profile, answers)
        if question.id in {q.id for q in visible}:
            answers[question.id] = draw(valid_answer(question))
    return economy, profile, answers


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(business())
def test_no_diagnosis_recommends_an_empty_category(case):
    """Through the real diagnosis, on random answers to every question the business is shown."""
    economy, profile, answers = case
    result = diagnose(PACKS[economy], profile, answers)
    empty = [i["id"] for i in result["recommendations"]
             if i["kind"] == "tool_category" and not i["tools"]]
    assert empty == []


def test_pack_show_names_the_categories_without_tools(capsys):
    from digiready.cli.main import main
    from digiready.cli.pack_commands import summary

    assert "qr_mobile_payments" in summary(load_pack(BASE))["tool_categories_without_tools"]
    assert "online_marketplaces" not in summary(load_pack(BASE, "pg"))["tool_categories_without_tools"]
    assert main(["pack", "show", str(BASE)]) == 0
    assert "tool categories with no tool (never recommended" in capsys.readouterr().out


# --- programmes for women-led, youth-led and cooperative businesses (issue 17, item 7) -------
PROFILE = {"area": "urban", "sector": "g", "size": "micro", "legal_form": "informal"}
WEAK = {"payments_accepted": ["cash"], "digital_payments_share": "none", "digital_plan": "none"}


def programmes_for(economy: str, **profile) -> set[str]:
    result = diagnose(PACKS[economy], {**PROFILE, "economy": economy, **profile}, WEAK, complete=False)
    return {i["id"] for i in result["recommendations"] if i["kind"] == "programme"}


@pytest.mark.parametrize("economy", ["pe", "ph", "vn", "id", "pg"])
def test_each_economy_offers_women_youth_and_cooperative_programmes_to_whom_they_serve(economy):
    pack = PACKS[economy]
    women = {p.id for p in pack.programmes if "women" in p.topics}
    youth = {p.id for p in pack.programmes if "youth" in p.topics}
    coops = {p.id for p in pack.programmes if "cooperatives" in p.topics}
    hotline = {p.id for p in pack.programmes if "cybersecurity" in p.topics}
    assert women and youth and coops and hotline, economy
    # only-women and only-youth programmes: each reaches its group and not the other
    only_women = {p.id for p in pack.programmes if p.topics == ("women",)}
    only_youth = {p.id for p in pack.programmes if p.topics == ("youth",)}
    assert only_women and only_youth, economy
    older_woman = programmes_for(economy, gender="woman", age_band="45_54")
    young_man = programmes_for(economy, gender="man", age_band="under_25")
    assert only_women <= older_woman and not only_youth & older_woman
    assert only_youth <= young_man and not only_women & young_man
    # the cooperative programmes reach a cooperative that keeps member records on paper
    coop = diagnose(pack, {**PROFILE, "economy": economy, "legal_form": "cooperative"},
                    {**WEAK, "coop_member_records": "paper"}, complete=False)
    assert coops & {i["id"] for i in coop["recommendations"] if i["kind"] == "programme"}
