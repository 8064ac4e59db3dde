"""Deep Linking 2.0: the instructor picks the full diagnostic, one module or one survey."""
