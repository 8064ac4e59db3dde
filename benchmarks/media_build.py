"""Training videos: build time, sizes, and what a learner on a slow phone network waits for.

1. Seconds to build all 12 base-pack modules in one language (``--language``, default en)
   into an empty media folder (cold: every sentence synthesised, every file encoded) and
   again with nothing changed (warm), with the CPU seconds the build and its child processes
   (ffmpeg, espeak-ng) used. Targets: ≤ 90 s cold, ≤ 1 s warm, on this 2-core machine.
   ``--narrator`` picks the backend (default espeak-ng; ``piper`` for the neural voice).
2. Bytes per minute of the 360p rendition (target ≤ 2 MB) and of the audio-only file.
3. In Debian's Chromium with the network emulated at Slow 3G (400 kbit/s, 400 ms round trip,
   cache disabled): the module page's bytes before play (target ≤ 30 KiB), and the time from
   pressing play to the first frame of the MP4 and to the first audio of the audio-only file
   (target ≤ 3 s each). The page is the LTI tool's module page of ``digiready demo``.

Run: ``.venv/bin/python benchmarks/media_build.py [--language en] [--narrator espeak-ng]
[--skip-browser]``. Writes benchmarks/results/media_build.json. Report figures with the load
average it prints: other work on the machine slows the build.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
CHROMIUM = "/usr/bin/chromium"


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def build(root: Path, language: str, narrator: str) -> dict:
    from digiready.media import build_all

    figures = {}
    for label in ("cold", "warm"):
        wall, cpu = time.monotonic(), _cpu()
        results = build_all(None, [language], root=root, backends=[narrator], jobs=2)
        figures[label] = {"seconds": round(time.monotonic() - wall, 2), "cpu_seconds": round(_cpu() - cpu, 2),
                          "statuses": sorted({r.status for r in results}), "modules": len(results)}
        print(f"{label}: {figures[label]}", flush=True)
    manifests = [r.manifest for r in results if r.manifest]
    minutes = sum(m.duration_seconds for m in manifests) / 60
    figures["video_minutes"] = round(minutes, 2)
    for name in ("video_360p", "audio", "video_720p"):
        figures[f"{name}_mb_per_minute"] = round(sum(m.files[name].bytes for m in manifests) / 1e6 / minutes, 3)
    figures["poster_kb_max"] = round(max(m.files["poster"].bytes for m in manifests) / 1000, 1)
    return figures


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gzip_size(url: str) -> int:
    import gzip

    import requests

    response = requests.get(url, timeout=30)
    kind = response.headers.get("Content-Type", "")
    compressible = kind.startswith(("text/", "application/javascript", "application/json", "image/svg"))
    return len(gzip.compress(response.content, 6)) if compressible else len(response.content)


def browser(root: Path, module: str) -> dict:
    from playwright.sync_api import sync_playwright

    var = Path(tempfile.mkdtemp(prefix="bench-demo-"))
    port = _free_port()
    env = dict(os.environ, DIGIREADY_VAR_DIR=str(var), DIGIREADY_MEDIA_DIR=str(root))
    env.pop("DIGIREADY_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "digiready.cli.main", "demo", "--port", str(port)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    proc.stdout.readline()
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    figures: dict = {}
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"])
            page = chromium.new_page(viewport={"width": 360, "height": 740})
            page.goto(base + "/lms/")
            with page.expect_navigation(url="**/lti/launch"):
                page.get_by_role("link", name="Launch as learner").first.click()
            page.wait_for_url("**/learn/**launch=*")
            launch = re.search(r"launch=([^&]+)", page.url).group(1)
            url = f"{base}/learn/module/{module}?launch={launch}"
            cdp = page.context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            received: dict[str, float] = {}
            urls: dict[str, str] = {}
            cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
            cdp.on("Network.loadingFinished", lambda e: received.__setitem__(e["requestId"], e["encodedDataLength"]))
            page.goto(url, wait_until="load")
            page.wait_for_timeout(1500)  # anything late (the captions) is counted too
            figures["page_bytes_before_play"] = int(sum(received.values()))
            figures["page_requests_before_play"] = len([u for u in urls.values() if u.startswith("http")])
            # `digiready demo` serves uncompressed; nginx gzips text (HTML, CSS, JS, WebVTT).
            figures["page_bytes_before_play_gzip"] = sum(_gzip_size(u) for u in urls.values() if u.startswith("http"))
            for mode in ("video", "audio"):
                page.goto(url, wait_until="load")
                if mode == "audio":
                    page.get_by_role("button", name="Audio only (uses less data)").click()
                    page.wait_for_function("() => document.getElementById('dr-video').currentSrc.endsWith('.m4a')")
                seconds = page.evaluate("""(mode) => new Promise(resolve => {
                    const v = document.getElementById('dr-video'), t0 = performance.now();
                    const done = () => resolve((performance.now() - t0) / 1000);
                    if (mode === 'video' && v.requestVideoFrameCallback) { v.requestVideoFrameCallback(done); }
                    else { v.addEventListener('playing', done, {once: true}); }
                    v.muted = true; v.play(); })""", mode)
                figures[f"seconds_to_first_{'frame' if mode == 'video' else 'audio'}"] = round(seconds, 2)
            chromium.close()
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"browser (Slow 3G): {figures}", flush=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--language", default="en")
    parser.add_argument("--narrator", default="espeak-ng", choices=["espeak-ng", "piper"])
    parser.add_argument("--module", default="digital_payments", help="the module page measured in Chromium")
    parser.add_argument("--out", type=Path, help="media folder to build into (default: a new temporary one)")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--browser-only", action="store_true",
                        help="only the Chromium figures, on the media already built in --out (updates the JSON)")
    args = parser.parse_args()
    out = ROOT / "benchmarks" / "results" / "media_build.json"
    if args.browser_only:
        result = json.loads(out.read_text()) if out.exists() else {}
        result["slow_3g"] = browser(args.out, args.module)
        out.write_text(json.dumps(result, indent=2) + "\n")
        return 0
    root = args.out or Path(tempfile.mkdtemp(prefix="bench-media-"))
    load_before = os.getloadavg()
    result = {"language": args.language, "narrator": args.narrator, "cores": os.cpu_count(),
              "load_average_before": [round(x, 2) for x in load_before], **build(root, args.language, args.narrator)}
    if not args.skip_browser and Path(CHROMIUM).exists():
        result["slow_3g"] = browser(root, args.module)
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
