"""A training module's own page (title, objectives, video, transcript): where a recommendation
links when the course author has not mapped the module to a unit of the course."""
from __future__ import annotations

from webob import Response

from digiready.events import STATIC_DIR
from digiready.packs import Pack
from xblocks import rendering
from xblocks.i18n import Translator


def module_page_response(pack: Pack, module_id: str, _: Translator, *, events_url: str = "",
                         csrf: str = "") -> Response:
    module = pack.modules.get(module_id.strip("/"))
    if module is None:
        return Response(_("This training module does not exist in the content pack."), status=404,
                        content_type="text/plain", charset="utf8")
    video = module.video or {}
    html = rendering.render("templates/module_page.html", {
        "_": _, "lang": pack.language, "module": module,
        "minutes": max(1, round(module.duration_seconds / 60)),
        "paragraphs": [p.strip() for p in module.script.split("\n\n") if p.strip() and not p.startswith("#")],
        "html5_url": video.get("html5_url") or "", "youtube_id": video.get("youtube_id") or "",
        # The events area's player script posts the video events to the block's handler.
        "events_url": events_url, "csrf": csrf, "duration": module.duration_seconds,
        "player_js": (STATIC_DIR / "player.js").read_text(encoding="utf-8") if events_url else "",
    })
    return Response(html, content_type="text/html", charset="utf8")
