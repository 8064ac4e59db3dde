"""The questions of a diagnostic step, rendered once and reused.

A step page is mostly its questions' markup (the profile step: eight questions, fifty
choices, a few hundred escaped values), and that markup depends only on the question, the
learner's current answer, an error message and the UI language. Rendering it took most of
the page's time; the fragments are cached by exactly those inputs, so a blank question (every
first visit of a step) is rendered once per worker and language. The rest of the page (launch
id, CSRF token, progress) is rendered per request as before.
"""
from __future__ import annotations

import threading

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from lti_tool.learner.forms import Field

TEMPLATE = "learner/_field.html"
# Enough for every blank question of a pack in a few languages plus recent answered ones;
# cleared when full (an answered question rarely repeats, so there is little to keep).
MAX_ENTRIES = 4096

_cache: dict[tuple, Markup] = {}
_lock = threading.Lock()


def _key(field: Field) -> tuple:
    return (field.name, field.id, field.kind, field.label, field.help, field.example,
            field.required, field.value, field.error,
            tuple((c.value, c.label, c.checked, c.help) for c in field.choices))


def field_html(field: Field) -> Markup:
    env = current_app.jinja_env
    key = (id(env), str(get_locale()), _key(field))
    html = _cache.get(key)
    if html is None:
        html = Markup(env.get_template(TEMPLATE).render(f=field))
        with _lock:
            if len(_cache) >= MAX_ENTRIES:
                _cache.clear()
            _cache[key] = html
    return html


def clear() -> None:
    with _lock:
        _cache.clear()
