"""A compiled matcher for many token patterns over spaCy docs.

Why not spaCy's ``Matcher`` with ``REGEX``/``IN`` predicates: those run a
Python predicate for every token against every pattern, which for ~400
lexicon entries with wildcards costs tens of milliseconds a note. Here every
distinct word is resolved *once* (per vocabulary entry, cached by orth id) to
the set of pattern slots it can fill; a note then costs one dict lookup per
token plus a check of the few patterns whose first slot occurs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from spacy.attrs import IDX, LENGTH, ORTH
from spacy.tokens import Doc

from flagging.match.patterns import Atom, parse_pattern
from flagging.normalize import normalize_token

_BOUNDARY = frozenset({".", "!", "?"})
_BREAK, _PERIOD, _ABBREV = 1, 2, 3  # token kinds for sentence splitting
_EMPTY: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class TokenMatch:
    """A pattern matched tokens ``start:end`` (end exclusive) in sentence ``sent``."""

    owner: Hashable
    pattern: int
    start: int
    end: int
    sent: int
    core: frozenset[int] = frozenset()  # tokens that filled a pattern position (not gap tokens)


@dataclass(frozen=True, slots=True)
class DocIndex:
    """What the engine needs of one doc: slot sets and sentence bounds per token."""

    slots: list[frozenset[int]]
    sent_ids: np.ndarray
    sent_bounds: list[tuple[int, int]]
    char_starts: np.ndarray
    char_ends: np.ndarray


class PatternEngine:
    """Compile ``(owner, pattern string)`` pairs once; match them on many docs."""

    def __init__(self, patterns: Iterable[tuple[Hashable, str]], abbreviations: Iterable[str] = ()):
        self._abbreviations = frozenset(abbreviations)
        self._owners: list[Hashable] = []
        self._elements: list[tuple[tuple[str, int, int], ...]] = []
        slot_ids: dict[tuple[Atom, ...], int] = {}
        self._slot_atoms: list[tuple[Atom, ...]] = []
        for owner, pattern in patterns:
            compiled = []
            for el in parse_pattern(pattern):
                if el.kind == "gap":
                    compiled.append(("gap", -1, el.gap))
                    continue
                sid = slot_ids.setdefault(el.atoms, len(slot_ids))
                if sid == len(self._slot_atoms):
                    self._slot_atoms.append(el.atoms)
                compiled.append((el.kind, sid, 0))
            self._owners.append(owner)
            self._elements.append(tuple(compiled))
        # exact words resolve by dict; wildcards are tested once per new word.
        self._exact: dict[str, set[int]] = defaultdict(set)
        self._wild: list[tuple[Atom, int]] = []
        for sid, atoms in enumerate(self._slot_atoms):
            for atom in atoms:
                if atom.kind == "exact":
                    self._exact[atom.text].add(sid)
                else:
                    self._wild.append((atom, sid))
        self._by_first: dict[int, list[int]] = defaultdict(list)
        # the slots a pattern cannot match without: a pattern is only tried on a doc that has them all
        self._required: list[frozenset[int]] = []
        for pid, elements in enumerate(self._elements):
            self._by_first[elements[0][1]].append(pid)
            self._required.append(frozenset(sid for kind, sid, _ in elements if kind == "slot"))
        self._orth_cache: dict[int, tuple[frozenset[int], int]] = {}

    @property
    def n_patterns(self) -> int:
        return len(self._elements)

    def owner(self, pattern_id: int) -> Hashable:
        return self._owners[pattern_id]

    def _resolve(self, text: str) -> tuple[frozenset[int], int]:
        norm = normalize_token(text)
        slots = set(self._exact.get(norm, ()))
        for atom, sid in self._wild:
            if sid not in slots and atom.matches(norm):
                slots.add(sid)
        if norm in _BOUNDARY:
            kind = _PERIOD if norm == "." else _BREAK
        elif "\n" in text and not text.strip():
            kind = _BREAK
        elif norm in self._abbreviations:
            kind = _ABBREV
        else:
            kind = 0
        return (frozenset(slots) if slots else _EMPTY), kind

    def index(self, doc: Doc) -> DocIndex:
        """Resolve every token of ``doc`` to its slots and sentence (cached per word)."""
        arr = doc.to_array([ORTH, IDX, LENGTH])
        cache = self._orth_cache
        slots: list[frozenset[int]] = []
        boundary = np.zeros(len(doc), dtype=np.int32)
        prev = 0
        for i, orth in enumerate(arr[:, 0].tolist()):
            info = cache.get(orth)
            if info is None:
                info = self._resolve(doc.vocab.strings[orth])
                if len(cache) < 2_000_000:
                    cache[orth] = info
            slots.append(info[0])
            kind = info[1]
            # a period ends a sentence unless it closes an abbreviation ("cl.", "mw.")
            if kind == _BREAK or (kind == _PERIOD and prev != _ABBREV):
                boundary[i] = 1
            prev = kind
        sent_ids = np.zeros(len(doc), dtype=np.int64)
        if len(doc) > 1:
            sent_ids[1:] = np.cumsum(boundary[:-1])
        bounds: list[tuple[int, int]] = []
        if len(doc):
            change = np.flatnonzero(np.diff(sent_ids)) + 1
            starts = [0, *change.tolist()]
            ends = [*change.tolist(), len(doc)]
            bounds = list(zip(starts, ends, strict=True))
        starts_c = arr[:, 1].astype(np.int64) if len(doc) else np.zeros(0, dtype=np.int64)
        ends_c = starts_c + (arr[:, 2].astype(np.int64) if len(doc) else 0)
        return DocIndex(slots, sent_ids, bounds, starts_c, ends_c)

    def match(self, index: DocIndex) -> list[TokenMatch]:
        """All matches, one per (pattern, start token), shortest completion first."""
        out: list[TokenMatch] = []
        slots = index.slots
        present: set[int] = set().union(*slots) if slots else set()
        if not present:
            return out
        required = self._required
        by_first = self._by_first
        # per doc, lazily: the patterns starting with a slot whose every required slot occurs in the doc
        memo: dict[int, list[int]] = {}
        sent_ids = index.sent_ids.tolist()
        for i, token_slots in enumerate(slots):
            if not token_slots:
                continue
            sent = sent_ids[i]
            sent_end = index.sent_bounds[sent][1]
            for sid in token_slots:
                cands = memo.get(sid)
                if cands is None:
                    cands = memo[sid] = [pid for pid in by_first.get(sid, ()) if required[pid] <= present]
                for pid in cands:
                    end = _match(self._elements[pid], 1, i + 1, sent_end, slots)
                    if end is not None:
                        need = required[pid]
                        core = frozenset(k for k in range(i, end) if slots[k] & need)
                        out.append(TokenMatch(self._owners[pid], pid, i, end, sent, core))
        return out


def _match(elements: Sequence[tuple[str, int, int]], k: int, i: int, sent_end: int,
           slots: list[frozenset[int]]) -> int | None:
    if k == len(elements):
        return i
    kind, sid, gap = elements[k]
    if kind == "slot":
        if i < sent_end and sid in slots[i]:
            return _match(elements, k + 1, i + 1, sent_end, slots)
        return None
    if kind == "optional":
        if i < sent_end and sid in slots[i]:
            end = _match(elements, k + 1, i + 1, sent_end, slots)
            if end is not None:
                return end
        return _match(elements, k + 1, i, sent_end, slots)
    for g in range(gap + 1):
        if i + g >= sent_end:
            break
        end = _match(elements, k + 1, i + g, sent_end, slots)
        if end is not None:
            return end
    return None
