"""Application factory of the LTI tool (``digiready serve lti`` runs ``create_app()``).

Every response carries a CSP ``frame-ancestors`` policy naming only the registered platforms
(never ``X-Frame-Options: DENY``, which would break the LMS iframe). Every error a user or a
platform can cause ends on a readable page with the right status, never a traceback.
"""
from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, g, render_template, request
from flask.sessions import SessionInterface
from flask_babel import Babel, Domain, get_locale, get_translations
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from digiready import config
from digiready.learners import RecentLearners
from digiready.ops import compression
from digiready.ops import wsgi as ops_wsgi
from lti_tool import settings  # noqa: F401  (declares DIGIREADY_LTI_*)
from lti_tool.launch_context import LANDING_SCRIPT, LANDING_SCRIPT_HASH

HERE = Path(__file__).parent
# UI languages of the pages (content languages come from the pack).
LANGUAGES = ("en", "es", "fil", "vi", "id", "tpi")
log = logging.getLogger("lti_tool")

_origins_cache: tuple[float, frozenset[str]] = (0.0, frozenset())


def origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def registered_origins() -> frozenset[str]:
    """Origins of every registered platform (issuer and login host), cached 30 s."""
    global _origins_cache
    now = time.monotonic()
    if now - _origins_cache[0] < 30:
        return _origins_cache[1]
    from digiready.storage import session_scope
    from lti_tool.models import Registration

    found: set[str] = set()
    try:
        with session_scope() as s:
            for issuer, login in s.execute(select(Registration.issuer, Registration.auth_login_url)):
                found.update(o for o in (origin(issuer), origin(login)) if o)
    except Exception:  # noqa: BLE001 - a database not yet migrated: frame only ourselves
        log.warning("could not read registered platforms for frame-ancestors", exc_info=True)
    _origins_cache = (now, frozenset(found))
    return _origins_cache[1]


def forget_origins() -> None:
    global _origins_cache
    _origins_cache = (0.0, frozenset())


def frame_ancestors() -> str:
    pinned = g.get("frame_origins")
    if pinned:  # a launch-bound page: only the platform that launched it may frame it
        allowed = {o for o in map(origin, pinned) if o}
    else:
        allowed = set(registered_origins())
    return " ".join(["'self'", *sorted(allowed)])


def select_locale() -> str:
    launch = g.get("launch")
    if launch is not None:  # one language per page: the launch's pack's (lti_tool.content)
        from lti_tool.content import dates_and_numbers_known, page_language

        language = page_language(launch)
        if language and dates_and_numbers_known(language):
            return language
    wanted = g.get("ui_language")
    if wanted:
        base = wanted.replace("_", "-").split("-")[0].lower()
        if wanted in LANGUAGES:
            return wanted
        if base in LANGUAGES:
            return base
    return request.accept_languages.best_match(LANGUAGES) or "en"


CSP = ("default-src 'self'; img-src 'self' data:; media-src 'self' https:; style-src 'self'; "
       f"script-src 'self' {LANDING_SCRIPT_HASH}; form-action 'self' https: http:; "
       "base-uri 'none'; object-src 'none'; frame-ancestors ")


def media_origin() -> str:
    """`` https://cdn.example.org`` when DIGIREADY_MEDIA_URL names another origin, else ""."""
    from urllib.parse import urlsplit

    url = urlsplit(config.get("MEDIA_URL") or "")
    return f" {url.scheme}://{url.netloc}" if url.scheme in ("http", "https") and url.netloc else ""


class NoCookieSession(SessionInterface):
    """The tool sets no cookie: a page's launch travels in the page (see
    :mod:`lti_tool.launch_context`), which keeps working when the LMS iframe's browser blocks
    third-party cookies. Flask's signed-cookie session would only cost every request a
    serializer and a cookie lookup."""

    def open_session(self, app, request):
        return self.make_null_session(app)

    def save_session(self, app, session, response):
        return None


_UNSET = object()


class PageDomain(Domain):
    """Flask-Babel's message domain, except on a launch's page whose language the tool has
    no catalogue for: its words then come from the overlay's interface strings
    (:func:`lti_tool.content.overlay_translations`, built by the core once per published
    version)."""

    def get_translations(self):
        if not g:
            return super().get_translations()
        # Looked up once per request, with the locale (the launch's pack is read while the
        # request's database session still holds the launch; an error page after it closed
        # reuses the answer).
        found = g.get("_overlay_translations", _UNSET)
        if found is _UNSET:
            launch = g.get("launch")
            found = None
            if launch is not None and str(get_locale()) not in LANGUAGES:
                from lti_tool.content import overlay_translations

                found = overlay_translations(launch)
            g._overlay_translations = found
        return found if found is not None else super().get_translations()


def request_translations():
    """This request's catalogue, looked up once per request: Flask-Babel's template
    callables look it up again for every string (a dozen context lookups each), which was a
    tenth of a page's rendering time."""
    found = g.get("_translations")
    if found is None:
        found = g._translations = get_translations()
    return found


# How long a thread that wants the GIL waits for a running one to hand it over (Python's
# default: 5 ms). A launch's write phase holds the SQLite writer slot (one writer per host:
# digiready.storage.engine.serialized_commit) across a few statements, and the sqlite3 module
# releases the GIL in each: with the default, the writing thread waits up to 5 ms per
# statement while the worker's other threads render pages, and every launch queued for the
# slot waits with it (a lock convoy: half the throughput at 50 concurrent launches with
# gunicorn's 4 threads per worker, with the same CPU per launch). 0.5 ms bounds that wait;
# the extra GIL switches cost far less (benchmarks/lti_launch.py, docs/lti.md).
GIL_SWITCH_INTERVAL = 0.0005


def create_app(overrides: dict | None = None) -> Flask:
    import lti_tool.models  # noqa: F401  (register the tables)
    from digiready.media import serve as media_serve

    if sys.getswitchinterval() > GIL_SWITCH_INTERVAL:
        sys.setswitchinterval(GIL_SWITCH_INTERVAL)

    app = Flask(__name__, template_folder="templates", static_folder="static",
                static_url_path="/lti-static")
    app.session_interface = NoCookieSession()
    secret = config.get("SECRET_KEY") or ""
    if config.get("ENV") == "production" and secret == config.SETTINGS["SECRET_KEY"].default:
        raise RuntimeError("DIGIREADY_SECRET_KEY must be set in production")
    app.config.update(
        SECRET_KEY=secret,
        MAX_CONTENT_LENGTH=256 * 1024,
        BABEL_TRANSLATION_DIRECTORIES=str(HERE / "translations"),
        BABEL_DEFAULT_LOCALE="en",
        SEND_FILE_MAX_AGE_DEFAULT=86400,
    )
    if overrides:
        app.config.update(overrides)
    # /healthz, /readyz, request ids, access log; X-Forwarded-* per DIGIREADY_PROXY_HOPS.
    # /media/: the built training videos, with byte ranges and ETags (nginx serves them in
    # production; digiready.media.serve).
    app.wsgi_app = ops_wsgi.install(media_serve.mount(app.wsgi_app))  # type: ignore[method-assign]
    if compression.enabled():  # pages, styles, scripts: see digiready.ops.compression
        from flask_compress import Compress

        app.config.update(compression.flask_settings())
        compress = Compress(app)

        @app.after_request
        def compress_response(response):
            if not compression.compressible(response.status_code, response.headers):
                return response
            if response.is_streamed and response.mimetype in compression.MIMETYPES:
                response.make_sequence()  # the app's own small static files: whole, so gzip too
            return compress.after_request(response)
    # Learners this worker launched lately (lti_tool.launch.views): one read fewer per launch.
    app.extensions["digiready_recent_learners"] = RecentLearners()
    babel = Babel(app, locale_selector=select_locale)
    babel.domain_instance = PageDomain()  # Flask-Babel's cached default domain, ours instead
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals["landing_script"] = Markup(LANDING_SCRIPT)

    from lti_tool.deep_linking.views import bp as deep_linking_bp
    from lti_tool.indicators.views import bp as analytics_bp  # indicators page, player script
    from lti_tool.instructor.views import bp as instructor_bp
    from lti_tool.launch.views import bp as launch_bp
    from lti_tool.learner.views import bp as learner_bp
    from lti_tool.preview.views import bp as preview_bp
    from lti_tool.registration.views import bp as registration_bp

    for bp in (launch_bp, learner_bp, instructor_bp, deep_linking_bp, registration_bp, analytics_bp,
               preview_bp):
        app.register_blueprint(bp)

    @app.after_request
    def send_queued_scores(response):
        from lti_tool.services.ags import flush_queued

        flush_queued()
        return response

    # Posters and captions from nginx/a CDN on another origin (DIGIREADY_MEDIA_URL).
    csp = CSP.replace("img-src 'self' data:;", f"img-src 'self' data:{media_origin()};")

    @app.after_request
    def security_headers(response):
        response.headers["Content-Security-Policy"] = csp + frame_ancestors()
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return render_template("error.html", status=exc.code, title=exc.name,
                               message=exc.description, check=None), exc.code

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unexpected error on %s", request.path)
        return render_template("error.html", status=500, title="Server error",
                               message="Something went wrong on our side. Your saved answers "
                                       "are safe; please try again.", check=None), 500

    return app
