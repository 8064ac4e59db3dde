"""What a learner reads after answering, worded once for the XBlocks and the LTI tool.

- A knowledge-check verdict with the chosen option's own feedback. Content authors often
  open that feedback with the verdict itself ("Correct. Someone has to..."), so a page that
  prints "Correct." before it read "Correct. Correct. ...": the verdict is said once.
- Errors that name a question by its text, never by its internal id. The core's validation
  (:func:`digiready.diagnostic.questionnaire.validate`) writes one line per problem for
  developers and logs ("question 'pay_qr': 'x' is not an option (allowed: ...)"); a learner
  gets the question's words and what to do instead.

Adapters pass their own ``gettext``; this module is listed in each adapter's ``babel.cfg``
so its msgids reach their catalogues.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping

Gettext = Callable[[str], str]

# "question 'id': problem" / "profile 'id': problem", as the core's validation writes them.
_LINE = re.compile(r"^(?:question|profile) '([^']+)': (.*)$", re.S)
_REQUIRED = "an answer is required"
# The value given is not one the question offers (normalize_answer's wording).
_BAD_VALUE = re.compile(r"is not an option|is not one of|is not a whole number|^expected |"
                        r"cannot be combined|'not applicable' is not offered")


def N_(text: str) -> str:
    """Marks a msgid for extraction; the adapter's gettext translates it where it is shown."""
    return text


PLEASE_ANSWER_NAMED = N_("Please answer “%(question)s”.")
PLEASE_ANSWER = N_("Please answer this question.")
NOT_A_CHOICE_NAMED = N_("Your answer to “%(question)s” is not one of its choices. Please choose again.")
NOT_A_CHOICE = N_("This answer is not one of the choices. Please choose again.")
UNREADABLE = N_("Some answers could not be read. Please reload the page and answer again.")


def _core(text: str) -> str:
    """The words of a verdict, without its closing punctuation, for comparison."""
    return unicodedata.normalize("NFC", text).strip().rstrip(".!。！ ").casefold()


def verdict_with_feedback(verdict: str, feedback: str | None) -> str:
    """``verdict`` ("Correct.", translated) followed by the option's ``feedback``, unless
    the feedback already opens with the verdict's words (then the feedback alone)."""
    feedback = (feedback or "").strip()
    if not feedback:
        return verdict
    words = _core(verdict)
    head = unicodedata.normalize("NFC", feedback).casefold()
    if words and head.startswith(words):
        after = head[len(words):len(words) + 1]
        if not after or not (after.isalnum() or after == "_"):
            return feedback
    return f"{verdict} {feedback}"


def error_question(line: str) -> str | None:
    """The question (or profile question) id a validation line is about, if any."""
    match = _LINE.match(line)
    return match.group(1) if match else None


def learner_error(line: str, texts: Mapping[str, str], gettext: Gettext, *,
                  named: bool = True) -> str:
    """A validation line in the learner's words. ``texts``: question id -> the question as
    the learner reads it. ``named``: say which question (a summary far from the question);
    without it the message is for display next to the question itself."""
    match = _LINE.match(line)
    if match is None or match.group(1) not in texts:
        return gettext(UNREADABLE)
    question, problem = texts[match.group(1)], match.group(2)
    if problem.startswith(_REQUIRED):
        return gettext(PLEASE_ANSWER_NAMED) % {"question": question} if named else gettext(PLEASE_ANSWER)
    if _BAD_VALUE.search(problem):
        return gettext(NOT_A_CHOICE_NAMED) % {"question": question} if named else gettext(NOT_A_CHOICE)
    return gettext(UNREADABLE)  # e.g. a question this diagnostic does not ask: a stale page


def pack_question_texts(pack) -> dict[str, str]:
    """Every question and profile question of ``pack``, id -> text (in the pack's language)."""
    texts = {pq.id: pq.text for pq in pack.profile}
    texts.update((q.id, q.text) for q in pack.questions)
    return texts


def learner_errors(lines: list[str], texts: Mapping[str, str], gettext: Gettext) -> list[str]:
    """:func:`learner_error` of each line, each message once, in order."""
    out: list[str] = []
    for line in lines:
        message = learner_error(line, texts, gettext)
        if message not in out:
            out.append(message)
    return out
