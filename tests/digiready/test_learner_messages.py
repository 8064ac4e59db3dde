"""Learner-facing wording shared by the adapters: a verdict said once, errors without ids."""
from __future__ import annotations

import pytest

from digiready.packs import load_pack
from digiready.presentation.learner_messages import (
    learner_error,
    learner_errors,
    pack_question_texts,
    verdict_with_feedback,
)
from tests.paths import FIXTURE_PACK


@pytest.mark.parametrize("verdict, feedback, shown", [
    ("Correct.", "Correct. Someone has to be responsible.", "Correct. Someone has to be responsible."),
    ("Correct.", "correct! Well done.", "correct! Well done."),
    ("Correct.", "Yes. One clear goal helps.", "Correct. Yes. One clear goal helps."),
    ("Correct.", "Correctly done is half done.", "Correct. Correctly done is half done."),
    ("Correct.", None, "Correct."),
    ("Correcto.", "Correcto, así es.", "Correcto, así es."),
    ("Đúng.", "Đúng vậy. Sổ sách chỉ có ích.", "Đúng vậy. Sổ sách chỉ có ích."),
    ("Not quite.", "Not quite: try again.", "Not quite: try again."),
    ("Not quite.", "No.", "Not quite. No."),
])
def test_the_verdict_is_said_once(verdict, feedback, shown):
    assert verdict_with_feedback(verdict, feedback) == shown


def test_errors_name_the_question_by_its_words_never_its_id():
    pack = load_pack(FIXTURE_PACK)
    texts = pack_question_texts(pack)
    channels = pack.question("channels").text
    lines = ["question 'channels': an answer is required (x)",
             "question 'sells_online': 'maybe' is not one of yes, partly, no",
             "question 'nope': unknown question", "question 'channels': an answer is required (x)"]
    messages = learner_errors(lines, texts, str)
    assert messages == [f"Please answer “{channels}”.",
                        f"Your answer to “{pack.question('sells_online').text}” is not one of its choices. "
                        "Please choose again.",
                        "Some answers could not be read. Please reload the page and answer again."]
    assert not any("channels" in m or "sells_online" in m or "nope" in m for m in messages)
    assert learner_error(lines[0], texts, str, named=False) == "Please answer this question."
    # Translated through the adapter's gettext.
    assert learner_error(lines[0], texts, lambda s: s.replace("Please answer", "Responda")) == f"Responda “{channels}”."
