"""Train, evaluate and persist the learned scorer (``flagging train``).

Trains on the ``train`` split of a labelled JSONL corpus (fields ``text``,
``labels``, ``split``), picks one threshold per category on the ``dev`` split
for a stated precision, reports dev metrics, saves the model (skops) and,
when MLflow is installed (extra ``eval``), logs parameters, metrics, the data
hash and the model as a registered pyfunc to the local SQLite store.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np

from flagging.calibration import brier, expected_calibration_error, threshold_for_precision
from flagging.lexicon.loader import CATEGORIES


def load_corpus(path: str | Path) -> list[dict]:
    return [json.loads(x) for x in Path(path).read_text("utf-8").splitlines() if x.strip()]


def data_hash(paths) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(Path(p).read_bytes())
    return h.hexdigest()[:16]


def label_matrix(notes: list[dict], categories=CATEGORIES) -> np.ndarray:
    return np.array([[int(c in n["labels"]) for c in categories] for n in notes])


def dev_metrics(Y: np.ndarray, P: np.ndarray, thresholds: dict[str, float], categories=CATEGORIES) -> dict:
    thr = np.array([thresholds[c] for c in categories])
    pred = P >= thr
    gold_flag, pred_flag = Y.any(axis=1), pred.any(axis=1)
    tp = int((gold_flag & pred_flag).sum())
    fp = int((~gold_flag & pred_flag).sum())
    fn = int((gold_flag & ~pred_flag).sum())
    f1s = {}
    for j, c in enumerate(categories):
        ctp = int((pred[:, j] & (Y[:, j] == 1)).sum())
        cfp = int((pred[:, j] & (Y[:, j] == 0)).sum())
        cfn = int((~pred[:, j] & (Y[:, j] == 1)).sum())
        f1s[c] = 2 * ctp / (2 * ctp + cfp + cfn) if ctp else 0.0
    return {"flag_precision": tp / (tp + fp) if tp + fp else 0.0, "flag_recall": tp / (tp + fn) if tp + fn else 0.0,
            "macro_f1": float(np.mean(list(f1s.values()))), "ece": expected_calibration_error(Y, P),
            "brier": brier(Y, P), **{f"f1_{c}": v for c, v in f1s.items()}}


def train_model(corpus: str | Path, out: str | Path, *, target_precision: float = 0.9, use_text: bool = True,
                use_rules: bool = True, C: float = 4.0, name: str = "flagging-default", flagger=None,
                rules_weight: float = 1.0, context_veto: float = 0.1) -> dict:
    """Fit on train, thresholds and metrics on dev, save to ``out``. Returns the run summary."""
    from flagging.score.learned import LearnedScorer
    from flagging.suggest import Flagger

    started = time.time()
    notes = load_corpus(corpus)
    train = [n for n in notes if n.get("split", "train") == "train"]
    dev = [n for n in notes if n.get("split") == "dev"]
    if not train or not dev:
        raise ValueError(f"{corpus}: needs notes with split 'train' and 'dev'")
    flagger = flagger or Flagger(model="rules")
    X_train = flagger.model_inputs([n["text"] for n in train])
    X_dev = flagger.model_inputs([n["text"] for n in dev])
    Y_train, Y_dev = label_matrix(train), label_matrix(dev)
    model = LearnedScorer(use_text=use_text, use_rules=use_rules, C=C, rules_weight=rules_weight,
                          context_veto=context_veto).fit(X_train, Y_train)
    P_dev = model.predict_proba(X_dev)
    model.thresholds_ = {c: round(threshold_for_precision(Y_dev[:, j], P_dev[:, j], target_precision), 4)
                         for j, c in enumerate(CATEGORIES)}
    metrics = dev_metrics(Y_dev, P_dev, model.thresholds_)
    params = {"use_text": use_text, "use_rules": use_rules, "C": C, "rules_weight": rules_weight,
              "context_veto": context_veto, "stacked": use_text and use_rules, "note_context": model.note_context,
              "target_precision": target_precision,
              "calibration": "sigmoid, 3-fold", "n_train": len(train), "n_dev": len(dev)}
    meta = {"name": name, "data_hash": data_hash([corpus]), "params": params,
            "dev_metrics": {k: round(v, 4) for k, v in metrics.items()},
            "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "intended_use": "suggest a review flag for a person to decide on; never a report"}
    model.save(out, meta)
    return {"out": str(out), "metrics": metrics, "params": params, "meta": meta,
            "seconds": round(time.time() - started, 1)}
