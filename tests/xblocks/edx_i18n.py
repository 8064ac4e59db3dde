"""edx-platform's XBlock ``i18n`` service, reproduced for the tests from its published source
(``xmodule/modulestore/django.py``: ``XBlockI18nService``; ``xmodule/modulestore/api.py``:
``get_xblock_root_module_name``, ``get_python_locale_root``), so that the blocks meet the
service the LMS gives them, not the workbench's.

What a block gets: an object that passes every attribute through to its ``translator``,
which is the block's own gettext catalog in the learner's language (``get_language()`` of
the request, activated by the LMS's language middleware) when one is found, and
``django.utils.translation`` otherwise. A catalog has ``gettext``/``ngettext``/``info`` but
no ``get_language``.

Catalogs are looked for first in the OEP-58 ("atlas") folder
``<REPO_ROOT>/conf/plugins-locale/xblock.v1/<root module>/`` with the ``django`` domain (Tutor's
image fills it with ``pull_xblock_translations`` and ``compile_xblock_translations``), then in
the package's ``translations/`` with the ``text`` domain. The published code takes the
second path as ``str(importlib.resources.path(...))``, which is the text of a context
manager, not a folder: that lookup never finds a catalog and the service falls back to
Django. Both are reproduced as published.
"""
from __future__ import annotations

import gettext
import shutil
import warnings
from importlib.resources import path as resources_path
from pathlib import Path

import django.utils.translation
from django.conf import settings
from django.utils.translation import get_language, to_locale


def get_xblock_root_module_name(block) -> str:
    xblock_original_class = getattr(block, "unmixed_class", block.__class__)
    return xblock_original_class.__module__.split(".")[0]


class XBlockI18nService:
    #: ``settings.REPO_ROOT / "conf/plugins-locale/xblock.v1"`` in edx-platform.
    python_locale_root = Path("/nonexistent/conf/plugins-locale/xblock.v1")

    def __init__(self, block=None) -> None:
        self.translator = django.utils.translation
        if block:
            xblock_locale_domain, xblock_locale_dir = self.get_python_locale(block)
            selected_language = get_language()
            if xblock_locale_dir:
                try:
                    self.translator = gettext.translation(
                        xblock_locale_domain, xblock_locale_dir,
                        [to_locale(selected_language if selected_language else settings.LANGUAGE_CODE)])
                except OSError:
                    pass

    def get_python_locale(self, block):
        xblock_module_name = get_xblock_root_module_name(block)
        xblock_locale_path = self.python_locale_root / xblock_module_name
        if xblock_locale_path.is_dir():
            return "django", xblock_locale_path
        with warnings.catch_warnings():  # importlib.resources.path is deprecated (as published)
            warnings.simplefilter("ignore", DeprecationWarning)
            deprecated_xblock_locale_path = str(resources_path(xblock_module_name, "translations"))
        return "text", deprecated_xblock_locale_path

    def __getattr__(self, name):
        name = "gettext" if name == "ugettext" else name
        return getattr(self.translator, name)


def install_catalogs(root: Path, locale_dir: Path, locales) -> Path:
    """What Tutor's image leaves in the OEP-58 folder for the blocks: their compiled catalogs
    as ``<root>/xblocks/<locale>/LC_MESSAGES/django.mo``. Returns ``root``."""
    for locale in locales:
        target = root / "xblocks" / locale / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(locale_dir / locale / "LC_MESSAGES" / "text.mo", target / "django.mo")
    return root


def edx_runtime(base: type) -> type:
    """``base`` (a test runtime) giving blocks the i18n service as the LMS builds it: per block,
    since it needs the block to find its catalog."""

    class EdxRuntime(base):
        def service(self, block, service_name):
            if service_name == "i18n":
                return XBlockI18nService(block)
            return super().service(block, service_name)

    return EdxRuntime
