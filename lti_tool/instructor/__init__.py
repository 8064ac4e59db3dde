"""Instructor pages: class dashboard, CSV export (the deep-linking picker is in
:mod:`lti_tool.deep_linking`)."""
