"""Consistent placeholders per note, or keyed HMAC pseudonyms across notes.

Within one note the same person or value keeps one placeholder: "Fatima El
Amrani", "mw. El Amrani" and "Fatima" are one person ([PERSOON-1]) because
each later mention's name words are a subset of an earlier, fuller
mention's. With a caller's key, placeholders become HMAC-SHA256 pseudonyms
([PERSOON-3f9a2c1b]) that stay the same across notes, so researchers can
link records; the key is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from flagging.normalize import normalize_token
from flagging.redact.tokens import NAME_PARTICLES

LABELS = {
    "PERSON": "PERSOON", "LOCATION": "LOCATIE", "ORGANIZATION": "ORGANISATIE", "NL_ADDRESS": "ADRES",
    "NL_POSTCODE": "POSTCODE", "PHONE_NUMBER": "TELEFOON", "EMAIL_ADDRESS": "EMAIL", "URL": "URL",
    "IP_ADDRESS": "IP", "DATE_TIME": "DATUM", "NL_BSN": "BSN", "IBAN_CODE": "IBAN", "NL_LICENSE_PLATE": "KENTEKEN",
}
_DIGITS_ONLY = {"PHONE_NUMBER", "NL_BSN"}
_ALNUM_UPPER = {"IBAN_CODE", "NL_LICENSE_PLATE", "NL_POSTCODE"}


@dataclass
class Entity:
    type: str
    start: int
    end: int
    score: float
    placeholder: str = ""

    def as_dict(self) -> dict:
        return {"type": self.type, "start": self.start, "end": self.end, "placeholder": self.placeholder}


def _name_words(text: str) -> frozenset[str]:
    words = [normalize_token(w) for w in re.findall(r"[\w'’-]+", text)]
    return frozenset(w for w in words if w and w not in NAME_PARTICLES)


def canonical_value(etype: str, text: str) -> str:
    if etype in _DIGITS_ONLY:
        return re.sub(r"\D", "", text)
    if etype in _ALNUM_UPPER:
        return re.sub(r"[^0-9A-Za-z]", "", text).upper()
    return " ".join(normalize_token(w) for w in text.split())


def assign_placeholders(text: str, entities: list[Entity], key: bytes | None = None) -> None:
    """Set ``placeholder`` on every entity (in place)."""
    clusters: dict[str, list[tuple[frozenset[str], str]]] = {}
    canon_of: dict[int, str] = {}
    # persons: fullest mentions first, so short mentions join them
    order = sorted(range(len(entities)), key=lambda k: -(entities[k].end - entities[k].start))
    for k in order:
        ent = entities[k]
        surface = text[ent.start:ent.end]
        if ent.type == "PERSON":
            words = _name_words(surface) or frozenset({surface.lower()})
            for cwords, canon in clusters.setdefault("PERSON", []):
                if words <= cwords:
                    canon_of[k] = canon
                    break
            else:
                canon = " ".join(sorted(words))
                clusters["PERSON"].append((words, canon))
                canon_of[k] = canon
        else:
            canon_of[k] = canonical_value(ent.type, surface)
    numbers: dict[tuple[str, str], str] = {}
    counters: dict[str, int] = {}
    for k in sorted(range(len(entities)), key=lambda k: entities[k].start):
        ent = entities[k]
        label = LABELS.get(ent.type, ent.type)
        ident = (ent.type, canon_of[k])
        if ident not in numbers:
            if key is not None:
                digest = hmac.new(key, f"{ent.type}:{canon_of[k]}".encode(), hashlib.sha256).hexdigest()[:10]
                numbers[ident] = f"[{label}-{digest}]"
            else:
                counters[label] = counters.get(label, 0) + 1
                numbers[ident] = f"[{label}-{counters[label]}]"
        ent.placeholder = numbers[ident]


def render(text: str, entities: list[Entity], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` with entities replaced; an entity crossing a bound widens the window."""
    end = len(text) if end is None else end
    inside = [e for e in entities if e.start < end and e.end > start]
    if inside:
        start = min(start, min(e.start for e in inside))
        end = max(end, max(e.end for e in inside))
    out, pos = [], start
    for e in sorted(inside, key=lambda e: e.start):
        out.append(text[pos:e.start])
        out.append(e.placeholder)
        pos = e.end
    out.append(text[pos:end])
    return "".join(out)
