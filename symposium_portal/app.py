"""Application factory for the symposium portal (``digiready serve portal`` runs it).

Everything a visitor can get wrong (a bad form, an expired link, too many attempts, a
missing page) ends on a readable page with the right status, never a traceback.
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, render_template, request, session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from digiready import config
from digiready.media.labels import language_name
from digiready.ops import compression
from digiready.ops import wsgi as ops_wsgi
from symposium_portal import settings, timez, vocab
from symposium_portal.auth import current_registrant, current_staff
from symposium_portal.db import close_request_session
from symposium_portal.extensions import babel, csrf, limiter
from symposium_portal.programme.texts import day_heading, localized
from symposium_portal.translations import CATALOG

# English and each language compiled in translations/, by its own name.
LANGUAGES = {code: language_name(code) for code in CATALOG.offered()}
HERE = Path(__file__).parent
log = logging.getLogger(__name__)


def select_locale() -> str:
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def create_app(overrides: dict | None = None) -> Flask:
    import symposium_portal.models  # noqa: F401  (register every table)
    from digiready.storage.engine import configure_models

    # Every area's mappers configured before the first request, not raced by its threads.
    configure_models()

    app = Flask(__name__, template_folder="templates", static_folder="static")
    secret = config.get("SECRET_KEY") or ""
    if config.get("ENV") == "production" and secret == config.SETTINGS["SECRET_KEY"].default:
        raise RuntimeError("DIGIREADY_SECRET_KEY must be set in production")
    base_url = settings.get("PORTAL_BASE_URL")
    if config.get("ENV") == "production" and not base_url.startswith("https://"):
        # Not silently: check-config reports it as an error too.
        log.error("DIGIREADY_PORTAL_BASE_URL %s is not https: session cookies are sent "
                  "without the Secure flag", base_url)
    app.config.update(
        SECRET_KEY=secret,
        SESSION_COOKIE_NAME="portal_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=base_url.startswith("https://"),
        WTF_CSRF_TIME_LIMIT=12 * 3600,
        MAX_CONTENT_LENGTH=256 * 1024,
        BABEL_TRANSLATION_DIRECTORIES=str(HERE / "translations"),
        BABEL_DEFAULT_LOCALE="en",
        RATELIMIT_STORAGE_URI=config.get("REDIS_URL") or "memory://",
        RATELIMIT_KEY_PREFIX="portal",
        RATELIMIT_HEADERS_ENABLED=True,
        # A moving window: no double burst across a window boundary (fixed windows allow 2x).
        RATELIMIT_STRATEGY="moving-window",
        # A Redis outage must not stop registrations: fall back to per-process counters.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_SWALLOW_ERRORS=True,
    )
    if overrides:
        app.config.update(overrides)
    # /healthz, /readyz, request ids, access log; X-Forwarded-* per DIGIREADY_PROXY_HOPS
    # (the older DIGIREADY_PORTAL_TRUSTED_PROXIES still counts when that is unset).
    app.wsgi_app = ops_wsgi.install(  # type: ignore[method-assign]
        app.wsgi_app, legacy_proxy_hops=settings.get_int("PORTAL_TRUSTED_PROXIES"))

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
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    # The programme's texts in the reader's language (pages and emails alike).
    app.jinja_env.globals.update(tr=localized, day_heading=day_heading)
    limiter.init_app(app)

    from symposium_portal.admin.views import bp as admin_bp
    from symposium_portal.evaluation.views import bp as evaluation_bp
    from symposium_portal.network.views import bp as network_bp
    from symposium_portal.programme.views import bp as programme_bp
    from symposium_portal.registration.views import bp as registration_bp

    for bp in (registration_bp, programme_bp, network_bp, evaluation_bp, admin_bp):
        app.register_blueprint(bp)

    app.teardown_appcontext(close_request_session)
    _register_errors(app)

    @app.context_processor
    def inject() -> dict:
        return {
            "registrant": current_registrant(),
            "staff": current_staff(),
            "languages": LANGUAGES,
            "vocab": vocab,
            "timez": timez,
            "get_locale": get_locale,
        }

    @app.after_request
    def security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.path.startswith(("/r/", "/me", "/admin", "/network", "/evaluation")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def N_(text: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return text


ERROR_TEXT = {
    400: (N_("Bad request"),
          N_("The request could not be understood. Please go back and try again.")),
    403: (N_("Not allowed"), N_("You do not have access to this page.")),
    404: (N_("Page not found"),
          N_("There is nothing at this address. It may have moved, or the link may be "
             "incomplete.")),
    405: (N_("Not allowed"), N_("This address does not accept that kind of request.")),
    409: (N_("Already done"), N_("This was already done, or conflicts with the current state.")),
    410: (N_("Link expired"), N_("This link has expired.")),
    413: (N_("Too large"), N_("What you sent is too large.")),
    429: (N_("Too many attempts"),
          N_("Too many attempts from your connection. Please wait a minute and try again.")),
    500: (N_("Something went wrong"),
          N_("An error on our side stopped this page. Nothing you entered was saved halfway; "
             "please try again.")),
}


def _register_errors(app: Flask) -> None:
    def render_error(status: int, detail: str | None = None):
        title, text = ERROR_TEXT.get(status, ERROR_TEXT[500])
        try:
            return render_template("error.html", status=status, title=_(title),
                                   text=_(text), detail=detail), status
        except Exception:  # the error page itself failed: still no traceback
            log.exception("error page failed")
            return (f"<!doctype html><html lang=en><title>{title}</title><main><h1>{title}"
                    f"</h1><p>{text}</p></main></html>"), status

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_template(
            "error.html", status=400, title=_("This form has expired"),
            text=_("For your security, forms expire. Go back, reload the page and send it "
                   "again. Nothing was saved."), detail=None,
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        response = render_error(exc.code or 500)
        if exc.code == 429:
            body, status = response
            retry = getattr(exc, "retry_after", None) or 60
            return body, status, {"Retry-After": str(retry)}
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s", request.path)
        return render_error(500)
