"""Where ``make run`` (``scripts/run_demo.sh``) serves each part of the local demo, on
127.0.0.1. Declared here so that ``docs/configuration.md`` lists them and the commands the
script starts default to the same ports; set them to run a second demo beside the first
(the ``make run`` smoke test runs on free ports)."""
from __future__ import annotations

from digiready import config

config.declare("DEMO_LTI_PORT", "8000",
               "`make run`: port of the LTI tool and its demo LMS (`digiready demo`).")
config.declare("DEMO_PORTAL_PORT", "8001", "`make run`: port of the symposium portal.")
config.declare("DEMO_STUDIO_PORT", "8002", "`make run`: port of DigiReady Studio, the CMS.")
config.declare("DEMO_MAIL_PORT", "8025",
               "`make run`: port of the mail catcher's page of sent emails.")
config.declare("DEMO_SMTP_PORT", "1025",
               "`make run`: SMTP port of the mail catcher (the portal's mail goes there).")


def port(name: str) -> int:
    """A declared demo port (``LTI``, ``PORTAL``, ``STUDIO``, ``MAIL``, ``SMTP``)."""
    return int(config.get(f"DEMO_{name}_PORT") or 0)
