"""The learner's language reaches the blocks through the i18n service as edx-platform gives
it (tests/xblocks/edx_i18n.py): a Spanish learner gets Spanish questions and buttons whether
the service hands over the blocks' own catalog (OEP-58 folder filled, as in a Tutor image)
or passes through to Django."""
from __future__ import annotations

import pytest
from django.utils import translation

from tests.xblocks.conftest import RecordingRuntime
from tests.xblocks.edx_i18n import XBlockI18nService, edx_runtime, install_catalogs
from xblocks.diagnostic import DiagnosticXBlock
from xblocks.i18n import LOCALE_DIR, LOCALES
from xblocks.survey import SurveyXBlock


@pytest.fixture(params=["atlas-catalog", "django-fallback"])
def edx_i18n(request, tmp_path, monkeypatch):
    """The service class, with the OEP-58 folder holding the blocks' catalogs or absent."""
    root = tmp_path / "conf" / "plugins-locale" / "xblock.v1"
    if request.param == "atlas-catalog":  # what compile_xblock_translations leaves there
        install_catalogs(root, LOCALE_DIR, LOCALES)
    monkeypatch.setattr(XBlockI18nService, "python_locale_root", root)
    return request.param


EdxRuntime = edx_runtime(RecordingRuntime)


@pytest.mark.parametrize("learner, lang, button", [("es", "es", "Guardar y continuar"),
                                                   ("es-419", "es", "Guardar y continuar"),
                                                   ("en", "en", "Save and continue")])
def test_diagnostic_speaks_the_learners_language(make_block, edx_i18n, learner, lang, button):
    block = make_block(DiagnosticXBlock, runtime_class=EdxRuntime, economy="xx", language="auto")
    with translation.override(learner):
        service = block.runtime.service(block, "i18n")
        # The situation the blocks must cope with: a catalog, which has no get_language.
        assert hasattr(service, "get_language") is (edx_i18n == "django-fallback")
        html = block.student_view().content
    assert f'lang="{lang}"' in html and button in html


def test_survey_speaks_the_learners_language(make_block, edx_i18n):
    block = make_block(SurveyXBlock, runtime_class=EdxRuntime, economy="xx", language="auto")
    with translation.override("es"):
        html = block.student_view().content
    assert 'lang="es"' in html and "Enviar" in html
