"""Learner pages: the diagnostic in short steps, results, modules, progress."""
