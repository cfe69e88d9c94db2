"""The rule score: evidence weights combined as independent cues.

score(category) = 1 - prod(1 - c_i) over the category's evidence, where
c_i = weight * decay**(n-1) for the n-th time the same entry fires, times the
context factor when the evidence is negated, hypothetical, historical, about
someone else, general or explained. One strong cue (0.85) suggests a flag on
its own; two weak ones (0.35 + 0.35 -> 0.58) together pass the default 0.5.
Until a learned scorer is configured this is the score a suggestion carries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Protocol


class Scorable(Protocol):
    category: str
    entry_id: str
    weight: float
    cancel_kinds: tuple[str, ...]


def contribution(weight: float, cancel_kinds: Iterable[str], repeat: int, repeat_decay: float,
                 context_factor: Mapping[str, float]) -> float:
    """What one piece of evidence adds: weight, decayed by repeats, times the strongest context cut."""
    c = weight * (repeat_decay ** repeat)
    factors = [float(context_factor.get(k, 0.0)) for k in cancel_kinds]
    if factors:
        c *= min(factors)
    return max(0.0, min(1.0, c))


def rule_scores(evidence: Iterable[Scorable], categories: Iterable[str], repeat_decay: float = 0.5,
                context_factor: Mapping[str, float] | None = None) -> tuple[dict[str, float], list[float]]:
    """Per-category scores and each evidence's contribution (same order as ``evidence``)."""
    factor = context_factor or {}
    remaining = {c: 1.0 for c in categories}
    seen: Counter[str] = Counter()
    # strongest evidence first, so repeats decay the weaker copies
    items = list(evidence)
    order = sorted(range(len(items)), key=lambda i: (bool(items[i].cancel_kinds), -items[i].weight))
    contrib_by_index: dict[int, float] = {}
    for i in order:
        ev = items[i]
        c = contribution(ev.weight, ev.cancel_kinds, seen[ev.entry_id], repeat_decay, factor)
        if not ev.cancel_kinds:
            seen[ev.entry_id] += 1
        contrib_by_index[i] = c
        if ev.category in remaining:
            remaining[ev.category] *= 1.0 - c
    contributions = [contrib_by_index[i] for i in range(len(items))]
    return {c: round(1.0 - r, 4) for c, r in remaining.items()}, contributions
