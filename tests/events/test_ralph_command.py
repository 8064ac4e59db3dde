"""The ``ralph`` command from the dev dependencies runs (it imports click-option-group, which
Ralph declares only in an extra we do not install) and validates our statements."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from digiready.events.recorder import build


def test_ralph_validate_accepts_our_statements():
    ralph = Path(sys.executable).with_name("ralph")
    statement = build("video.played", actor="a" * 36, object_id="module/m1/video",
                      data={"time": 3.0}).statement()
    done = subprocess.run([str(ralph), "validate", "-f", "xapi"], input=json.dumps(statement),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-1500:]
    assert json.loads(done.stdout)["id"] == statement["id"]  # printed back: valid
    assert "Invalid events: 0" in done.stderr
