"""The spaCy pipeline: ``blank("nl")`` plus registered flagging components.

    flagging_matcher -> flagging_context -> flagging_scorer

Each component is registered with :meth:`spacy.Language.factory`, declares
what it assigns, and is configured from the nlp config, so ``nlp.config``
shows the whole pipeline. Redaction runs on the same doc afterwards
(:class:`flagging.redact.Redactor`), so a note is tokenised once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from flagging.context.apply import (
    ContextResult,
    assign_context,
    find_triggers,
    quote_terminators,
    text_sentences,
)
from flagging.lexicon.loader import (
    CATEGORIES,
    CONTEXT_KINDS,
    ContextRule,
    Entry,
    Lexicon,
    load_abbreviations,
    load_context_rules,
    load_lexicons,
)
from flagging.match.engine import PatternEngine
from flagging.score.rules import rule_scores
from flagging.tokenizer import blank_dutch

for _name in ("flagging_index", "flagging_matches", "flagging_triggers", "flagging_evidence", "flagging_scores",
              "flagging_note_context"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@dataclass(frozen=True)
class Resources:
    """Lexicons, context rules and the one compiled engine matching both."""

    lexicons: tuple[Lexicon, ...]
    entries: tuple[Entry, ...]
    rules: tuple[ContextRule, ...]
    engine: PatternEngine
    categories: tuple[str, ...]


@lru_cache(maxsize=8)
def get_resources(lexicon_dir: str = "", context_rules: str = "", categories: tuple[str, ...] = ()) -> Resources:
    """Load and compile once per distinct configuration (process-wide cache)."""
    lexicons = load_lexicons(lexicon_dir or None, categories or None)
    entries = tuple(e for lex in lexicons for e in lex.entries)
    rules = load_context_rules(context_rules or None)
    pairs = [(("lex", i), p) for i, e in enumerate(entries) for p in e.patterns]
    pairs += [(("ctx", i), p) for i, r in enumerate(rules) for p in r.patterns]
    cats = tuple(lex.category for lex in lexicons)
    return Resources(lexicons, entries, rules, PatternEngine(pairs, load_abbreviations()), cats)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One lexicon entry firing on tokens ``start:end``, with its context."""

    entry: Entry
    start: int
    end: int
    sent: int
    char_start: int
    char_end: int
    context: ContextResult

    @property
    def category(self) -> str:
        return self.entry.category

    @property
    def entry_id(self) -> str:
        return self.entry.id

    @property
    def weight(self) -> float:
        return self.entry.weight

    @property
    def cancel_kinds(self) -> tuple[str, ...]:
        return tuple(k for k, v in self.context.kinds.items() if v)


class _Component:
    def __init__(self, lexicon_dir: str, context_rules: str, categories: list[str]):
        self.resources = get_resources(lexicon_dir, context_rules, tuple(categories))


@Language.factory(
    "flagging_matcher",
    default_config={"lexicon_dir": "", "context_rules": "", "categories": []},
    assigns=["doc._.flagging_index", "doc._.flagging_matches", "doc._.flagging_triggers"],
)
def make_matcher(nlp: Language, name: str, lexicon_dir: str, context_rules: str, categories: list[str]):
    return LexiconMatcher(lexicon_dir, context_rules, categories)


class LexiconMatcher(_Component):
    """Finds lexicon entries and context triggers; keeps one match per entry and span."""

    def __call__(self, doc: Doc) -> Doc:
        engine = self.resources.engine
        index = engine.index(doc)
        lex, ctx, seen = [], [], set()
        for m in engine.match(index):
            if m.owner[0] == "ctx":
                ctx.append(m)
                continue
            key = (m.owner, m.start)
            if key not in seen:
                seen.add(key)
                lex.append(m)
        ext = doc._  # one Underscore object, not one per attribute
        ext.flagging_index = index
        ext.flagging_matches = _drop_contained(lex)
        ext.flagging_triggers = ctx
        return doc


def _drop_contained(matches):
    """Of matches of the same entry, keep only those not inside a longer one."""
    by_owner = {}
    for m in matches:
        by_owner.setdefault(m.owner, []).append(m)
    out = []
    for group in by_owner.values():
        for m in group:
            if not any(o is not m and o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)
                       for o in group):
                out.append(m)
    return sorted(out, key=lambda m: (m.start, m.end))


@Language.factory(
    "flagging_context",
    default_config={"lexicon_dir": "", "context_rules": "", "categories": []},
    requires=["doc._.flagging_matches", "doc._.flagging_triggers"],
    assigns=["doc._.flagging_evidence", "doc._.flagging_note_context"],
)
def make_context(nlp: Language, name: str, lexicon_dir: str, context_rules: str, categories: list[str]):
    return ContextAssigner(lexicon_dir, context_rules, categories)


class ContextAssigner(_Component):
    """Gives every lexicon match its context (negated, hypothetical, ...)."""

    def __call__(self, doc: Doc) -> Doc:
        res = self.resources
        ext = doc._
        index = ext.flagging_index
        sent_map = text_sentences(index, doc)
        triggers = find_triggers(ext.flagging_triggers or [], res.rules, sent_map)
        triggers += quote_terminators(doc, sent_map, index.sent_ids)
        evidence = []
        for m in ext.flagging_matches or []:
            entry = res.entries[m.owner[1]]
            evidence.append(Evidence(
                entry=entry, start=m.start, end=m.end, sent=m.sent,
                char_start=int(index.char_starts[m.start]), char_end=int(index.char_ends[m.end - 1]),
                context=assign_context(m.start, m.end, sent_map[m.sent], triggers, m.core, entry.category,
                                       raw_sent=m.sent),
            ))
        ext.flagging_evidence = evidence
        ext.flagging_note_context = note_context(triggers)
        return doc


def note_context(triggers) -> tuple[str, ...]:
    """The cancelling context kinds triggered anywhere in the note (in ``CONTEXT_KINDS`` order).

    A note can explain or deny a signal that no lexicon entry caught ("wijziging is verwerkt", "niets
    bijzonders"): the learned scorer reads these beside the text, so it can learn how far such a note's
    words still point to a signal. Presence, not a count: how many triggers a sentence splitter finds
    can hang on an abbreviation such as "WW.".
    """
    kinds = {t.rule.kind for t in triggers}
    return tuple(k for k in CONTEXT_KINDS if k in kinds)


@Language.factory(
    "flagging_scorer",
    default_config={"categories": [], "repeat_decay": 0.5,
                    "context_factor": {"negated": 0.0, "hypothetical": 0.1, "historical": 0.1,
                                       "other_experiencer": 0.1, "general": 0.0, "explained": 0.1}},
    requires=["doc._.flagging_evidence"],
    assigns=["doc._.flagging_scores"],
)
def make_scorer(nlp: Language, name: str, categories: list[str], repeat_decay: float, context_factor: dict):
    return RuleScorer(categories, repeat_decay, context_factor)


class RuleScorer:
    """``flagging.rule_score.v1``: see :mod:`flagging.score.rules`."""

    def __init__(self, categories: list[str], repeat_decay: float, context_factor: dict):
        self.categories = tuple(categories) or CATEGORIES
        self.repeat_decay = repeat_decay
        self.context_factor = dict(context_factor)

    def __call__(self, doc: Doc) -> Doc:
        ext = doc._
        scores, contributions = rule_scores(ext.flagging_evidence or [], self.categories,
                                            self.repeat_decay, self.context_factor)
        ext.flagging_scores = {"scores": scores, "contributions": contributions}
        return doc


def build_pipeline(config: dict, lexicon_dir: str = "", context_rules: str = "") -> Language:
    """``spacy.blank("nl")`` (spaCy's tokenizer, remembered per chunk: :mod:`flagging.tokenizer`)
    with the flagging components configured from ``config``."""
    nlp = blank_dutch()
    cats = list(config.get("categories") or [])
    shared = {"lexicon_dir": lexicon_dir, "context_rules": context_rules, "categories": cats}
    nlp.add_pipe("flagging_matcher", config=shared)
    nlp.add_pipe("flagging_context", config=shared)
    scoring = config.get("scoring", {})
    resources = get_resources(lexicon_dir, context_rules, tuple(cats))
    nlp.add_pipe("flagging_scorer", config={
        "categories": list(resources.categories),
        "repeat_decay": float(scoring.get("repeat_decay", 0.5)),
        "context_factor": dict(scoring.get("context_factor", {})),
    })
    return nlp
