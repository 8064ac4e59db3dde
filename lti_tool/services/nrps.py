"""Names and Role Provisioning Service: the course roster, for the instructor dashboard's
"who has and has not taken the diagnostic". Follows ``Link: rel="next"`` pages."""
from __future__ import annotations

import requests

from lti_tool import claims as C
from lti_tool.models import Launch
from lti_tool.services.tokens import ServiceError, access_token

MEMBERSHIP_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 50


def members(launch: Launch) -> list[dict]:
    url = launch.services.get("nrps")
    if not url:
        raise ServiceError("the platform did not offer the course roster (NRPS) in this launch")
    token = access_token(launch.registration, [C.SCOPE_NRPS])
    found: list[dict] = []
    for _page in range(MAX_PAGES):
        try:
            response = requests.get(url, timeout=10, headers={
                "Authorization": f"Bearer {token}", "Accept": MEMBERSHIP_TYPE})
        except requests.RequestException as exc:
            raise ServiceError(f"roster service unreachable: {exc}") from exc
        if response.status_code != 200:
            raise ServiceError(f"roster service answered {response.status_code}",
                               response.status_code)
        found.extend(m for m in response.json().get("members", []) if isinstance(m, dict))
        url = (response.links.get("next") or {}).get("url")
        if not url:
            break
    return found
