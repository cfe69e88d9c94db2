"""Scores and flags per note, from this library's models or from a predictions file.

Why one shape for both: ``flagging evaluate`` must measure any model the same
way, whether it is a :class:`~flagging.suggest.Flagger` (rules, the packaged
model, a model folder, ``models:/NAME@ALIAS``) or an external system that only
hands over its scores. A predictions file is JSON Lines, one object per note::

    {"id": "evA-0001", "scores": {"drug_cultivation": 0.91, ...}, "flags": ["drug_cultivation"]}

``scores`` maps category ids to probabilities (missing categories count as 0).
``flags`` (optional) lists the categories the model suggests; without it a
category is flagged when its score reaches ``threshold`` (optional: one number,
or one per category; default 0.5).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from flagging.lexicon.loader import CATEGORIES

DEFAULT_THRESHOLD = 0.5


@dataclass
class Predictions:
    """What one model said about every note of a data set, in the data set's order."""

    name: str
    spec: str
    kind: str  # "model" or "file"
    ids: list[str]
    scores: list[dict[str, float]]
    flags: list[set[str]]
    thresholds: dict[str, float]
    redacted: list[str | None] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def score_matrix(self, categories: Sequence[str] = CATEGORIES) -> np.ndarray:
        return np.array([[float(s.get(c, 0.0)) for c in categories] for s in self.scores]).reshape(-1, len(categories))

    def flag_matrix(self, categories: Sequence[str] = CATEGORIES) -> np.ndarray:
        return np.array([[c in f for c in categories] for f in self.flags], dtype=bool).reshape(-1, len(categories))


def load_notes(path: str | Path) -> list[dict]:
    """Labelled notes (JSONL: ``id``, ``text``, ``labels``, optional ``negative_type``), checked."""
    notes = []
    for k, line in enumerate(Path(path).read_text("utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: line {k}: invalid JSON ({exc.msg})") from exc
        if not isinstance(rec, dict) or "id" not in rec or not isinstance(rec.get("text"), str):
            raise ValueError(f"{path}: line {k}: needs 'id' and a string 'text'")
        labels = rec.get("labels") or []
        unknown = set(labels) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"{path}: line {k}: unknown categories {sorted(unknown)}")
        rec["id"], rec["labels"] = str(rec["id"]), list(labels)
        notes.append(rec)
    if not notes:
        raise ValueError(f"{path}: no notes")
    return notes


def display_name(spec: str) -> str:
    """Short name of a model spec or file, for tables and MLflow run names."""
    if spec in ("rules", "default") or spec.startswith(("models:/", "runs:/")):
        return spec.replace("models:/", "").replace("runs:/", "run-").replace("/", "-").replace("@", "-")
    p = Path(spec)
    return p.stem if p.suffix else p.name or spec


def is_predictions_file(spec: str) -> bool:
    return Path(spec).is_file()


def from_model(notes: list[dict], spec: str = "rules", *, threshold: float | None = None, redact: bool = True,
               batch_size: int = 64, flagger: Any = None, redactor: Any = None) -> Predictions:
    """Scan every note with a Flagger. Redaction is on by default: error lists show redacted text only.

    ``redactor``: a warmed-up Redactor to share between several models (its lookups load once).
    """
    if flagger is None:
        from flagging.suggest import Flagger

        flagger = Flagger(model=spec, threshold=threshold, redact=redact, redactor=redactor if redact else None)
    if flagger.redact:
        flagger.redactor.warm_up(progress=False)
    sugg = list(flagger.scan_many([n["text"] for n in notes], batch_size=batch_size))
    cats = flagger.categories
    return Predictions(
        name=display_name(spec), spec=spec, kind="model", ids=[n["id"] for n in notes],
        scores=[{c: float(s.scores.get(c, 0.0)) for c in cats} for s in sugg],
        flags=[set(s.categories) for s in sugg], thresholds={c: flagger.threshold_for(c) for c in cats},
        redacted=[s.redacted_text for s in sugg],
        meta={"model": "rules" if flagger.model is None else flagger.model.meta_.get("name", spec)})


def _thresholds(raw: Any, where: str) -> dict[str, float]:
    if raw is None:
        return dict.fromkeys(CATEGORIES, DEFAULT_THRESHOLD)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return dict.fromkeys(CATEGORIES, float(raw))
    if isinstance(raw, dict):
        return {c: float(raw.get(c, DEFAULT_THRESHOLD)) for c in CATEGORIES}
    raise ValueError(f"{where}: 'threshold' must be a number or an object of category -> number")


def _scores(raw: Any, where: str) -> dict[str, float]:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: 'scores' must be an object of category -> probability")
    unknown = set(raw) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"{where}: unknown categories {sorted(unknown)}")
    out = {}
    for c in CATEGORIES:
        v = raw.get(c, 0.0)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 <= float(v) <= 1.0:
            raise ValueError(f"{where}: score of {c} must be a number in [0, 1]")
        out[c] = float(v)
    return out


def _flags(raw: Any, scores: dict[str, float], thr: dict[str, float], where: str) -> set[str]:
    if raw is None:
        return {c for c in CATEGORIES if scores[c] >= thr[c]}
    if isinstance(raw, dict):
        raw = [c for c, v in raw.items() if v]
    if not isinstance(raw, list) or not set(raw) <= set(CATEGORIES):
        raise ValueError(f"{where}: 'flags' must be a list of category ids")
    return set(raw)


def from_file(notes: list[dict], path: str | Path) -> Predictions:
    """Read an external model's predictions and align them to ``notes`` by id (every note needs one)."""
    by_id: dict[str, tuple[dict, set[str], dict]] = {}
    for k, line in enumerate(Path(path).read_text("utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}: line {k}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where}: invalid JSON ({exc.msg})") from exc
        if not isinstance(rec, dict) or "id" not in rec or "scores" not in rec:
            raise ValueError(f"{where}: needs 'id' and 'scores'")
        thr = _thresholds(rec.get("threshold"), where)
        scores = _scores(rec["scores"], where)
        by_id[str(rec["id"])] = (scores, _flags(rec.get("flags"), scores, thr, where), thr)
    missing = [n["id"] for n in notes if n["id"] not in by_id]
    if missing:
        raise ValueError(f"{path}: no prediction for {len(missing)} note(s), e.g. {', '.join(missing[:5])}")
    rows = [by_id[n["id"]] for n in notes]
    thresholds = rows[0][2] if rows and all(r[2] == rows[0][2] for r in rows) else {}
    return Predictions(name=display_name(str(path)), spec=str(path), kind="file", ids=[n["id"] for n in notes],
                       scores=[r[0] for r in rows], flags=[r[1] for r in rows], thresholds=thresholds,
                       redacted=[None] * len(notes), meta={"predictions_file": str(path)})


def resolve(spec: str, notes: list[dict], **kwargs: Any) -> Predictions:
    """A predictions file when ``spec`` is an existing file, otherwise a model spec for :class:`Flagger`.

    A file's error list gets redacted text from ``kwargs["redactor"]`` (or a new Redactor).
    """
    if is_predictions_file(spec):
        preds = from_file(notes, spec)
        wrong = [i for i, n in enumerate(notes) if set(n["labels"]) != preds.flags[i]]
        if wrong:
            texts = redact_texts([notes[i]["text"] for i in wrong], kwargs.get("redactor"))
            for i, t in zip(wrong, texts, strict=True):
                preds.redacted[i] = t
        return preds
    return from_model(notes, spec, **kwargs)


def redact_texts(texts: Sequence[str], redactor: Any = None) -> list[str]:
    """Redacted forms of ``texts`` (for error lists of models that did not redact themselves)."""
    if redactor is None:
        from flagging.redact.redactor import Redactor

        redactor = Redactor()
    redactor.warm_up(progress=False)
    return [redactor.redact(t).text for t in texts]
