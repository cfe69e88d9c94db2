"""Dutch token normalisation shared by lexicon matching and context rules.

Case notes are written fast: capitals vary, diacritics come and go
("geïntimideerd"/"geintimideerd"), compounds get hyphens ("wiet-lucht") and
abbreviations keep or drop their dot ("cl."/"cl"). Matching runs on one
normal form so that a lexicon pattern is written once.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Letters that NFKD does not decompose into base letter + combining mark.
_EXTRA = str.maketrans({
    "ı": "i", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d",
    "’": "'", "‘": "'", "´": "'", "`": "'", "‐": "-", "‑": "-", "–": "-", "—": "-",
    "\u00ad": "",  # soft hyphen
})


@lru_cache(maxsize=200_000)
def normalize_token(text: str) -> str:
    """Return the match form of one token.

    Lowercase, diacritics removed, hyphens inside a word removed and one
    trailing period removed from abbreviations. Punctuation-only tokens are
    returned as they are.
    """
    low = text.lower().translate(_EXTRA)
    if not low.isascii():
        low = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
    if len(low) > 1 and any(c.isalnum() for c in low):
        if "-" in low:
            low = low.replace("-", "") or low
        if low.endswith(".") and len(low) > 1:
            low = low[:-1]
    return low


def normalize_text(text: str) -> str:
    """Normalise a whole phrase token by token on whitespace (for data files)."""
    return " ".join(normalize_token(t) for t in text.split())
