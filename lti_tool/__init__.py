"""DigiReady as an LTI 1.3 Advantage tool (Moodle, Canvas, Open edX, any LTI platform).

A thin Flask adapter: the protocol (OIDC login, launch checks, deep linking, AGS, NRPS,
dynamic registration) and the pages; the diagnostic, scoring and content come from the
framework-free core in :mod:`digiready`.
"""
