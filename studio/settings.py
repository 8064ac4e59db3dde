"""Studio settings, declared beside the code that reads them (see digiready.config)."""
from __future__ import annotations

from digiready import config

config.declare("STUDIO_BASE_URL", "http://127.0.0.1:8002",
               "Public base URL of DigiReady Studio, used in invitation links.")
config.declare("STUDIO_RATELIMIT", "10/minute;100/hour",
               "Flask-Limiter limits per client IP on Studio sign-in and invitation forms.")
config.declare("STUDIO_PREVIEW_URL", None,
               "Base URL of the LTI tool that shows Studio previews (default: "
               "`DIGIREADY_LTI_BASE_URL`, else http://127.0.0.1:8000).")
config.declare("STUDIO_NARRATION_MAX_MB", "25",
               "Largest narration recording Studio accepts, in megabytes.")
config.declare("STUDIO_INVITATION_DAYS", "7", "How long a Studio invitation link stays valid.")


def get(name: str) -> str:
    return config.get(name) or ""


def preview_url() -> str:
    lti = config.get("LTI_BASE_URL") if "LTI_BASE_URL" in config.SETTINGS else None
    return (config.get("STUDIO_PREVIEW_URL") or lti or "http://127.0.0.1:8000").rstrip("/")
