"""Loading and validating the data files: signal lexicons and context rules."""

from flagging.lexicon.loader import (
    CATEGORIES,
    ContextRule,
    Entry,
    Lexicon,
    LexiconError,
    load_context_rules,
    load_lexicons,
)

__all__ = ["CATEGORIES", "ContextRule", "Entry", "Lexicon", "LexiconError", "load_context_rules", "load_lexicons"]
