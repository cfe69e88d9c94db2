"""Metrics shared by the evaluation scripts: flag level, per category, per hard-negative type."""

from __future__ import annotations

from collections import Counter

from flagging.lexicon.loader import CATEGORIES


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def scan_metrics(notes: list[dict], predicted: list[set[str]]) -> dict:
    """``notes`` with ``labels`` and ``negative_type``; ``predicted`` the suggested categories per note."""
    tp = fp = fn = 0
    cat = {c: Counter() for c in CATEGORIES}
    neg_n, neg_flagged = Counter(), Counter()
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
        if note.get("negative_type"):
            neg_n[note["negative_type"]] += 1
            neg_flagged[note["negative_type"]] += flagged
    per_cat = {c: _prf(v["tp"], v["fp"], v["fn"]) for c, v in cat.items()}
    micro = _prf(*(sum(v[k] for v in cat.values()) for k in ("tp", "fp", "fn")))
    return {
        "notes": len(notes),
        "flag": _prf(tp, fp, fn),
        "per_category": per_cat,
        "macro_f1": sum(v["f1"] for v in per_cat.values()) / len(per_cat),
        "micro": micro,
        "fpr_by_negative_type": {t: {"n": neg_n[t], "fpr": neg_flagged[t] / neg_n[t]} for t in sorted(neg_n)},
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
