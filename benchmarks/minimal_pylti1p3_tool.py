"""A minimal LTI 1.3 tool on pylti1p3next, the baseline of ``benchmarks/lti_launch.py``.

What most tutorials build: OIDC login, ``FlaskMessageLaunch.get_launch_data()`` (signature,
iss, aud, exp, nonce in the session, deployment, message type), then a small page. State and
launch data live in Flask's cookie session, as pylti1p3's Flask examples do. Configured by
environment variables set by the benchmark:

    BENCH_ISSUER, BENCH_CLIENT_ID, BENCH_DEPLOYMENT_ID, BENCH_JWKS_JSON (the platform's key set)
"""
from __future__ import annotations

import json
import os

from flask import Flask, redirect, render_template_string, request, session
from joserfc.jwk import RSAKey
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.tool_config import ToolConfDict

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tool</title></head>
<body><main><h1>Welcome {{ name }}</h1><p>Launch {{ launch_id }}</p>
<form method="post"><input type="radio" name="q" value="1" id="q1"><label for="q1">One</label>
<button>Next</button></form></main></body></html>"""


def create_app() -> Flask:
    app = Flask(__name__)
    app.secret_key = "benchmark-only"
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
        return render_template_string(PAGE, name=session.get("name"),
                                      launch_id=request.args.get("launch_id"))

    return app
