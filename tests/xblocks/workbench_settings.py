"""The xblock-sdk workbench's own settings, usable on both interpreters.

xblock-sdk 0.14 (the last for Python 3.11) lists the ``djpyfs`` app without depending on its
package (openedx-django-pyfs); only the SDK's sample file-storage block needs it, so it is
dropped when absent. Everything else is the workbench exactly as shipped.
"""
from importlib.util import find_spec

from workbench.settings import *  # noqa: F403

if find_spec("djpyfs") is None:
    INSTALLED_APPS = tuple(app for app in INSTALLED_APPS if app != "djpyfs")  # noqa: F405

# The workbench logs to a relative ``var/workbench.log``; a fresh clone has no var/ folder,
# and Django refuses to start when the log file cannot be opened.
import os as _os  # noqa: E402

_os.makedirs(_os.path.dirname(LOGGING["handlers"]["logfile"]["filename"]) or ".", exist_ok=True)  # noqa: F405
