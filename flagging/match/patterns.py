"""The pattern language of lexicon entries and context triggers.

One pattern string is a sequence of token positions separated by spaces,
matched inside one sentence against normalised tokens
(:func:`flagging.normalize.normalize_token`):

- ``wiet|weed``   alternatives for one token;
- ``hennep*``     prefix (inflection, compounds: hennepkwekerij);
- ``*kwekerij``   suffix (compounds: wietkwekerij);
- ``*wiet*``      infix;
- ``[de|het]``    an optional token;
- ``...4``        a gap of 0 to 4 tokens (``...`` alone is ``...3``; at most ``...12``).

A pattern never starts or ends with a gap or optional token, and a wildcard
needs at least three letters, so that no pattern matches everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flagging.normalize import normalize_token

MAX_GAP = 12
MIN_WILDCARD_LETTERS = 3
_GAP = re.compile(r"^\.\.\.(\d+)?$")


class PatternError(ValueError):
    """A pattern string is not valid; the message says why."""


@dataclass(frozen=True, slots=True)
class Atom:
    """One alternative for one token: ``kind`` is exact, prefix, suffix or infix."""

    kind: str
    text: str

    def matches(self, norm: str) -> bool:
        if self.kind == "exact":
            return norm == self.text
        if self.kind == "prefix":
            return norm.startswith(self.text)
        if self.kind == "suffix":
            return norm.endswith(self.text)
        return self.text in norm


@dataclass(frozen=True, slots=True)
class Element:
    """One position of a pattern: a token slot (maybe optional) or a gap."""

    kind: str  # "slot", "optional" or "gap"
    atoms: tuple[Atom, ...] = ()
    gap: int = 0


def _parse_atom(alt: str, pattern: str) -> Atom:
    star_start, star_end = alt.startswith("*"), alt.endswith("*") and len(alt) > 1
    core = alt.strip("*")
    if not core or "*" in core:
        raise PatternError(f"bad wildcard {alt!r} in pattern {pattern!r}")
    norm = normalize_token(core)
    if norm != core and not (core.endswith(".") and norm == core[:-1]):
        raise PatternError(
            f"{alt!r} in pattern {pattern!r} is not in normal form (lowercase, no diacritics or hyphens); "
            f"write {norm!r}"
        )
    if (star_start or star_end) and sum(c.isalnum() for c in norm) < MIN_WILDCARD_LETTERS:
        raise PatternError(f"wildcard {alt!r} in pattern {pattern!r} needs at least 3 letters")
    kind = {(False, False): "exact", (False, True): "prefix", (True, False): "suffix", (True, True): "infix"}[
        (star_start, star_end)
    ]
    return Atom(kind, norm)


def _parse_slot(tok: str, pattern: str) -> tuple[Atom, ...]:
    alts = tok.split("|")
    if any(a == "" for a in alts):
        raise PatternError(f"empty alternative in {tok!r} of pattern {pattern!r}")
    return tuple(dict.fromkeys(_parse_atom(a, pattern) for a in alts))


def parse_pattern(pattern: str) -> tuple[Element, ...]:
    """Parse one pattern string; raise :class:`PatternError` with the reason."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise PatternError("empty pattern")
    elements: list[Element] = []
    for tok in pattern.split():
        gap = _GAP.match(tok)
        if gap:
            n = int(gap.group(1) or 3)
            if not 1 <= n <= MAX_GAP:
                raise PatternError(f"gap {tok!r} in pattern {pattern!r} must be 1..{MAX_GAP}")
            elements.append(Element("gap", gap=n))
        elif tok.startswith("[") and tok.endswith("]"):
            elements.append(Element("optional", _parse_slot(tok[1:-1], pattern)))
        elif "[" in tok or "]" in tok:
            raise PatternError(f"unbalanced brackets in {tok!r} of pattern {pattern!r}")
        else:
            elements.append(Element("slot", _parse_slot(tok, pattern)))
    if elements[0].kind != "slot" or elements[-1].kind != "slot":
        raise PatternError(f"pattern {pattern!r} must start and end with a plain token")
    return tuple(elements)
