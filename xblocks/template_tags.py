"""``{% t "msgid" name=value %}``: translate with the block's catalog (``_`` in the context).

Django's own ``{% trans %}`` follows the site's active language; these blocks translate into
the language they chose (see :mod:`xblocks.i18n`), so they carry their translator in the
template context instead.
"""
from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def t(context, msgid: str, **values) -> str:
    translate = context.get("_")
    text = translate(msgid) if translate else msgid
    return text % values if values else text


@register.simple_tag(takes_context=True)
def tn(context, singular: str, plural: str, count: int, **values) -> str:
    translator = context.get("_")
    text = translator.ngettext(singular, plural, count) if translator else (singular if count == 1 else plural)
    return text % dict(values, count=count)
