"""The local demo: a small LMS (built on ``lti1p3platform``) beside the tool, on SQLite."""
