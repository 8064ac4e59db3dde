"""Workbench scenarios: each block with the default pack, with the first economy overlay found
in the content directory, and the survey of the pack's first module."""
from __future__ import annotations

from xblocks import content
from xblocks.i18n import LOCALES, overlay_translator


def _first_economy() -> str | None:
    economies = content.available_economies()
    return economies[0] if economies else None


def _overlay_language(economy: str) -> str:
    """The overlay's own language when the blocks can speak it (shows the i18n): they have
    a catalog for it, or the overlay's interface strings cover every text of theirs."""
    try:
        pack = content.resolve(content.DEFAULT_PACK, economy, None)
        for lang in pack.languages:
            if lang == "en":
                continue
            if lang in LOCALES or overlay_translator(
                    content.resolve(content.DEFAULT_PACK, economy, lang)) is not None:
                return lang
    except content.ContentError:
        pass
    return "auto"


def diagnostic_scenarios() -> list[tuple[str, str]]:
    scenarios = [
        ("DigiReady diagnostic", '<digiready_diagnostic url_name="diagnostic"/>'),
        ("DigiReady diagnostic (maturity-graded)",
         '<vertical_demo><digiready_diagnostic url_name="diagnostic_maturity" grading_mode="maturity" '
         'weight="2"/></vertical_demo>'),
    ]
    economy = _first_economy()
    if economy:
        language = _overlay_language(economy)
        scenarios.append((f"DigiReady diagnostic ({economy} overlay, {language})",
                          f'<digiready_diagnostic url_name="diagnostic_{economy}" economy="{economy}" '
                          f'language="{language}"/>'))
    return scenarios


def survey_scenarios() -> list[tuple[str, str]]:
    return [
        ("DigiReady module survey", '<digiready_survey url_name="survey"/>'),
        ("DigiReady survey authored in Studio",
         '<digiready_survey url_name="survey_custom" custom_questions=\'[{"id": "q1", "text": '
         '"Which payment needs no cash?", "options": [{"id": "a", "label": "A QR code", "correct": true}, '
         '{"id": "b", "label": "Coins"}]}]\'/>'),
    ]
