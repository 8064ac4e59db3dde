"""A training module's own page (title, objectives, video, transcript): where a recommendation
links when the course author has not mapped the module to a unit of the course."""
from __future__ import annotations

from collections.abc import Callable

from webob import Response

from digiready import config
from digiready.events import STATIC_DIR
from digiready.media import player, serve
from digiready.packs import Pack
from xblocks import rendering
from xblocks.i18n import Translator


def module_page_response(pack: Pack, module_id: str, _: Translator, *, events_url: str = "",
                         csrf: str = "", media_url: Callable[[str], str] | None = None) -> Response:
    """``media_url`` maps a file under ``DIGIREADY_MEDIA_DIR`` to its URL (the block's ``media``
    handler, unless ``DIGIREADY_MEDIA_URL`` names where nginx or a CDN serves them)."""
    module = pack.modules.get(module_id.strip("/"))
    if module is None:
        return Response(_("This training module does not exist in the content pack."), status=404,
                        content_type="text/plain", charset="utf8")
    video = module.video or {}
    url = media_url if media_url and not config.get("MEDIA_URL") else serve.media_url
    view = player.view(pack, module.id, url=url)
    events = ({"data-events-url": events_url, "data-csrf": csrf, "data-csrf-header": "X-CSRFToken"}
              if events_url else {})
    player_html = player.html(view, _, title=module.title, attributes=events)
    html = rendering.render("templates/module_page.html", {
        "_": _, "lang": pack.language, "module": module, "player_html": player_html,
        "minutes": view.minutes,
        "paragraphs": [p.strip() for p in module.script.split("\n\n") if p.strip() and not p.startswith("#")],
        "html5_url": video.get("html5_url") or "", "youtube_id": video.get("youtube_id") or "",
        # The events area's player script posts the video events to the block's handler.
        "events_url": events_url, "csrf": csrf, "duration": module.duration_seconds,
        "player_js": (STATIC_DIR / "player.js").read_text(encoding="utf-8") if events_url or player_html else "",
    })
    return Response(html, content_type="text/html", charset="utf8")
