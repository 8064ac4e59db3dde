"""Open edX XBlocks for DigiReady: ``digiready_diagnostic`` and ``digiready_survey``.

The blocks are thin adapters: they keep state in XBlock fields, render templates and call the
framework-free core in :mod:`digiready` for every question, score and recommendation.
"""
