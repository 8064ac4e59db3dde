"""Minimal LTI 1.3 tools on pylti1p3next, the baselines of ``benchmarks/lti_launch.py``.

:func:`create_app` is the fair baseline, the minimal tool people actually run: OIDC login,
``FlaskMessageLaunch.get_launch_data()`` (signature, iss, aud, exp, nonce, deployment,
message type), launch data and nonces kept server-side in a Flask-Caching cache (pylti1p3's
``FlaskCacheDataStorage``, as in its Flask example), and the launch answered with its page
directly (no redirect), from a template Jinja compiles once, as pylti1p3's Flask example
renders its pages from template files. The cache must be shared by the gunicorn workers (a
login may reach one worker and its launch the other), so it is Redis when
``BENCH_REDIS_URL`` is set (the benchmark starts a private redis-server and counts its CPU),
else cachelib's file cache.

:func:`create_cookie_app` is the earlier, heavier baseline: everything in Flask's signed
cookie session, the launch answered with a 303 to a second page (Post/Redirect/Get).

Neither stores anything durable: pylti1p3 checks that a nonce was issued by its login but
does not use it up (an id_token can be replayed while the cache keeps the nonce), and there
is no learner, launch or event row. Configured by environment variables the benchmark sets:

    BENCH_ISSUER, BENCH_CLIENT_ID, BENCH_DEPLOYMENT_ID, BENCH_JWKS_JSON (the platform's key
    set), BENCH_REDIS_URL (optional), BENCH_CACHE_DIR (the file cache's folder, optional)
"""
from __future__ import annotations

import json
import os
import tempfile

from flask import Flask, redirect, render_template, request, session
from jinja2 import DictLoader
from joserfc.jwk import RSAKey
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.tool_config import ToolConfDict

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tool</title></head>
<body><main><h1>Welcome {{ name }}</h1><p>Launch {{ launch_id }}</p>
<form method="post"><input type="radio" name="q" value="1" id="q1"><label for="q1">One</label>
<button>Next</button></form></main></body></html>"""


def _tool_conf() -> ToolConfDict:
    key = RSAKey.generate_key(2048)
    issuer = os.environ["BENCH_ISSUER"]
    conf = ToolConfDict({issuer: [{
        "default": True, "client_id": os.environ["BENCH_CLIENT_ID"],
        "auth_login_url": issuer + "/auth", "auth_token_url": issuer + "/token",
        "auth_audience": None, "key_set_url": None,
        "key_set": json.loads(os.environ["BENCH_JWKS_JSON"]),
        "deployment_ids": [os.environ["BENCH_DEPLOYMENT_ID"]],
    }]})
    conf.set_private_key(issuer, key.as_pem(private=True).decode(),
                         client_id=os.environ["BENCH_CLIENT_ID"])
    conf.set_public_key(issuer, key.as_pem(private=False).decode(),
                        client_id=os.environ["BENCH_CLIENT_ID"])
    return conf


def _flask_app() -> Flask:
    """A Flask app whose page is a template as in any Flask tool: compiled at its first use
    and cached by Jinja (``render_template_string`` would compile it at every request)."""
    app = Flask(__name__)
    app.secret_key = "benchmark-only"
    app.jinja_loader = DictLoader({"page.html": PAGE})
    return app


def create_app() -> Flask:
    """The fair baseline: server-side cache, the page in the launch's response."""
    from flask_caching import Cache
    from pylti1p3.contrib.flask import FlaskCacheDataStorage

    app = _flask_app()
    redis_url = os.environ.get("BENCH_REDIS_URL")
    if redis_url:
        app.config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url,
                          CACHE_KEY_PREFIX="bench-minimal:", CACHE_DEFAULT_TIMEOUT=600)
    else:
        app.config.update(CACHE_TYPE="FileSystemCache", CACHE_DEFAULT_TIMEOUT=600,
                          CACHE_DIR=os.environ.get("BENCH_CACHE_DIR")
                          or tempfile.mkdtemp(prefix="bench-minimal-cache-"))
    cache = Cache(app)
    conf = _tool_conf()

    @app.route("/login", methods=["GET", "POST"])
    def login():
        flask_request = FlaskRequest()
        oidc = FlaskOIDCLogin(flask_request, conf,
                              launch_data_storage=FlaskCacheDataStorage(cache))
        return oidc.redirect(flask_request.get_param("target_link_uri"))

    @app.post("/launch")
    def launch():
        message = FlaskMessageLaunch(FlaskRequest(), conf,
                                     launch_data_storage=FlaskCacheDataStorage(cache))
        data = message.get_launch_data()
        return render_template("page.html", name=data.get("name", ""),
                               launch_id=message.get_launch_id())

    @app.get("/page")  # the benchmark's "is it up" probe
    def page():
        return "ok"

    return app


def create_cookie_app() -> Flask:
    """The earlier baseline: Flask's cookie session, then a redirect to the page."""
    app = _flask_app()
    conf = _tool_conf()

    @app.route("/login", methods=["GET", "POST"])
    def login():
        flask_request = FlaskRequest()
        oidc = FlaskOIDCLogin(flask_request, conf)
        return oidc.redirect(flask_request.get_param("target_link_uri"))

    @app.post("/launch")
    def launch():
        message = FlaskMessageLaunch(FlaskRequest(), conf)
        data = message.get_launch_data()
        session["name"] = data.get("name", "")
        return redirect("/page?launch_id=" + message.get_launch_id(), 303)

    @app.get("/page")
    def page():
        return render_template("page.html", name=session.get("name"),
                               launch_id=request.args.get("launch_id"))

    return app
