"""Apply context rules to lexicon matches.

The algorithm is ConText's (Harkema et al. 2009): a trigger opens a scope in
its direction for ``max_tokens`` tokens, a terminator closes it early, a
pseudo-trigger ("niet alleen") cancels the trigger it overlaps. Two changes
for case notes (``shared/spec/context.md``): the household is never another
experiencer, and two kinds clinical rule sets lack, *general* and
*explained*, may reach back into the previous sentence (``sentences: 1``),
because a worker often gives the explanation in the sentence after the
observation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import IS_PUNCT, ORTH, SPACY

from flagging.lexicon.loader import CONTEXT_KINDS, ContextRule
from flagging.match.engine import TokenMatch


@dataclass(frozen=True, slots=True)
class Trigger:
    rule: ContextRule
    start: int
    end: int
    sent: int
    raw_sent: int = -1  # the engine's sentence id, which also counts line breaks


@dataclass
class ContextResult:
    """Which context kinds apply to one match, and which rules said so."""

    kinds: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(CONTEXT_KINDS, False))
    rules: list[str] = field(default_factory=list)

    @property
    def cancelled(self) -> bool:
        return any(self.kinds.values())

    def as_dict(self) -> dict:
        return {**self.kinds, "triggers": list(self.rules)}


def text_sentences(index, doc) -> list[int]:
    """Sentence ids that count only sentences with words in them.

    The engine makes a sentence of every line break, so "... opgehaald.\nUitgezocht: ..." is two
    sentences apart; for the reach of a rule (``sentences: 1``) it is the next sentence.
    """
    out, k = [], -1
    for lo, hi in index.sent_bounds:
        if k < 0 or hi - lo > 2 or any(not (t.is_space or t.is_punct) for t in doc[lo:hi]):
            k += 1
        out.append(k)
    return out


#: A negation inside a quotation does not reach out of it: a closing quote ends a forward negation
#: ("zegt 'ik heb niks gedaan' en er lagen zakjes"), an opening quote a backward one ("krijgt er contant
#: voor betaald, 'niet veel'"). Whether a quote opens or closes is in the spacing, which the pattern
#: language does not see, so these terminators are made from the doc (:func:`closing_quotes`).
CLOSING_QUOTE = ContextRule(id="terminate.closing_quote", kind="terminate", patterns=("'",), ends=("negated",),
                            direction="forward")
OPENING_QUOTE = ContextRule(id="terminate.opening_quote", kind="terminate", patterns=("'",), ends=("negated",),
                            direction="backward")
_QUOTE_RULES = (CLOSING_QUOTE, OPENING_QUOTE)
_QUOTES = frozenset({"'", '"', "’", "”", "»", "‘", "“", "«"})


_QUOTE_IDS: dict[int, np.ndarray] = {}  # id(StringStore) -> the ORTH ids (string hashes) of the quotes


def quote_terminators(doc, sent_map: list[int] | None = None, sent_ids=None) -> list[Trigger]:
    """Terminators at the quotes of ``doc``: closing (glued to the word before) and opening (to the word after)."""
    ids = _QUOTE_IDS.get(id(doc.vocab.strings))
    if ids is None:
        ids = _QUOTE_IDS[id(doc.vocab.strings)] = np.array([doc.vocab.strings[q] for q in _QUOTES], dtype=np.uint64)
    # the token attributes as arrays: no token objects for the words of the note
    arr = doc.to_array([ORTH, SPACY, IS_PUNCT]).reshape(-1, 3)
    quotes = np.flatnonzero((arr[:, :1] == ids).any(axis=1)).tolist()
    if not quotes:
        return []
    spacy_, punct = arr[:, 1].astype(bool).tolist(), arr[:, 2].astype(bool).tolist()
    out = []
    for i in quotes:
        glued_before = i > 0 and not spacy_[i - 1] and not punct[i - 1]
        glued_after = not spacy_[i] and i + 1 < len(doc) and not punct[i + 1]
        if glued_before == glued_after:
            continue  # an apostrophe inside a word, or a quote standing alone: say nothing
        raw = int(sent_ids[i]) if sent_ids is not None else 0
        rule = CLOSING_QUOTE if glued_before else OPENING_QUOTE
        out.append(Trigger(rule, i, i + 1, sent_map[raw] if sent_map else raw, raw))
    return out


def find_triggers(matches: list[TokenMatch], rules: tuple[ContextRule, ...],
                  sent_map: list[int] | None = None) -> list[Trigger]:
    """Turn engine matches of context patterns into triggers, dropping those a pseudo-trigger overlaps.

    ``sent_map``: engine sentence id -> the id to measure reach with (:func:`text_sentences`).
    """
    triggers = [Trigger(rules[m.owner[1]], m.start, m.end, sent_map[m.sent] if sent_map else m.sent, m.sent)
                for m in matches]
    pseudo = [t for t in triggers if t.rule.kind == "pseudo"]
    if not pseudo:
        return triggers
    # a pseudo-trigger cancels the triggers it overlaps ("niet opgegeven bij het UWV" is no
    # explanation; "geen idee" is no negation); with ``ends`` only triggers of those kinds
    return [t for t in triggers if t.rule.kind == "pseudo"
            or not any(p.start < t.end and t.start < p.end and (not p.rule.ends or t.rule.kind in p.rule.ends or t.rule.id in p.rule.ends)
                       for p in pseudo)]


def _terminated(terminators: list[Trigger], rule: ContextRule, lo: int, hi: int, direction: str = "") -> bool:
    """A terminator between ``lo`` and ``hi`` ends ``rule``: its ``ends`` names the rule's kind or its id.

    A note-wide rule (``sentences`` > 1: "Melding ongegrond", "Geen individuele dossiers besproken")
    speaks about the whole note; the "maar" of some sentence in between does not end it.
    """
    if rule.sentences > 1:
        return False
    return any(lo <= t.start and t.end <= hi and (rule.kind in t.rule.ends or rule.id in t.rule.ends)
               and (not any(t.rule is q for q in _QUOTE_RULES) or _quote_ends(terminators, t, lo, hi, direction))
               for t in terminators)


def _quote_ends(terminators: list[Trigger], quote: Trigger, lo: int, hi: int, direction: str) -> bool:
    """A quote ends a scope only when the trigger is inside the quotation and the match outside it.

    Forward, a closing quote ends it unless the quotation also opens after the trigger ("leningen bij
    'iemand uit de buurt': nee" is no quotation around the trigger); backward, likewise an opening quote
    unless it closes again before the trigger.
    """
    if quote.rule.direction != direction:
        return False
    if direction == "forward":  # closing quote at quote.start; an opening quote between trigger and it?
        return not any(t.rule is OPENING_QUOTE and lo <= t.start < quote.start for t in terminators)
    return not any(t.rule is CLOSING_QUOTE and quote.start < t.start < hi for t in terminators)


_FRAMES = frozenset({"explained", "general", "historical"})


def _in_scope(trig: Trigger, start: int, end: int, sent: int, terminators: list[Trigger],
              core: frozenset[int] = frozenset(), raw_sent: int | None = None) -> bool:
    rule = trig.rule
    if start < trig.end and trig.start < end:
        # A trigger that spans the whole match ("in de wijk is ... een drugslab opgerold") applies;
        # one inside a gap of the match ("het rook NIET naar wiet") applies; one that fills a
        # position of the matched phrase ("durft niet") is part of it and does not.
        if trig.start <= start and end <= trig.end and (trig.end - trig.start) > (end - start):
            return True
        # a framing phrase that shares a word with the match and reaches beyond it
        # ("bezoek ivm de begrafenis" around "veel bezoek") frames it
        if rule.kind in _FRAMES and (trig.start < start or trig.end > end):
            return True
        inside = range(trig.start, trig.end)
        return bool(core) and start <= trig.start and trig.end <= end and not any(k in core for k in inside) \
            and rule.kind not in ("explained", "general", "other_experiencer")
    if abs(sent - trig.sent) > rule.sentences:
        return False
    # Across a sentence end a rule looks back only: an explanation or a resolution follows the
    # observation ("Nieuwe auto. Die is van de erfenis."), it does not carry into the next topic.
    # A general frame (a training, a talk) is the exception: it sets the topic of what follows.
    # So does a story about someone elsewhere ("... haar neef in Duitsland. Hij werkt daar ...").
    # A new line (a new bullet, a new heading) starts a new topic: the frame stays on its line.
    forward_ok = sent == trig.sent or (rule.kind in ("general", "other_experiencer") and (
        raw_sent is None or rule.sentences > 1 or raw_sent - trig.raw_sent <= rule.sentences))
    if rule.direction in ("forward", "both") and trig.end <= start and forward_ok and sent >= trig.sent:
        if start - trig.end <= rule.max_tokens and not _terminated(terminators, rule, trig.end, start, "forward"):
            return True
    if rule.direction in ("backward", "both") and end <= trig.start and sent <= trig.sent:
        if trig.start - end <= rule.max_tokens and not _terminated(terminators, rule, end, trig.start, "backward"):
            return True
    return False


def assign_context(start: int, end: int, sent: int, triggers: list[Trigger],
                   core: frozenset[int] = frozenset(), category: str | None = None,
                   raw_sent: int | None = None) -> ContextResult:
    """The context of the match ``start:end`` in sentence ``sent`` given all triggers of the doc.

    ``core``: the tokens that filled the pattern's positions (the rest were gap tokens).
    ``category``: the match's category; a rule with ``categories`` applies only to those
    (``None``: category unknown, every rule applies). ``raw_sent``: the engine's sentence id of the
    match when ``sent`` is a :func:`text_sentences` id.
    """
    result = ContextResult()
    terminators = [t for t in triggers if t.rule.kind == "terminate"]
    for trig in triggers:
        kind = trig.rule.kind
        if kind in ("terminate", "pseudo") or result.kinds.get(kind):
            continue
        if trig.rule.categories and category is not None and category not in trig.rule.categories:
            continue
        if _in_scope(trig, start, end, sent, terminators, core, raw_sent):
            result.kinds[kind] = True
            result.rules.append(trig.rule.id)
    return result
