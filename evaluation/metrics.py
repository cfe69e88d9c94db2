"""Metrics shared by the evaluation scripts: flag level, per category, per hard-negative type."""

from __future__ import annotations

from collections import Counter

from flagging.evaluation.metrics import fpr_by_negative_type, prf
from flagging.lexicon.loader import CATEGORIES


def _prf(tp: int, fp: int, fn: int) -> dict:
    return {**prf(tp, fp, fn), "tp": tp, "fp": fp, "fn": fn}


def scan_metrics(notes: list[dict], predicted: list[set[str]]) -> dict:
    """``notes`` with ``labels`` and ``negative_type``; ``predicted`` the suggested categories per note."""
    tp = fp = fn = 0
    cat = {c: Counter() for c in CATEGORIES}
    for note, pred in zip(notes, predicted, strict=True):
        gold = set(note["labels"])
        flagged, positive = bool(pred), bool(gold)
        tp += flagged and positive
        fp += flagged and not positive
        fn += positive and not flagged
        for c in CATEGORIES:
            cat[c]["tp"] += c in gold and c in pred
            cat[c]["fp"] += c not in gold and c in pred
            cat[c]["fn"] += c in gold and c not in pred
    per_cat = {c: _prf(v["tp"], v["fp"], v["fn"]) for c, v in cat.items()}
    micro = _prf(*(sum(v[k] for v in cat.values()) for k in ("tp", "fp", "fn")))
    return {
        "notes": len(notes),
        "flag": _prf(tp, fp, fn),
        "per_category": per_cat,
        "macro_f1": sum(v["f1"] for v in per_cat.values()) / len(per_cat),
        "micro": micro,
        "fpr_by_negative_type": fpr_by_negative_type([n.get("negative_type") for n in notes],
                                                     [bool(p) for p in predicted]),
    }


def format_scan_report(m: dict) -> str:
    f = m["flag"]
    lines = [f"notes: {m['notes']}",
             f"flag precision {f['precision']:.3f}  recall {f['recall']:.3f}  F1 {f['f1']:.3f}  "
             f"(tp {f['tp']}, fp {f['fp']}, fn {f['fn']})",
             f"macro-F1 {m['macro_f1']:.3f}  micro-F1 {m['micro']['f1']:.3f}",
             f"{'category':<22}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}"]
    for c, v in m["per_category"].items():
        lines.append(f"{c:<22}{v['precision']:>7.3f}{v['recall']:>7.3f}{v['f1']:>7.3f}{v['tp']:>5}{v['fp']:>5}{v['fn']:>5}")
    lines.append("false-positive rate per hard-negative type:")
    for t, v in m["fpr_by_negative_type"].items():
        lines.append(f"  {t:<20}{v['fpr']:>7.3f}  (n={v['n']})")
    return "\n".join(lines)
