"""Deduce alone, as a baseline for the benchmarks and the CoNLL check.

``import deduce`` sets the root logger to DEBUG on stdout; that is undone here
right after the import. Deduce builds its lookup structures on first use (about a
minute, written into its package folder).
"""

from __future__ import annotations

import logging
from functools import lru_cache


@lru_cache(maxsize=1)
def deduce_model():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    import deduce

    model = deduce.Deduce()
    root.handlers[:] = handlers
    root.setLevel(level)
    return model


def deduce_spans(text: str) -> list[tuple[int, int]]:
    doc = deduce_model().deidentify(text)
    return [(a.start_char, a.end_char) for a in doc.annotations]


def deduce_redact(text: str) -> str:
    return deduce_model().deidentify(text).deidentified_text
