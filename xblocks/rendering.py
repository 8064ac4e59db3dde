"""Templates of the blocks: Django templates read from the package, compiled once per process.

``xblock.utils.resources.ResourceLoader`` reads the files (as xblock-poll and
drag-and-drop-v2 do); compiling is cached because a unit page may hold many blocks and a
student view must render in a few milliseconds.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.template import Context, Engine, Template
from xblock.utils.resources import ResourceLoader

loader = ResourceLoader(__name__)


@lru_cache(maxsize=1)
def _engine() -> Engine:
    return Engine(libraries={"dr": "xblocks.template_tags"}, autoescape=True)


@lru_cache(maxsize=32)
def _template(path: str) -> Template:
    return _engine().from_string(loader.load_unicode(path))


def render(path: str, context: dict[str, Any]) -> str:
    return _template(path).render(Context(context, autoescape=True))


def load(path: str) -> str:
    return _load(path)


@lru_cache(maxsize=32)
def _load(path: str) -> str:
    return loader.load_unicode(path)


def author_fragment(title: str, rows: list[tuple[str, str]], problems: list[str]):
    """Studio's unit page view of a block: its settings as a list, and what is wrong with them."""
    from web_fragments.fragment import Fragment

    fragment = Fragment(render("templates/author.html", {"title": title, "rows": rows, "problems": problems}))
    fragment.add_css(load("public/css/digiready.css"))
    return fragment
