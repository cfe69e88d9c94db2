"""PERSON, LOCATION and ORGANIZATION from Deduce's lookup lists plus context rules.

Deduce is not pluggable into Presidio and slow; its *lists* are the
valuable part. This recognizer uses them (with this project's lists of
names of every origin found in Dutch case notes) on the spaCy tokens that
Presidio's NLP engine already made:

1. a title ("mw.", "dhr.", "zoon", ...) followed by name-like words;
2. a known first name or surname, extended over neighbouring capitalised
   words and name particles ("Fatima El Amrani", "Jan van der Berg");
3. an unknown capitalised word inside a sentence that is no common word,
   place, brand or institution (names missing from every list);
4. every other mention, in any case, of a word already found as a name in
   the same note ("Fatima" at a sentence start, "el amrani" in lower case).
"""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from flagging.redact.lists import Lookups
from flagging.redact.tokens import Tok, WordFeatures, tokens_of

ORG_HEADS = frozenset({
    "basisschool", "school", "bedrijf", "schoonmaakbedrijf", "uitzendbureau", "stichting", "vereniging", "moskee",
    "kerk", "voetbalclub", "sportschool", "garage", "autobedrijf", "autohandel", "restaurant", "snackbar",
    "shoarmazaak", "kapsalon", "barbershop", "nagelstudio", "carwash", "autowasstraat", "wasstraat", "bakkerij",
    "supermarkt", "winkel", "cafe", "koffiehuis", "belwinkel", "hotel", "pension", "camping", "kinderdagverblijf",
    "zorgbureau", "thuiszorgorganisatie", "zorgaanbieder", "zorgbedrijf", "bouwbedrijf", "transportbedrijf",
    "koeriersbedrijf", "tuinbouwbedrijf", "distributiecentrum", "slachterij", "fabriek", "firma", "schoonmaakbureau",
    "zorginstelling", "woningcorporatie", "woonstichting", "makelaar", "makelaardij", "kantoor", "advocatenkantoor",
    "administratiekantoor", "reisbureau", "pizzeria", "lunchroom", "theehuis", "kledingwinkel", "toko", "slagerij",
    "groentewinkel", "telefoonwinkel", "uitzendorganisatie", "detacheringsbureau", "klusbedrijf", "sloopbedrijf",
    "verhuurbedrijf", "beveiligingsbedrijf", "college", "lyceum", "mavo", "havo", "vmbo", "academie", "praktijk",
})
LEGAL_FORMS = frozenset({"bv", "b.v", "vof", "v.o.f", "nv", "n.v", "holding", "cv", "c.v"})
RELATION_WORDS = frozenset({
    "zoon", "dochter", "partner", "vriend", "vriendin", "broer", "zus", "zusje", "broertje", "neef", "nicht",
    "moeder", "vader", "man", "vrouw", "heet", "genaamd", "met", "en", "oom", "tante", "buurman", "buurvrouw",
    "kind", "baby", "collega", "client", "clienten", "cliente", "echtgenoot", "echtgenote", "ex", "exman",
    "exvrouw", "schoonzoon", "schoondochter", "stiefvader", "stiefmoeder", "oma", "opa", "pleegkind", "jongen",
    "meisje", "mevrouw", "meneer", "contactpersoon", "werkgever", "baas", "huisbaas", "verhuurder", "kennis",
})
_NEIGHBOURHOOD_SUFFIXES = ("wijk", "buurt", "kwartier", "polder")


class DutchLookupRecognizer(EntityRecognizer):
    """Presidio recognizer over Deduce's and the project's lookup lists (see module doc)."""

    ENTITIES = ["PERSON", "LOCATION", "ORGANIZATION"]

    def __init__(self, lookups: Lookups, features: WordFeatures, supported_language: str = "nl"):
        self.lookups = lookups
        self.features = features
        super().__init__(supported_entities=self.ENTITIES, supported_language=supported_language,
                         name="DutchLookupRecognizer")

    def load(self) -> None:  # lists are loaded by the caller, once
        pass

    # -------------------------------------------------------------- helpers
    def _namey(self, t: Tok) -> bool:
        """Could this capitalised word be part of a name?"""
        inf = t.info
        return t.cap and inf.alpha and not inf.institution and not inf.acronym and not inf.title and (
            inf.first or inf.surname or not (inf.common or inf.place or inf.dutch))

    @staticmethod
    def _kept_name(t: Tok) -> bool:
        """A capitalised kept word (identity term, brand) that is also a known name: "Frans", "Mercedes".

        Alone it is kept ("spreekt Frans", "een nieuwe Mercedes"); inside a name it is the name.
        """
        inf = t.info
        return t.cap and inf.alpha and inf.institution and (inf.first or inf.surname) and not inf.acronym \
            and not inf.title

    def _first_name_run(self, toks: list[Tok], k: int) -> int:
        """Tokens of a multi-word first name starting at ``k`` ("Ka Wai", "Mei Fong"); 0 when none."""
        if k >= len(toks) or not toks[k].cap:
            return 0
        n = self.lookups.longest("first_names", [t.info.norm for t in toks[k:k + 6]], 0)
        return n if n > 1 and all(t.cap for t in toks[k:k + n]) else 0

    def _extend_right(self, toks: list[Tok], j: int) -> int:
        """Index after the last name part, extending over particles followed by a name part."""
        n = len(toks)
        while j < n:
            t = toks[j]
            # a known surname of several words, particles included: "in 't Veld", "Sint Jago"
            m = self.lookups.longest("surnames", [x.info.norm for x in toks[j:j + 6]], 0)
            if m > 1 and not t.sent_start and toks[j + m - 1].cap:
                j += m
                continue
            if t.info.particle:
                k = j
                while k < n and toks[k].info.particle and k < j + 3:
                    k += 1
                if k < n and self._namey(toks[k]) and not toks[k].sent_start:
                    j = k + 1
                    continue
                break
            if (self._namey(t) or self._kept_name(t)) and not t.sent_start:
                j += 1
                continue
            if len(t.text) <= 3 and t.text[:1].isupper() and t.text.rstrip(".").isalpha() and t.text.endswith(".") \
                    and len(t.text.rstrip(".")) == 1:
                j += 1  # an initial inside a name: "Ahmed B. Yilmaz"
                continue
            break
        return j

    def _person_spans(self, toks: list[Tok]) -> list[tuple[int, int, float, str]]:
        spans: list[tuple[int, int, float, str]] = []
        n = len(toks)
        i = 0
        while i < n:
            t = toks[i]
            inf = t.info
            # 1. a title, maybe with a period, then a name
            if inf.title:
                j = i + 1
                if j < n and toks[j].text == ".":
                    j += 1
                if j < n and toks[j].text == "de" and inf.norm == "heer":
                    j += 1
                start = j
                if j < n and inf.strong_title:
                    # lowercase names after mw./dhr.: particles, then one word that is no common word
                    k = j
                    while k < n and toks[k].info.particle:
                        k += 1
                    nxt = toks[k].info if k < n else None
                    multi = self._first_name_run(toks, k)
                    if multi:
                        j = self._extend_right(toks, k + multi)
                    elif nxt is not None and nxt.alpha and not nxt.title and (
                            not nxt.institution or self._kept_name(toks[k])) and (
                            nxt.first or nxt.surname or (k > j and not nxt.common)
                            or not (nxt.common or nxt.dutch or nxt.place)):
                        j = self._extend_right(toks, k + 1)
                    else:
                        j = self._extend_right(toks, j)
                elif j < n and self._namey(toks[j]):
                    j = self._extend_right(toks, j + 1)
                if j > start and not toks[j - 1].info.particle:
                    spans.append((start, j, 0.85, "title"))
                    i = j
                    continue
            # 2. a known name, extended over its neighbours
            multi_first = self._first_name_run(toks, i)
            # a kept word that is a name starts a name only before another name part: "Mercedes Jansen"
            kept_first = self._kept_name(t) and i + 1 < n and self._namey(toks[i + 1]) \
                and (toks[i + 1].info.first or toks[i + 1].info.surname)
            if multi_first or kept_first or (t.cap and inf.alpha and (inf.first or inf.surname)
                                             and not inf.institution and not inf.title):
                j = self._extend_right(toks, i + max(1, multi_first))
                multi = self.lookups.longest("surnames", [x.info.norm for x in toks], i)
                j = max(j, i + multi)
                lone = j == i + 1
                ordinary_word = inf.dutch or inf.keep_word or inf.common
                # a lone capitalised particle before a lowercase word ("WW. De vraag": spaCy saw no
                # sentence start after the abbreviation) is an article, no name
                article = lone and inf.particle and (i + 1 >= n or not toks[i + 1].cap)
                if not (lone and inf.place and not inf.first) and not (t.sent_start and lone and ordinary_word) \
                        and not article:
                    spans.append((i, j, 0.85 if not ordinary_word else 0.6, "list"))
                    i = j
                    continue
            # 2b. a capitalised particle starting a surname ("Van den Broek", "El Khattabi")
            if t.cap and inf.particle:
                k = i
                while k < n and toks[k].info.particle and k < i + 3:
                    k += 1
                if k > i and k < n and self._namey(toks[k]) and (toks[k].info.surname or not toks[k].info.dutch):
                    j = self._extend_right(toks, k + 1)
                    spans.append((i, j, 0.75, "particle"))
                    i = j
                    continue
            # 3. an unknown capitalised word that is no Dutch word, place, brand or institution
            if self._namey(t) and not (inf.first or inf.surname) and len(t.text) > 1 and (
                    not t.sent_start or not (inf.common or inf.keep_word)):
                j = self._extend_right(toks, i + 1)
                prev = toks[i - 1].info.norm if i else ""
                score = 0.7 if prev in RELATION_WORDS or j > i + 1 else 0.55 if not t.sent_start else 0.5
                spans.append((i, j, score, "capitalised"))
                i = j
                continue
            i += 1
        return spans

    def _propagate(self, toks: list[Tok], spans) -> list[tuple[int, int, float, str]]:
        covered = set()
        names = set()
        for s, e, _, _ in spans:
            for k in range(s, e):
                covered.add(k)
                inf = toks[k].info
                if not inf.particle and not inf.common and inf.alpha and len(inf.norm) > 1:
                    names.add(inf.norm)
        extra = []
        for k, t in enumerate(toks):
            if k not in covered and t.info.norm in names and not t.info.institution \
                    and not (t.info.keep_word and not t.cap):
                extra.append((k, k + 1, 0.8, "repeat"))
        return extra

    def _location_spans(self, toks: list[Tok], taken: set[int]) -> list[tuple[int, int, float]]:
        norms = [t.info.norm for t in toks]
        out = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if i in taken or not t.cap or t.info.institution:
                i += 1
                continue
            n = self.lookups.longest("places", norms, i)
            if n and not (n == 1 and t.info.common and t.sent_start):
                out.append((i, i + n, 0.8))
                i += n
                continue
            if "-" in t.text and self.lookups.has("places", norms[i].split("-")[0] if "-" in norms[i] else
                                                  t.text.split("-")[0].lower()):
                out.append((i, i + 1, 0.7))
            elif t.info.alpha and t.info.norm.endswith(_NEIGHBOURHOOD_SUFFIXES) and len(t.text) > 6 \
                    and not t.info.common:
                out.append((i, i + 1, 0.6))
            i += 1
        return out

    def _org_spans(self, toks: list[Tok]) -> list[tuple[int, int, float]]:
        norms = [t.info.norm for t in toks]
        out = []
        n = len(toks)
        for i, t in enumerate(toks):
            inf = t.info
            if inf.norm in ORG_HEADS and i + 1 < n:
                j = i + 1
                while j < n and (toks[j].cap or toks[j].info.particle) and toks[j].info.alpha \
                        and not toks[j].info.institution and not toks[j].sent_start and not toks[j].info.title:
                    j += 1
                    if toks[j - 1].info.norm in LEGAL_FORMS:
                        break
                while j > i + 1 and toks[j - 1].info.particle:
                    j -= 1
                if j > i + 1:
                    out.append((i, j, 0.75))
            elif inf.norm in LEGAL_FORMS and i > 0:
                k = i
                while k > 0 and (toks[k - 1].cap or toks[k - 1].info.particle) and not toks[k - 1].info.institution:
                    k -= 1
                if k < i:
                    out.append((k, i + 1, 0.8))
            elif t.cap and not t.info.institution:
                m = self.lookups.longest("institutions", norms, i)
                if m > 1 or (m == 1 and not inf.common and not inf.place):
                    out.append((i, i + m, 0.6))
        return out

    def _institution_tokens(self, toks: list[Tok]) -> set[int]:
        """Tokens inside a generic institution's name ("Meld Misdaad Anoniem", "Juridisch Loket")."""
        norms = [t.info.norm for t in toks]
        out: set[int] = set()
        for i, t in enumerate(toks):
            if t.info.institution:
                out.add(i)
            elif t.cap:
                n = self.lookups.longest("keep_institutions", norms, i)
                out.update(range(i, i + n))
        return out

    # ------------------------------------------------------------- Presidio API
    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts = None) -> list[RecognizerResult]:
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        toks = tokens_of(nlp_artifacts.tokens, self.features)
        results: list[RecognizerResult] = []
        protected = self._institution_tokens(toks)

        def add(entity: str, s: int, e: int, score: float, why: str) -> None:
            if entity in entities or not entities:
                results.append(RecognizerResult(
                    entity, toks[s].start, toks[e - 1].end, score,
                    AnalysisExplanation(self.name, score, textual_explanation=why)))

        orgs = [o for o in self._org_spans(toks) if not any(k in protected for k in range(o[0], o[1]))]
        person_spans = self._person_spans(toks)
        # one word that is both a name and an institution ("Idris") inside a titled or multi-word
        # name ("Mw. Faiza Idris") is the name: dropping the whole person span would leave the
        # first name unredacted and put the surname under an organisation placeholder
        named = {k for s, e, _, why in person_spans if why == "title" or e - s > 1 for k in range(s, e)}
        orgs = [o for o in orgs if not (o[1] - o[0] == 1 and o[0] in named
                                        and (toks[o[0]].info.first or toks[o[0]].info.surname))]
        org_tokens = {k for s, e, _ in orgs for k in range(s, e)}
        # a kept name inside a titled or multi-word name is no protected word: "dhr. Guillermo Frans"
        protected -= {k for k in named if self._kept_name(toks[k])}
        persons = [p for p in person_spans
                   if not any(k in org_tokens or k in protected for k in range(p[0], p[1]))]
        persons += self._propagate(toks, persons)
        person_tokens = {k for s, e, _, _ in persons for k in range(s, e)}
        for s, e, score in self._location_spans(toks, person_tokens | org_tokens | protected):
            add("LOCATION", s, e, score, "place list")
        for s, e, score, why in persons:
            # a "name" that is only a place is a place ("in Almere", not a person)
            if why == "capitalised" and all(toks[k].info.place for k in range(s, e)):
                continue
            add("PERSON", s, e, score, why)
        for s, e, score in orgs:
            add("ORGANIZATION", s, e, score, "organisation")
        return results
