"""Tutor plugin: installs the DigiReady XBlocks into the Open edX image.

The plugin's wheel (``make dist``) carries the ``digiready`` wheel. Tutor copies that wheel
into the image's build context (``env/build/openedx/digiready-dist/``) and the Dockerfile
patch installs it, non-editable and with only the ``xblock`` extra, in the
``python-requirements`` stage: into ``/openedx/venv``, which is what the production image
copies from that stage. (An editable install or a clone elsewhere in that stage is left
behind by the final image.) No package index or git host of ours is needed.

``DIGIREADY_PIP_REQUIREMENT`` replaces the bundled wheel with any pip requirement, e.g. an
economy's fork: ``digiready[xblock] @ git+https://git.example.org/digiready.git@v0.2.0``.
"""
from __future__ import annotations

import re
from pathlib import Path

from tutor import hooks

__version__ = "0.1.0"

TEMPLATES = Path(__file__).parent / "templates"
BUNDLE = TEMPLATES / "digiready-dist"  # holds digiready-<version>-py3-none-any.whl
WHEEL_NAME = re.compile(r"^digiready-(?P<version>[^-]+)-py3-none-any\.whl$")
MOUNT = "/openedx/digiready-dist"


def bundled_version() -> str | None:
    """Version of the digiready wheel bundled with this plugin (None in a source checkout)."""
    versions = [m.group("version") for p in BUNDLE.glob("*.whl") if (m := WHEEL_NAME.match(p.name))]
    return max(versions) if versions else None


def install_patch(version: str | None) -> str:
    """The ``openedx-dockerfile-post-python-requirements`` patch (a Jinja template)."""
    pip = "$PIP_COMMAND"  # Tutor 21 and 22 install with it (uv pip) in this stage
    header = ("# DigiReady XBlocks (digiready_diagnostic, digiready_survey), installed into /openedx/venv,\n"
              "# which the production image copies from this stage.\n")
    custom = ("RUN --mount=type=cache,target=/openedx/.cache/pip,sharing=shared \\\n"
              f"    {pip} install '{{{{ DIGIREADY_PIP_REQUIREMENT }}}}'\n")
    if version is None:
        bundled = ('RUN echo "tutor-contrib-digiready has no bundled digiready wheel: install the plugin from '
                   'the wheel that make dist builds, or set DIGIREADY_PIP_REQUIREMENT" && false\n')
    else:
        bundled = (f"RUN --mount=type=bind,source=digiready-dist,target={MOUNT} \\\n"
                   "    --mount=type=cache,target=/openedx/.cache/pip,sharing=shared \\\n"
                   f"    {pip} install --find-links {MOUNT} 'digiready[xblock]=={version}'\n")
    return header + "{% if DIGIREADY_PIP_REQUIREMENT %}" + custom + "{% else %}" + bundled + "{% endif %}"


hooks.Filters.CONFIG_DEFAULTS.add_items([
    # Empty: install the digiready wheel bundled with this plugin. Else any pip requirement.
    ("DIGIREADY_PIP_REQUIREMENT", ""),
    # Optional: a folder in the image holding other content packs (else the packs installed
    # with the wheel: base and the economy overlays).
    ("DIGIREADY_CONTENT_DIR", ""),
])

if bundled_version() is not None:
    # The wheel goes into the openedx image's build context as it is (never through Jinja).
    hooks.Filters.ENV_TEMPLATE_ROOTS.add_item(str(TEMPLATES))
    hooks.Filters.ENV_TEMPLATE_TARGETS.add_item(("digiready-dist", "build/openedx"))

    @hooks.Filters.IS_FILE_RENDERED.add()
    def _copy_wheels_unrendered(result: bool, path: str) -> bool:
        return False if path.endswith(".whl") else result

hooks.Filters.ENV_PATCHES.add_item(("openedx-dockerfile-post-python-requirements", install_patch(bundled_version())))

hooks.Filters.ENV_PATCHES.add_item((
    "openedx-common-settings",
    """# DigiReady XBlocks: settings bucket read through the XBlock settings service
XBLOCK_SETTINGS.setdefault("DigiReady", {})
{% if DIGIREADY_CONTENT_DIR %}XBLOCK_SETTINGS["DigiReady"]["CONTENT_DIR"] = "{{ DIGIREADY_CONTENT_DIR }}"{% endif %}
""",
))
