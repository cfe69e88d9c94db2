"""``Redactor``: Dutch personal data out of case notes, on Presidio.

Build once (lookups load from the user cache; the analyzer is configured
with the Dutch registry), then call :meth:`Redactor.redact` per note. The
scan pipeline passes its spaCy doc so a note is tokenised once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig
from presidio_anonymizer.entities import RecognizerResult as AnonResult

from flagging.normalize import normalize_text
from flagging.redact.anonymize import Entity, assign_placeholders, render
from flagging.redact.registry import ENTITY_TYPES

log = logging.getLogger(__name__)

# When spans of different types overlap, the more specific type wins, then the longer span.
PRIORITY = {"EMAIL_ADDRESS": 10, "URL": 9, "IBAN_CODE": 9, "NL_BSN": 9, "IP_ADDRESS": 8, "PHONE_NUMBER": 8,
            "NL_LICENSE_PLATE": 7, "DATE_TIME": 7, "NL_ADDRESS": 7, "NL_POSTCODE": 6, "ORGANIZATION": 5,
            "PERSON": 4, "LOCATION": 3}


@dataclass
class RedactionResult:
    """Redacted text plus the entities (offsets into the original text) and their placeholders."""

    text: str
    entities: list[Entity] = field(default_factory=list)
    source: str = field(default="", repr=False)

    def snippet(self, start: int, end: int) -> str:
        """The redacted form of ``source[start:end]`` (widened to whole entities)."""
        return render(self.source, self.entities, start, end)

    def entity_dicts(self) -> list[dict]:
        return [e.as_dict() for e in self.entities]


def _placeholder_of(mapping: dict[str, str]):
    """presidio-anonymizer's custom operator gets the entity text only: map it to its placeholder."""
    return lambda surface: mapping.get(surface, "[REDACTED]")


def resolve_overlaps(entities: list[Entity], text: str) -> list[Entity]:
    """Keep a non-overlapping set: higher type priority first, then longer, then higher score.

    A name span that runs into a more specific entity ("Fatima El Amrani aan de Van Goghlaan 3")
    is cut back to its part before that entity, not dropped.
    """
    ranked = sorted(entities, key=lambda e: (-PRIORITY.get(e.type, 0), -(e.end - e.start), -e.score, e.start))
    kept: list[Entity] = []
    for e in ranked:
        clash = [k for k in kept if not (e.end <= k.start or e.start >= k.end)]
        if clash and e.type in _TRIMMABLE:
            first = min(k.start for k in clash)
            if first > e.start:
                cut = len(text[e.start:first].rstrip(" ,.-").rsplit(" aan de", 1)[0].rstrip())
                e = Entity(e.type, e.start, e.start + cut, e.score)
                clash = [k for k in kept if not (e.end <= k.start or e.start >= k.end)] if cut > 1 else clash
        if not clash:
            kept.append(e)
    return sorted(kept, key=lambda e: e.start)


_TRIMMABLE = {"PERSON", "LOCATION", "ORGANIZATION"}


class Redactor:
    """Redact Dutch personal data.

    ``key``: optional bytes; placeholders become keyed HMAC pseudonyms that
    are stable across notes (the key is kept in memory only).
    ``entities``: the types to redact (default: all of the contract).
    """

    def __init__(self, *, key: bytes | str | None = None, entities: list[str] | None = None,
                 score_threshold: float = 0.45, nlp=None, context_enhancement: bool = False):
        self.key = key.encode() if isinstance(key, str) else key
        self.entities = list(entities or ENTITY_TYPES)
        unknown = set(self.entities) - set(ENTITY_TYPES)
        if unknown:
            raise ValueError(f"unknown entity types: {sorted(unknown)}")
        self.score_threshold = score_threshold
        self.context_enhancement = context_enhancement
        self._nlp = nlp
        self._analyzer = None
        self._anonymizer = None

    def warm_up(self, progress: bool | None = None) -> Redactor:
        """Load lookups (from cache, or build them once) and configure the analyzer."""
        if self._analyzer is None:
            from flagging.redact.lists import load_lookups
            from flagging.redact.offline import make_tldextract_offline
            from flagging.redact.registry import build_analyzer

            make_tldextract_offline()
            lookups = load_lookups(progress)
            self._institutions = frozenset(lookups.single["keep_institutions"])
            self._keep_words = frozenset(lookups.single["keep_words"])
            self._keep_phrases = {" ".join(s) for seqs in lookups.multi["keep_institutions"].values() for s in seqs}
            self._analyzer = build_analyzer(lookups, self._nlp, context_enhancement=self.context_enhancement)
            self._anonymizer = AnonymizerEngine()
        return self

    def analyze(self, text: str, doc=None) -> list[Entity]:
        """Entities found in ``text`` (overlaps resolved, keep words removed)."""
        self.warm_up()
        artifacts = self._analyzer.nlp_engine.process_doc(doc) if doc is not None else None
        results = self._analyzer.analyze(text=text, language="nl", entities=self.entities, nlp_artifacts=artifacts,
                                         score_threshold=self.score_threshold)
        ents = [Entity(r.entity_type, r.start, r.end, round(float(r.score), 3)) for r in results]
        ents = [e for e in ents if not self._is_keep(text[e.start:e.end], e.type)]
        return resolve_overlaps(ents, text)

    def _is_keep(self, surface: str, etype: str) -> bool:
        """Institutions and brands are kept in any case; common nouns that are also names
        ("bakker", "visser") only when written in lower case ("Petra Visser" is a person)."""
        if etype not in ("PERSON", "LOCATION", "ORGANIZATION"):
            return False
        norm = normalize_text(surface)
        if norm in self._institutions or norm in self._keep_phrases:
            return True
        return surface.islower() and norm in self._keep_words

    def redact(self, text: str, doc=None) -> RedactionResult:
        """Redacted text with consistent placeholders, and entities with offsets into ``text``."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        entities = self.analyze(text, doc)
        assign_placeholders(text, entities, self.key)
        by_text: dict[str, dict[str, str]] = {}
        for e in entities:
            by_text.setdefault(e.type, {})[text[e.start:e.end]] = e.placeholder
        operators = {t: OperatorConfig("custom", {"lambda": _placeholder_of(m)}) for t, m in by_text.items()}
        anonymized = self._anonymizer.anonymize(
            text=text, analyzer_results=[AnonResult(e.type, e.start, e.end, e.score) for e in entities],
            operators=operators)
        return RedactionResult(anonymized.text, entities, text)
