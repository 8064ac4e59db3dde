"""Settings of the LTI tool, declared once with the other ``DIGIREADY_*`` settings."""
from __future__ import annotations

from digiready import config

config.declare("LTI_LEEWAY_SECONDS", "60",
               "Clock skew tolerated on id_token `exp`/`iat` (platform clocks drift; 0 breaks "
               "launches in the field).")
config.declare("LTI_KEY_OVERLAP_HOURS", "72",
               "How long a rotated-out tool key stays published in the JWKS.")
config.declare("LTI_LOGIN_TTL_SECONDS", "600",
               "How long an OIDC login (state + nonce) waits for its launch.")
config.declare("LTI_LAUNCH_TTL_HOURS", "12",
               "How long a launch (the id carried by the pages) stays usable.")
config.declare("LTI_BASE_URL", None,
               "Public base URL of the tool (e.g. https://digiready.example.org); default: "
               "taken from the request (honouring X-Forwarded-Proto/Host behind a proxy).")
config.declare("LTI_JWKS_MIN_REFETCH_SECONDS", "5",
               "A platform JWKS is refetched on an unknown `kid` at most this often.")
config.declare("LTI_PACK", None,
               "Content pack directory served by the LTI tool (default: the base pack).")


def leeway() -> int:
    return int(config.get("LTI_LEEWAY_SECONDS") or 0)


def key_overlap_hours() -> float:
    return float(config.get("LTI_KEY_OVERLAP_HOURS") or 0)


def login_ttl() -> int:
    return int(config.get("LTI_LOGIN_TTL_SECONDS") or 600)


def launch_ttl_hours() -> float:
    return float(config.get("LTI_LAUNCH_TTL_HOURS") or 12)


def jwks_min_refetch() -> float:
    return float(config.get("LTI_JWKS_MIN_REFETCH_SECONDS") or 0)
