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

from flagging.lexicon.loader import CONTEXT_KINDS, ContextRule
from flagging.match.engine import TokenMatch


@dataclass(frozen=True, slots=True)
class Trigger:
    rule: ContextRule
    start: int
    end: int
    sent: int


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


def find_triggers(matches: list[TokenMatch], rules: tuple[ContextRule, ...]) -> list[Trigger]:
    """Turn engine matches of context patterns into triggers, dropping those a pseudo-trigger overlaps."""
    triggers = [Trigger(rules[m.owner[1]], m.start, m.end, m.sent) for m in matches]
    pseudo = [t for t in triggers if t.rule.kind == "pseudo"]
    if not pseudo:
        return triggers
    # a pseudo-trigger cancels the triggers it overlaps ("niet opgegeven bij het UWV" is no
    # explanation; "geen idee" is no negation); with ``ends`` only triggers of those kinds
    return [t for t in triggers if t.rule.kind == "pseudo"
            or not any(p.start < t.end and t.start < p.end and (not p.rule.ends or t.rule.kind in p.rule.ends)
                       for p in pseudo)]


def _terminated(terminators: list[Trigger], kind: str, lo: int, hi: int) -> bool:
    return any(lo <= t.start and t.end <= hi and kind in t.rule.ends for t in terminators)


_FRAMES = frozenset({"explained", "general", "historical"})


def _in_scope(trig: Trigger, start: int, end: int, sent: int, terminators: list[Trigger],
              core: frozenset[int] = frozenset()) -> bool:
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
    forward_ok = sent == trig.sent or rule.kind == "general"
    if rule.direction in ("forward", "both") and trig.end <= start and forward_ok and sent >= trig.sent:
        if start - trig.end <= rule.max_tokens and not _terminated(terminators, rule.kind, trig.end, start):
            return True
    if rule.direction in ("backward", "both") and end <= trig.start and sent <= trig.sent:
        if trig.start - end <= rule.max_tokens and not _terminated(terminators, rule.kind, end, trig.start):
            return True
    return False


def assign_context(start: int, end: int, sent: int, triggers: list[Trigger],
                   core: frozenset[int] = frozenset()) -> ContextResult:
    """The context of the match ``start:end`` in sentence ``sent`` given all triggers of the doc.

    ``core``: the tokens that filled the pattern's positions (the rest were gap tokens).
    """
    result = ContextResult()
    terminators = [t for t in triggers if t.rule.kind == "terminate"]
    for trig in triggers:
        kind = trig.rule.kind
        if kind in ("terminate", "pseudo") or result.kinds.get(kind):
            continue
        if _in_scope(trig, start, end, sent, terminators, core):
            result.kinds[kind] = True
            result.rules.append(trig.rule.id)
    return result
