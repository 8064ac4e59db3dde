"""Application factory of DigiReady Studio (``digiready serve studio`` runs ``create_app()``).

Every error a user can cause ends on a readable page with the right status, never a traceback;
every change is saved whole or not at all.
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, g, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from digiready import config
from digiready.media.labels import language_name
from digiready.ops import compression
from digiready.ops import wsgi as ops_wsgi
from studio import settings
from studio.auth import current_user
from studio.db import close_request_session
from studio.extensions import babel, csrf, limiter
from studio.translations import CATALOG

HERE = Path(__file__).parent
# English and each language compiled in studio/translations (docs/translation.md).
LANGUAGES = {code: language_name(code) for code in CATALOG.offered()}
# endpoint -> view that renders its form with a "too large" message at the field
TOO_LARGE_PAGES: dict = {}
log = logging.getLogger("studio")


def select_locale() -> str:
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def create_app(overrides: dict | None = None) -> Flask:
    import studio.models  # noqa: F401  (register the tables)
    from digiready.storage.engine import configure_models

    configure_models()
    app = Flask(__name__, template_folder="templates", static_folder="static",
                static_url_path="/studio-static")
    secret = config.get("SECRET_KEY") or ""
    if config.get("ENV") == "production" and secret == config.SETTINGS["SECRET_KEY"].default:
        raise RuntimeError("DIGIREADY_SECRET_KEY must be set in production")
    narration_mb = float(settings.get("STUDIO_NARRATION_MAX_MB") or 25)
    app.config.update(
        SECRET_KEY=secret,
        SESSION_COOKIE_NAME="studio_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.get("STUDIO_BASE_URL").startswith("https://"),
        WTF_CSRF_TIME_LIMIT=12 * 3600,
        # Uploads (narrations, PO files) are the largest requests; forms are far smaller.
        MAX_CONTENT_LENGTH=int(narration_mb * 1024 * 1024) + 64 * 1024,
        MAX_FORM_MEMORY_SIZE=2 * 1024 * 1024,
        BABEL_TRANSLATION_DIRECTORIES=str(HERE / "translations"),
        BABEL_DEFAULT_LOCALE="en",
        RATELIMIT_STORAGE_URI=config.get("REDIS_URL") or "memory://",
        RATELIMIT_KEY_PREFIX="studio",
        RATELIMIT_STRATEGY="moving-window",
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_SWALLOW_ERRORS=True,
    )
    if overrides:
        app.config.update(overrides)
    app.wsgi_app = ops_wsgi.install(app.wsgi_app)  # type: ignore[method-assign]
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
    limiter.init_app(app)

    from studio.accounts.views import bp as accounts_bp
    from studio.narration.views import bp as narration_bp
    from studio.preview.views import bp as preview_bp
    from studio.review.views import bp as review_bp
    from studio.translation.views import bp as translation_bp
    from studio.workspace.views import bp as workspace_bp

    for bp in (accounts_bp, workspace_bp, translation_bp, review_bp, preview_bp, narration_bp):
        app.register_blueprint(bp)
    app.teardown_appcontext(close_request_session)
    _register_errors(app)

    @app.context_processor
    def inject() -> dict:
        return {"user": current_user(), "get_locale": get_locale,
                "economy": g.get("economy")}

    @app.after_request
    def security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; "
            # The preview form answers with a redirect to the LTI tool: allowed there only.
            f"form-action 'self' {settings.preview_url()}")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def too_large_page():
    return render_template("error.html", status=413, title=_("Too large"),
                           text=_("What you sent is too large. Nothing was saved.")), 413


def N_(text: str) -> str:
    return text


ERROR_TEXT = {
    400: (N_("Bad request"), N_("The request could not be understood. Go back and try again.")),
    403: (N_("Not allowed"),
          N_("Your role in this economy does not allow this. Ask the economy's admin if you "
             "need it.")),
    404: (N_("Page not found"), N_("There is nothing at this address.")),
    405: (N_("Not allowed"), N_("This address does not accept that kind of request.")),
    409: (N_("Changed meanwhile"), N_("Someone else changed this meanwhile. Nothing was lost.")),
    413: (N_("Too large"), N_("What you sent is too large. Nothing was saved.")),
    429: (N_("Too many attempts"), N_("Too many attempts. Wait a minute and try again.")),
    500: (N_("Something went wrong"),
          N_("An error on our side stopped this page. Nothing was saved halfway; try again.")),
}


def _register_errors(app: Flask) -> None:
    def render_error(status: int, text: str | None = None):
        title, default = ERROR_TEXT.get(status, ERROR_TEXT[500])
        return render_template("error.html", status=status, title=_(title),
                               text=text or _(default)), status

    @app.errorhandler(CSRFError)
    def csrf_error(_exc):
        return render_error(400, _("This form has expired. Go back, reload the page and send "
                                   "it again. Nothing was saved."))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_exc):
        # Pages that can say which field was too large register a handler here.
        handler = TOO_LARGE_PAGES.get(request.endpoint or "")
        if handler is not None:
            return handler(**(request.view_args or {}))
        return render_error(413)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        response = render_error(exc.code or 500)
        if exc.code == 429:
            return response[0], 429, {"Retry-After": "60"}
        return response

    @app.errorhandler(Exception)
    def unexpected(_exc: Exception):
        log.exception("unhandled error on %s", request.path)
        return render_error(500)
