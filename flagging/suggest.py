"""Suggestions: what the library hands a person to decide on.

A :class:`Suggestion` says *needs_review* or *no_signal* and carries its
evidence: character offsets into the original note, a redacted snippet, the
lexicon entries that fired and their context. There is no status that
reports, files or escalates: a person decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flagging.config import load_config
from flagging.lexicon.loader import CONTEXT_KINDS
from flagging.pipeline import Evidence, build_pipeline, get_resources

STATUS_REVIEW = "needs_review"
STATUS_NONE = "no_signal"


@dataclass
class Signal:
    """One category's score and the evidence behind it."""

    category: str
    score: float
    evidence: list[dict[str, Any]]
    entries: list[str]
    context: dict[str, Any]
    above_threshold: bool
    model: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {"category": self.category, "score": self.score, "above_threshold": self.above_threshold,
               "evidence": self.evidence, "entries": self.entries, "context": self.context}
        if self.model is not None:
            out["model"] = self.model
        return out


@dataclass
class Suggestion:
    """The result of scanning one note. ``flag`` is true exactly when status is needs_review."""

    flag: bool
    categories: list[str]
    signals: list[Signal]
    scores: dict[str, float]
    redacted_text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> str:
        return STATUS_REVIEW if self.flag else STATUS_NONE

    def to_record(self, note_id: Any = None, meta: dict | None = None) -> dict[str, Any]:
        """The ``scan`` output record of ``shared/spec/contract.md``."""
        rec = {"id": note_id, "status": self.status, "flag": self.flag, "categories": list(self.categories),
               "signals": [s.as_dict() for s in self.signals], "scores": dict(self.scores),
               "redacted_text": self.redacted_text, "error": None}
        if meta:
            rec["meta"] = meta
        return rec


class Flagger:
    """Scan Dutch case notes for signals; suggest a review flag with evidence.

    ``Flagger()`` loads the packaged lexicons and context rules and the
    default redactor. ``redact=False`` skips redaction: records then carry
    offsets only, never raw snippets.
    """

    def __init__(self, *, threshold: float | None = None, categories: Iterable[str] | None = None,
                 lexicon_dir: str | None = None, context_rules: str | None = None,
                 config: str | dict | None = None, redact: bool | None = None, redactor: Any = None,
                 model: Any = None):
        cats = list(categories) if categories else None
        self.config = load_config(config, threshold=threshold, categories=cats)
        if redact is not None:
            self.config["pipeline"]["redact"] = bool(redact)
        self.threshold = float(self.config["threshold"])
        self._lexicon_dir = str(lexicon_dir or "")
        self._context_rules = str(context_rules or "")
        self.resources = get_resources(self._lexicon_dir, self._context_rules,
                                       tuple(self.config.get("categories") or ()))
        self.nlp = build_pipeline(self.config, self._lexicon_dir, self._context_rules)
        self._redactor = redactor
        self.redact = bool(self.config["pipeline"].get("redact", True))
        self._threshold_given = threshold is not None
        if model is None:
            # without redaction there is no text a model may see: the rule score alone
            model = self.config["scoring"].get("model") if self.redact else "rules"
        self.model = load_model(model)
        if self.model is not None and not self.redact:
            raise ValueError("a learned model scores redacted text: it cannot run with redact=False")

    @property
    def categories(self) -> tuple[str, ...]:
        return self.resources.categories

    @property
    def redactor(self):
        if self._redactor is None and self.redact:
            from flagging.redact.redactor import Redactor

            self._redactor = Redactor()
        return self._redactor

    def scan(self, text: str) -> Suggestion:
        """Scan one note."""
        return next(iter(self.scan_many([text])))

    def scan_many(self, texts: Iterable[str], batch_size: int = 256, n_process: int = 1) -> Iterator[Suggestion]:
        """Scan many notes, results in input order.

        ``batch_size`` notes go through spaCy's ``pipe`` at a time; with
        ``n_process > 1`` batches are scanned by forked worker processes
        (spaCy's own multiprocessing cannot carry the evidence objects back).
        """
        if n_process != 1:
            from flagging.parallel import scan_parallel

            yield from scan_parallel(self, texts, batch_size, n_process)
            return
        pairs = ((_checked(t), t) for t in texts)
        batch: list[tuple[str, Any, Any]] = []
        for doc, text in self.nlp.pipe(pairs, batch_size=batch_size, as_tuples=True):
            batch.append((text, doc, self.redactor.redact(text, doc=doc) if self.redact else None))
            if len(batch) >= batch_size:
                yield from self._suggest_batch(batch)
                batch = []
        if batch:
            yield from self._suggest_batch(batch)

    def model_inputs(self, texts: Iterable[str], batch_size: int = 256) -> list[tuple[str, dict]]:
        """What a learned model sees for each text: identity-neutral redacted text and rule features."""
        return [self._model_input(text, doc, self.redactor.redact(text, doc=doc))
                for doc, text in self.nlp.pipe(((_checked(t), t) for t in texts), batch_size=batch_size,
                                               as_tuples=True)]

    @staticmethod
    def _model_input(text: str, doc, redaction) -> tuple[str, dict]:
        from flagging.score.features import model_input

        ext = doc._
        return model_input(text, ext.flagging_evidence or [], redaction, ext.flagging_note_context or ())

    def _suggest_batch(self, batch):
        probs = None
        if self.model is not None:
            inputs = [self._model_input(text, doc, red) for text, doc, red in batch]
            probs = self.model.predict_proba(inputs)
        for k, (text, doc, red) in enumerate(batch):
            yield self._suggest(text, doc, red, None if probs is None else probs[k], None if probs is None
                                else inputs[k])

    def threshold_for(self, category: str) -> float:
        if self.model is not None and not self._threshold_given:
            return float(self.model.thresholds_.get(category, self.threshold))
        return self.threshold

    def _suggest(self, text: str, doc, redaction=None, probs=None, model_input=None) -> Suggestion:
        ext = doc._  # one Underscore object, not one per attribute
        evidence: list[Evidence] = ext.flagging_evidence or []
        scored = ext.flagging_scores
        scores, contributions = dict(scored["scores"]), scored["contributions"]
        if probs is not None:
            scores = {c: round(float(p), 4) for c, p in zip(self.model.categories, probs, strict=True)
                      if c in scores}
        index = ext.flagging_index
        by_cat: dict[str, list[tuple[Evidence, float]]] = {}
        for ev, c in zip(evidence, contributions, strict=True):
            by_cat.setdefault(ev.category, []).append((ev, c))
        if probs is not None:
            for cat in scores:
                if scores[cat] >= self.threshold_for(cat) and cat not in by_cat:
                    by_cat[cat] = []
        signals = []
        for cat, items in by_cat.items():
            items.sort(key=lambda x: -x[1])
            score = scores.get(cat, 0.0)
            ev_dicts = []
            for ev, c in items:
                s0, s1 = index.sent_bounds[ev.sent]
                sent_start, sent_end = int(index.char_starts[s0]), int(index.char_ends[s1 - 1])
                ev_dicts.append({
                    "start": ev.char_start, "end": ev.char_end,
                    "snippet": redaction.snippet(sent_start, sent_end) if redaction else None,
                    "entry": ev.entry.id, "kind": ev.entry.kind, "weight": ev.entry.weight,
                    "contribution": round(c, 4), "context": ev.context.as_dict(),
                })
            context = ({k: items[0][0].context.kinds[k] for k in CONTEXT_KINDS} if items
                       else dict.fromkeys(CONTEXT_KINDS, False))
            sig = Signal(
                category=cat, score=score, evidence=ev_dicts,
                entries=list(dict.fromkeys(ev.entry.id for ev, _ in items)),
                context=context, above_threshold=score >= self.threshold_for(cat),
            )
            if probs is not None:
                # top terms only where a person will look: signals above the threshold
                sig.model = {"name": self.model.meta_.get("name", "model"),
                             "top_terms": self.model.explain(model_input, cat, k=5) if sig.above_threshold else [],
                             "threshold": self.threshold_for(cat)}
            signals.append(sig)
        signals.sort(key=lambda s: -s.score)
        flagged = [s.category for s in signals if s.above_threshold]
        return Suggestion(
            flag=bool(flagged), categories=flagged, signals=signals, scores=scores,
            redacted_text=redaction.text if redaction else None,
            entities=redaction.entity_dicts() if redaction else [],
        )


def load_model(spec: Any):
    """None/"rules" (rule score), "default" (the packaged model), a folder, or a loaded scorer."""
    if spec is None or spec in ("", "rules"):
        return None
    if not isinstance(spec, str):
        return spec
    from flagging.score.registry import resolve_model

    return resolve_model(spec)


def _checked(text: Any) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    return text
