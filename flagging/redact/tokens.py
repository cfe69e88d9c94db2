"""Per-word features for the lookup recognizers, cached by spaCy orth id.

A word's list memberships do not depend on where it stands, so they are
computed once per vocabulary entry; per note only position features
(capitalised, sentence start) are computed.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.attrs import IDX, IS_SPACE, LENGTH, ORTH
from spacy.lang.nl.stop_words import STOP_WORDS
from spacy.tokens import Doc

from flagging.normalize import normalize_token
from flagging.redact.lists import Lookups

# Titles after which even a lowercase word is a name ("mw. el amrani").
STRONG_TITLES = frozenset({"mw", "mevr", "mevrouw", "dhr", "meneer", "hr", "mr", "dr", "drs", "ir", "ing", "ds",
                           "juf", "juffrouw", "meester", "mvr", "mevrouwtje"})
# Particles inside names of every origin: Dutch, Arabic, Berber, Portuguese, Italian ...
NAME_PARTICLES = frozenset({"van", "de", "der", "den", "'t", "ten", "ter", "el", "al", "ben", "bin", "ibn", "abu",
                            "abou", "ait", "ou", "bou", "da", "das", "dos", "di", "du", "le", "la", "del", "della",
                            "vanden", "vander", "von", "ul", "ud"})
SENTENCE_OPENERS = frozenset({".", "!", "?", ":", ";", "-", "*", "•", "·", "–", ">", "->", "/"})


@dataclass(frozen=True, slots=True)
class WordInfo:
    norm: str
    first: bool
    surname: bool
    common: bool
    place: bool
    title: bool
    strong_title: bool
    particle: bool
    keep_word: bool
    institution: bool
    dutch: bool
    alpha: bool
    acronym: bool


class WordFeatures:
    """Resolves words to :class:`WordInfo`, once per orth id."""

    def __init__(self, lookups: Lookups, extra_keep: frozenset[str] = frozenset(),
                 abbreviations: frozenset[str] = frozenset()):
        self.lk = lookups
        self._cache: dict[int, WordInfo] = {}
        self._keep_words = lookups.single["keep_words"] | extra_keep
        self._institutions = lookups.single["keep_institutions"]
        self.abbreviations = abbreviations

    def info(self, orth: int, text: str) -> WordInfo:
        got = self._cache.get(orth)
        if got is None:
            got = self._resolve(text)
            if len(self._cache) < 1_000_000:
                self._cache[orth] = got
        return got

    def _is_dutch(self, norm: str) -> bool:
        """A Dutch word form: listed, an inflection of a listed word, or a compound of two."""
        words = self.lk.single["dutch_words"]
        if norm in words or norm in STOP_WORDS:
            return True
        for suffix in ("e", "en", "s", "n", "er", "ere", "ste", "st", "t", "de", "te", "'s"):
            if norm.endswith(suffix) and len(norm) - len(suffix) >= 3 and norm[: -len(suffix)] in words:
                return True
        return self._is_compound(norm)

    def _is_compound(self, norm: str) -> bool:
        """A Dutch compound of two known words ("fraudehelpdesk"): a noun, not a name."""
        words = self.lk.single["dutch_words"]
        if len(norm) < 7 or not norm.isalpha():
            return False
        for cut in range(3, len(norm) - 2):
            head, tail = norm[:cut], norm[cut:]
            if tail in words and (head in words or (head.endswith(("s", "e")) and head[:-1] in words)):
                return True
        return False

    def _resolve(self, text: str) -> WordInfo:
        s = self.lk.single
        norm = normalize_token(text)
        parts = text.lower().split("-")
        return WordInfo(
            norm=norm,
            first=norm in s["first_names"],
            surname=norm in s["surnames"],
            common=norm in s["common_words"] or norm in s["keep_words"],
            place=norm in s["places"] or (len(parts) > 1 and normalize_token(parts[0]) in s["places"]),
            title=norm in s["titles"] or norm in STRONG_TITLES,
            strong_title=norm in STRONG_TITLES,
            particle=norm in NAME_PARTICLES,
            keep_word=norm in self._keep_words,
            institution=norm in self._institutions or (len(parts) > 1 and normalize_token(parts[0]) in self._institutions),
            dutch=self._is_dutch(norm),
            alpha=any(c.isalpha() for c in text) and all(c.isalpha() or c in "'-’." for c in text),
            acronym=len(text) > 1 and text.isupper() and len(text) <= 5,
        )


@dataclass(slots=True)
class Tok:
    i: int
    text: str
    start: int
    end: int
    info: WordInfo
    cap: bool
    sent_start: bool


def tokens_of(doc: Doc, features: WordFeatures) -> list[Tok]:
    """Non-space tokens with features and sentence-start flags (computed once per doc)."""
    cached = doc.user_data.get(("flagging", "redact_tokens", id(features)))
    if cached is not None:
        return cached
    out: list[Tok] = []
    # a token's text is its ORTH string (spaCy keeps the verbatim text): no need to rebuild doc.text
    strings = doc.vocab.strings
    arr = doc.to_array([ORTH, IDX, LENGTH, IS_SPACE])
    cache, resolve = features._cache, features._resolve
    prev_text = None
    before_prev = ""  # norm of the token before ``prev_text``: "." after "mw" opens no sentence
    newline = True
    for i, (orth, idx, length, is_space) in enumerate(arr.tolist()):
        text = strings[orth]
        if is_space:
            if "\n" in text:
                newline = True
            continue
        info = cache.get(orth)
        if info is None:
            info = cache[orth] = resolve(text)
        sent_start = newline or prev_text is None or (
            prev_text in SENTENCE_OPENERS
            and not (prev_text == "." and (before_prev in features.abbreviations or before_prev in STRONG_TITLES)))
        out.append(Tok(i, text, idx, idx + length, info, text[:1].isupper(), sent_start))
        before_prev = out[-2].info.norm if len(out) > 1 else ""
        prev_text = text
        newline = False
    doc.user_data[("flagging", "redact_tokens", id(features))] = out
    return out
