"""NL_ADDRESS: street + house number + suffix ("Kerkstraat 12", "Van Goghlaan 3-bis",
"Hoofdweg 221 III", "Oranjeplein 4a", "Lange Voorhout 5").

A house number after a word with a street suffix (straat, laan, weg, ...)
or after a street from Deduce's street lists (BAG), extended left over the
capitalised words and particles of the street name.
"""

from __future__ import annotations

import re

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from flagging.redact.lists import Lookups
from flagging.redact.tokens import Tok, WordFeatures, tokens_of

STREET_SUFFIXES = (
    "straat", "laan", "weg", "plein", "gracht", "kade", "singel", "dijk", "park", "hof", "steeg", "pad", "dreef",
    "plantsoen", "boulevard", "markt", "kant", "wal", "ring", "baan", "erf", "veld", "burg", "allee", "oord",
    "zijde", "haven", "dam", "brink", "wetering", "vaart", "poort", "passage", "galerij", "promenade", "werf",
    "hout", "duin", "tuin", "gaarde", "stede", "horst", "laar", "veen", "hove", "sloot", "donk", "akker",
    "hoeve", "rade", "dreef", "straatje", "pleintje", "straatweg", "hoek", "lei", "berg", "bos", "kwartier",
)
_NUMBER = re.compile(r"^\d{1,5}(?:[-/]?[a-zA-Z]{1,3}|[-/]\d{1,4}|-bis|-hs)?$")
_SUFFIX = re.compile(r"^(?:[a-zA-Z]|bis|hs|huis|bg|zw|hg|[IVX]{1,4}|\d{1,2}(?:e|de|ste|hg|hoog)|\d-hoog|\d+hg|rd|ii|iii)$",
                     re.IGNORECASE)
_NOT_AFTER = frozenset({"jaar", "euro", "keer", "uur", "minuten", "kinderen", "dagen", "weken", "maanden", "%"})


class NlAddressRecognizer(EntityRecognizer):
    ENTITIES = ["NL_ADDRESS"]

    def __init__(self, lookups: Lookups, features: WordFeatures, supported_language: str = "nl"):
        self.lookups = lookups
        self.features = features
        super().__init__(supported_entities=self.ENTITIES, supported_language=supported_language,
                         name="NlAddressRecognizer")

    def load(self) -> None:
        pass

    def _street_start(self, toks: list[Tok], j: int) -> int | None:
        """Start index of a street name ending just before token ``j`` (the number), or None."""
        if j == 0:
            return None
        last = toks[j - 1]
        norms = [t.info.norm for t in toks[:j]]
        start = None
        if last.info.alpha and last.info.norm.endswith(STREET_SUFFIXES) and len(last.info.norm) > 4:
            start = j - 1
        else:
            for k in range(max(0, j - 5), j):
                if toks[k].cap and self.lookups.longest("streets", norms, k) == j - k:
                    start = k
                    break
        if start is None:
            return None
        # extend left over capitalised words and particles of the street name ("Burgemeester de Vlugtlaan")
        while start > 0:
            prev = toks[start - 1]
            if prev.text[:1].isupper() and prev.info.alpha and not prev.info.institution and not prev.info.title \
                    and not (prev.sent_start and prev.info.common and not prev.info.particle):
                start -= 1
            elif prev.info.particle and start - 1 > 0 and toks[start - 2].text[:1].isupper() \
                    and toks[start - 2].info.alpha and not toks[start - 2].info.common:
                start -= 1
            else:
                break
        return start

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts = None) -> list[RecognizerResult]:
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        toks = tokens_of(nlp_artifacts.tokens, self.features)
        out = []
        n = len(toks)
        for j, t in enumerate(toks):
            if not _NUMBER.match(t.text):
                continue
            if j + 1 < n and toks[j + 1].info.norm in _NOT_AFTER:
                continue
            start = self._street_start(toks, j)
            if start is None:
                continue
            end = j + 1
            while end < n and end < j + 3 and (_SUFFIX.match(toks[end].text) or toks[end].text == "-") \
                    and toks[end].start - toks[end - 1].end <= 1 and not toks[end].info.common:
                end += 1
            if toks[end - 1].text == "-":
                end -= 1
            out.append(RecognizerResult("NL_ADDRESS", toks[start].start, toks[end - 1].end, 0.85,
                                        AnalysisExplanation(self.name, 0.85, textual_explanation="street + number")))
        return out
