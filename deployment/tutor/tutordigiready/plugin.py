"""Tutor plugin: installs the DigiReady XBlocks into the Open edX image.

``tutor plugins enable digiready && tutor images build openedx`` is all an LMS admin runs;
course authors then add ``digiready_diagnostic`` and ``digiready_survey`` to a course's
advanced modules. The package is installed with only its ``xblock`` extra: no Flask, no
report libraries enter the Open edX image.
"""
from __future__ import annotations

from tutor import hooks

__version__ = "0.1.0"

hooks.Filters.CONFIG_DEFAULTS.add_items([
    # Where the DigiReady source comes from, and which tag or branch to build.
    ("DIGIREADY_REPOSITORY", "https://github.com/digiready/digiready.git"),
    ("DIGIREADY_VERSION", "v" + __version__),
    # Optional: a folder in the image holding other content packs (else the bundled content/).
    ("DIGIREADY_CONTENT_DIR", ""),
])

# Cloned then installed in editable mode, like edx-platform itself: the content packs and
# their schemas stay beside the code, where the core looks for them.
hooks.Filters.ENV_PATCHES.add_item((
    "openedx-dockerfile-post-python-requirements",
    """# DigiReady XBlocks (digiready_diagnostic, digiready_survey)
RUN --mount=type=cache,target=/openedx/.cache/pip,sharing=shared \\
    git clone --depth 1 --branch {{ DIGIREADY_VERSION }} {{ DIGIREADY_REPOSITORY }} /openedx/digiready \\
    && pip install -e "/openedx/digiready[xblock]"
""",
))

hooks.Filters.ENV_PATCHES.add_item((
    "openedx-common-settings",
    """# DigiReady XBlocks: settings bucket read through the XBlock settings service
XBLOCK_SETTINGS.setdefault("DigiReady", {})
{% if DIGIREADY_CONTENT_DIR %}XBLOCK_SETTINGS["DigiReady"]["CONTENT_DIR"] = "{{ DIGIREADY_CONTENT_DIR }}"{% endif %}
""",
))
