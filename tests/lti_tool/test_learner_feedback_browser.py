"""What a learner sees after answering, in Debian's Chromium at phone (360 px) and desktop
(1280 px) widths (issue 19, items 5-7): the module survey opens at its result with focus
on it (also without JavaScript), sits right under the video with the transcript folded
after it; errors name questions by number and words, never by id; a verdict is said once;
"Results" before the end says what is left and links to it. axe-core finds nothing."""
from __future__ import annotations

import shutil

import pytest
import yaml

from digiready.packs import load_pack
from tests.lti_tool.test_browser import VIEWPORTS, axe_violations, chromium, no_horizontal_scroll  # noqa: F401

BASE_PACK = __import__("pathlib").Path(__file__).resolve().parents[2] / "content" / "base"
MODULE = "digital_plan_small_budget"  # its second question's feedback opens with "Correct."


@pytest.fixture
def base_pack_with_video(tmp_path, monkeypatch):
    """The shipped base pack (its real, long transcripts), one module given an HTML5 video."""
    pack = tmp_path / "base"
    shutil.copytree(BASE_PACK, pack)
    module_file = pack / "modules" / MODULE / "module.yaml"
    module = yaml.safe_load(module_file.read_text(encoding="utf-8"))
    module["video"]["html5_url"] = "https://cdn.example.org/plan.mp4"
    module_file.write_text(yaml.safe_dump(module, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("DIGIREADY_LTI_PACK", str(pack))
    return load_pack(pack)


def _launch_id(env, user: str) -> str:
    page = env.launch(user)
    return page.url.split("launch=")[1].split("&")[0]


def _result_in_view(page) -> dict:
    return page.evaluate("""() => { const e = document.getElementById('survey-result');
        const r = e.getBoundingClientRect();
        return {focused: document.activeElement === e, top: r.top, bottom: r.bottom,
                height: window.innerHeight, scrolled: window.scrollY, text: e.innerText}; }""")


def _in_viewport(box: dict) -> bool:
    return -2 <= box["top"] < box["height"] and box["bottom"] > 0  # sub-pixel rounding


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_survey_opens_at_its_result_with_focus(chromium, sqlite_env, base_pack_with_video, size):  # noqa: F811
    pack = base_pack_with_video
    checks = pack.modules[MODULE].survey["knowledge_check"]
    launch = _launch_id(sqlite_env, f"learner-{1 if size == 'phone' else 2}")
    context = chromium.new_context(viewport=VIEWPORTS[size])
    page = context.new_page()
    page.goto(f"{sqlite_env.tool_url}/learn/module/{MODULE}?launch={launch}")
    # The survey comes right after the video; the transcript is folded away below it.
    order = page.evaluate("""() => [document.querySelector('video').getBoundingClientRect().bottom,
        document.getElementById('survey-h').getBoundingClientRect().top,
        document.querySelector('details.transcript').getBoundingClientRect().top,
        document.querySelector('details.transcript').open]""")
    assert order[0] <= order[1] < order[2] and order[3] is False, order
    assert axe_violations(page) == [] and no_horizontal_scroll(page)

    # Nothing answered: the page opens at what is missing, focused, named by number and words.
    with page.expect_navigation():
        page.get_by_role("button", name="Submit").click()
    box = _result_in_view(page)
    assert box["focused"] and _in_viewport(box), box
    assert "Please answer:" in box["text"]
    assert f"Question 1: {checks[0]['text']}" in box["text"]
    for item in checks:  # internal ids appear nowhere a learner reads
        assert f"kc-{item['id']}" not in box["text"] and f"'{item['id']}'" not in page.inner_text("main")
    assert page.evaluate("window.scrollY") > 0 or size == "desktop"
    assert axe_violations(page) == [] and no_horizontal_scroll(page)
    # The links of the summary go to the question.
    page.get_by_role("link", name=f"Question 2: {checks[1]['text']}").click()
    assert page.evaluate("location.hash") == f"#kc-{checks[1]['id']}"

    # Every answer right: thanks and the score, focused; each verdict said once.
    for item in checks:
        correct = next(o for o in item["options"] if o.get("correct"))
        page.locator(f'input[name="kc-{item["id"]}"][value="{correct["id"]}"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="Submit").click()
    box = _result_in_view(page)
    assert box["focused"] and _in_viewport(box), box
    assert "Thank you, your answers are saved." in box["text"]
    assert f"You answered {len(checks)} of {len(checks)} questions correctly." in box["text"]
    doubled = checks[1]["options"][0]["feedback"]
    assert doubled.startswith("Correct.")  # the content this guards against
    feedback = page.locator(f"#kc-{checks[1]['id']} p.ok").inner_text()
    assert feedback == doubled and "Correct. Correct." not in page.inner_text("main")
    first = page.locator(f"#kc-{checks[0]['id']} p.ok").inner_text()
    assert first == "Correct. " + checks[0]["options"][1]["feedback"]  # no verdict of its own: added
    assert axe_violations(page) == [] and no_horizontal_scroll(page)
    context.close()


def test_survey_result_is_scrolled_to_without_javascript(chromium, sqlite_env, base_pack_with_video):  # noqa: F811
    launch = _launch_id(sqlite_env, "learner-3")
    context = chromium.new_context(viewport=VIEWPORTS["phone"], java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{sqlite_env.tool_url}/learn/module/{MODULE}?launch={launch}")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit").click()
    assert page.url.endswith("#survey-result")
    box = _result_in_view(page)
    assert _in_viewport(box) and box["scrolled"] > 0, box
    assert "Please answer:" in box["text"]
    context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_results_before_the_end_say_what_is_left(chromium, sqlite_env, size):  # noqa: F811
    """The "Results" link in the page's navigation, half-way: a message with the number of
    questions left (ngettext) and a link to the first step still unanswered, not step 1."""
    launch = _launch_id(sqlite_env, f"learner-{1 if size == 'phone' else 2}")
    context = chromium.new_context(viewport=VIEWPORTS[size])
    page = context.new_page()
    base = f"{sqlite_env.tool_url}/learn"
    # Never started: say so, and offer the start.
    page.goto(f"{base}/progress?launch={launch}")
    page.get_by_role("link", name="Results").click()
    page.wait_for_url("**/learn/results?*")
    assert "You have not started the diagnostic yet." in page.inner_text("#unfinished")
    assert axe_violations(page) == [] and no_horizontal_scroll(page)
    # The profile step answered, then "Results".
    page.goto(f"{base}/diagnostic?launch={launch}&step=0")
    for group in page.locator("fieldset.q").all():
        group.locator("input").first.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    assert "Step 2 of" in page.inner_text("main")
    left = page.evaluate("""() => { const p = document.querySelector('progress');
        return Number(p.max) - Number(p.value); }""")
    page.get_by_role("link", name="Results").click()
    page.wait_for_url("**/learn/results?*")
    assert "/learn/diagnostic" not in page.url  # not sent back without a word
    message = page.inner_text("#unfinished")
    assert "You have not finished the diagnostic yet." in message
    assert "Answer the remaining " in message and " questions to see your results." in message
    remaining = int(message.split("Answer the remaining ")[1].split(" ")[0])
    assert 0 < remaining <= left, (remaining, left)
    link = page.get_by_role("link", name="Continue at step 2 of")
    assert link.is_visible() and "step=1" in link.get_attribute("href")
    assert axe_violations(page) == [] and no_horizontal_scroll(page)
    with page.expect_navigation():
        link.click()
    assert "Step 2 of" in page.inner_text("main")
    context.close()
