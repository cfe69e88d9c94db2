"""Scoring: from evidence to per-category scores in [0, 1]."""
