"""DigiReady core: content packs, the diagnostic engine, events, indicators and reports.

Framework-free: the XBlocks, the LTI tool and the symposium portal are thin adapters on top.
"""
__version__ = "0.1.0"
