"""The LTI benchmark's baseline (``benchmarks/minimal_pylti1p3_tool.py``) is a working tool
and a fair one: a complete launch through pylti1p3next succeeds, and its page is compiled
once, as a Flask tool's templates are, not at every launch (``render_template_string``
compiled it each time, about 40 % of the baseline's launch POST, which flattered DigiReady's
ratios in ``benchmarks/lti_launch.py``)."""
from __future__ import annotations

import json

import pytest

pytest.importorskip("pylti1p3")
pytest.importorskip("flask_caching")

from joserfc.jwk import RSAKey  # noqa: E402

from benchmarks.lti_launch import CLIENT_ID, DEPLOYMENT, Launcher  # noqa: E402
from benchmarks.lti_launch_profile import InProcess  # noqa: E402

ISSUER = "https://platform.baseline.example"


@pytest.fixture
def baseline(monkeypatch, tmp_path):
    """The baseline app driven as the in-process profile drives it (login, signed id_token,
    launch POST), and the names of the templates Jinja compiled meanwhile."""
    key = RSAKey.generate_key(2048, auto_kid=True)
    jwks = {"keys": [dict(key.as_dict(private=False), alg="RS256", use="sig")]}
    for name, value in (("BENCH_ISSUER", ISSUER), ("BENCH_CLIENT_ID", CLIENT_ID),
                        ("BENCH_DEPLOYMENT_ID", DEPLOYMENT), ("BENCH_JWKS_JSON", json.dumps(jwks)),
                        ("BENCH_CACHE_DIR", str(tmp_path / "cache"))):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BENCH_REDIS_URL", raising=False)
    from benchmarks.minimal_pylti1p3_tool import create_app

    app = create_app()
    compiled: list[str | None] = []
    compile_source = app.jinja_env.compile

    def counting(source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return compile_source(source, name, filename, *args, **kwargs)

    monkeypatch.setattr(app.jinja_env, "compile", counting)
    launcher = Launcher("minimal", "http://localhost", "/login", "/launch", ISSUER, key, "Welcome")
    return InProcess(launcher, app, "/login", "/launch", "Welcome Bench"), compiled


def test_the_baseline_launches_and_compiles_its_page_once(baseline):
    tool, compiled = baseline
    for user in ("ana", "ben", "chi"):
        query = tool.login(user)
        tool.post(tool.token(query, user), query)  # asserts a 200 with "Welcome Bench"
    assert compiled == ["page.html"]


def test_the_baseline_refuses_a_token_signed_by_another_key(baseline):
    tool, _compiled = baseline
    query = tool.login("mallory")
    # Another key under the same kid: only the signature check can tell.
    tool.launcher.key = RSAKey.generate_key(2048, parameters={"kid": tool.launcher.key.kid})
    r = tool.client.post("/launch", data={"id_token": tool.token(query, "mallory"),
                                          "state": query["state"]})
    assert r.status_code == 500  # pylti1p3 raises; Flask answers 500
    assert "Welcome" not in r.get_data(as_text=True)


def _results(cells: dict[tuple[str, int], tuple[float, float, float, float]]) -> dict:
    """lti_launch.py's results: (worker class, concurrency) -> (DigiReady launches/s, its
    server CPU ms, the baseline's launches/s, its server CPU ms)."""
    out: dict = {"worker_classes": {}}
    for (name, level), (ours, ours_cpu, theirs, theirs_cpu) in cells.items():
        out["worker_classes"].setdefault(name, {"levels": []})["levels"].append({
            "concurrency": level, "ratio_to_minimal": round(ours / theirs, 2),
            "digiready": {"launches_per_second": ours, "server_cpu_ms_per_launch": ours_cpu},
            "minimal_pylti1p3next": {"launches_per_second": theirs,
                                     "server_cpu_ms_per_launch": theirs_cpu}})
    return out


def test_the_verdict_needs_every_cell_at_or_above_the_baseline():
    from benchmarks.lti_launch import target_verdict

    verdict = target_verdict(_results({("gthread", 1): (120, 4.0, 100, 4.4),
                                       ("sync", 50): (101, 3.0, 100, 3.0)}))
    assert verdict["met"] is True
    assert [c["cpu_ratio"] for c in verdict["cells"]] == [1.1, 1.0]

    verdict = target_verdict(_results({("gthread", 1): (120, 4.0, 100, 4.4),
                                       ("sync", 10): (99, 4.0, 100, 3.0),
                                       ("sync", 50): (150, 3.0, 100, 3.0)}))
    assert verdict["met"] is False
    assert verdict["lowest"] == {"worker_class": "sync", "concurrency": 10, "ratio": 0.99,
                                 "cpu_ratio": 0.75}
