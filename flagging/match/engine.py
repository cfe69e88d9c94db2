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
    orths: list[int]  # the tokens' vocabulary ids
    distinct: set[int]  # the distinct ones


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
        # wildcards by kind and text, to look a word's substrings up instead of testing every wildcard
        self._wild_index: dict[str, dict[str, list[int]]] = {"prefix": {}, "suffix": {}, "infix": {}}
        for w, (atom, _sid) in enumerate(self._wild):
            self._wild_index[atom.kind].setdefault(atom.text, []).append(w)
        self._infix_max = max(map(len, self._wild_index["infix"]), default=0)
        self._by_first: dict[int, list[int]] = defaultdict(list)
        # the slots a pattern cannot match without: a pattern is only tried on a doc that has them all
        self._required: list[frozenset[int]] = []
        # per pattern: its second position's slot when that is a plain slot, -1 for a one-word
        # pattern, None otherwise (an optional or a gap)
        self._second: list[int | None] = [
            -1 if len(els) == 1 else (els[1][1] if els[1][0] == "slot" else None) for els in self._elements]
        for pid, elements in enumerate(self._elements):
            self._by_first[elements[0][1]].append(pid)
            self._required.append(frozenset(sid for kind, sid, _ in elements if kind == "slot"))
        # per vocabulary entry (orth id): its slots, and the patterns that can start on it, in the
        # order the slots and patterns were compiled; sentence-break kinds only where not 0
        self._slot_cache: dict[int, frozenset[int]] = {}
        self._cand_cache: dict[int, tuple[int, ...]] = {}
        self._kind_cache: dict[int, int] = {}
        self._kind_keys: set[int] = set()
        self._starters: set[int] = set()  # the keys of _cand_cache, for fast intersection

    @property
    def n_patterns(self) -> int:
        return len(self._elements)

    def owner(self, pattern_id: int) -> Hashable:
        return self._owners[pattern_id]

    def _resolve(self, text: str) -> tuple[frozenset[int], int]:
        norm = normalize_token(text)
        slots = set(self._exact.get(norm, ()))
        # the same slots, added in the same order, as testing every wildcard in turn
        wild = self._wild
        for w in self._wild_hits(norm):
            slots.add(wild[w][1])
        if norm in _BOUNDARY:
            kind = _PERIOD if norm == "." else _BREAK
        elif "\n" in text and not text.strip():
            kind = _BREAK
        elif norm in self._abbreviations:
            kind = _ABBREV
        else:
            kind = 0
        return (frozenset(slots) if slots else _EMPTY), kind

    def _wild_hits(self, norm: str) -> list[int]:
        """Indices into ``_wild`` of the wildcards ``norm`` matches, ascending."""
        index = self._wild_index
        n = len(norm)
        hits: set[int] = set()
        prefix, suffix, infix = index["prefix"], index["suffix"], index["infix"]
        for k in range(1, n + 1):
            h = prefix.get(norm[:k])
            if h:
                hits.update(h)
            h = suffix.get(norm[k - 1:])
            if h:
                hits.update(h)
        if infix:
            longest = self._infix_max
            for a in range(n):
                for b in range(a + 1, min(n, a + longest) + 1):
                    h = infix.get(norm[a:b])
                    if h:
                        hits.update(h)
        return sorted(hits)

    def _learn(self, orths: Iterable[int], strings) -> None:
        """Resolve words not seen before (once per vocabulary entry)."""
        if len(self._slot_cache) >= 2_000_000:
            self._slot_cache.clear()
            self._cand_cache.clear()
            self._kind_cache.clear()
            self._starters.clear()
            self._kind_keys.clear()
        by_first = self._by_first
        for orth in orths:
            slots, kind = self._resolve(strings[orth])
            self._slot_cache[orth] = slots
            cands = tuple(pid for sid in slots for pid in by_first.get(sid, ()))
            if cands:
                self._cand_cache[orth] = cands
                self._starters.add(orth)
            if kind:
                self._kind_cache[orth] = kind
                self._kind_keys.add(orth)

    def index(self, doc: Doc) -> DocIndex:
        """Resolve every token of ``doc`` to its slots and sentence (cached per word)."""
        arr = doc.to_array([ORTH, IDX, LENGTH])
        n = len(doc)
        orths = arr[:, 0].tolist()
        distinct = set(orths)
        slot_cache = self._slot_cache
        new = distinct.difference(slot_cache)
        if new:
            self._learn(new, doc.vocab.strings)
        slots = list(map(slot_cache.__getitem__, orths))
        kinds = self._kind_cache
        sent_ids = np.zeros(n, dtype=np.int64)
        bounds: list[tuple[int, int]] = []
        if n:
            # a period ends a sentence unless it closes an abbreviation ("cl.", "mw."); the token
            # after a boundary starts a new sentence
            starts = [0]
            if not distinct.isdisjoint(self._kind_keys):
                prev = 0
                for i, orth in enumerate(orths):
                    kind = kinds.get(orth, 0)
                    if (kind == _BREAK or (kind == _PERIOD and prev != _ABBREV)) and i + 1 < n:
                        starts.append(i + 1)
                    prev = kind
            ends = [*starts[1:], n]
            bounds = list(zip(starts, ends, strict=True))
            if len(starts) > 1:
                sent_ids[starts[1:]] = 1
                np.cumsum(sent_ids, out=sent_ids)
        starts_c = arr[:, 1].astype(np.int64) if n else np.zeros(0, dtype=np.int64)
        ends_c = starts_c + (arr[:, 2].astype(np.int64) if n else 0)
        return DocIndex(slots, sent_ids, bounds, starts_c, ends_c, orths, distinct)

    def match(self, index: DocIndex) -> list[TokenMatch]:
        """All matches, one per (pattern, start token), shortest completion first."""
        out: list[TokenMatch] = []
        slots = index.slots
        cand_cache = self._cand_cache
        starting = index.distinct.intersection(self._starters)
        if not starting:
            return out
        # the slots some word of the doc fills; a pattern is tried only if all its required slots are
        # among them (a subset test of a few small ints: cheaper than bit sets of 5,000 slots)
        slot_cache = self._slot_cache
        present = set().union(*[slot_cache[o] for o in index.distinct])
        required = self._required
        # per doc: the patterns each word can start whose every required slot occurs in the doc
        memo: dict[int, list[int]] = {}
        for orth in starting:
            cands = [pid for pid in cand_cache[orth] if required[pid] <= present]
            if cands:
                memo[orth] = cands
        if not memo:
            return out
        elements, owners, seconds = self._elements, self._owners, self._second
        sent_ids = index.sent_ids
        bounds = index.sent_bounds
        get = memo.get
        for i, orth in enumerate(index.orths):
            cands = get(orth)
            if cands is None:
                continue
            sent = int(sent_ids[i])
            sent_end = bounds[sent][1]
            for pid in cands:
                # the second position inline when it is a plain slot: most candidates fail there
                second = seconds[pid]
                if second is None:
                    end = _match(elements[pid], 1, i + 1, sent_end, slots)
                elif second == -1:
                    end = i + 1
                elif i + 1 < sent_end and second in slots[i + 1]:
                    end = _match(elements[pid], 2, i + 2, sent_end, slots)
                else:
                    continue
                if end is not None:
                    need = required[pid]
                    core = frozenset(k for k in range(i, end) if slots[k] & need)
                    out.append(TokenMatch(owners[pid], pid, i, end, sent, core))
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
