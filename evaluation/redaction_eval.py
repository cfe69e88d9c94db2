"""Measure the redactor on the annotated Dutch set (span overlap).

Prints per-type recall (a gold entity counts as caught when any predicted
entity overlaps it) and typed recall, per-type precision (a prediction is
right when it overlaps a gold entity), PERSON recall per name origin,
keep-word survival and overall precision. ``--json FILE`` writes every figure.

    python evaluation/redaction_eval.py
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evaluation.redaction_data import load_gold  # noqa: E402


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def evaluate(notes, redactor) -> dict:
    gold_n, gold_hit, gold_typed = Counter(), Counter(), Counter()
    pred_n, pred_hit = Counter(), Counter()
    origin_n, origin_hit = Counter(), Counter()
    keep_n = keep_ok = 0
    misses = defaultdict(list)
    for note in notes:
        preds = redactor.analyze(note.text)
        spans = [(p.start, p.end, p.type) for p in preds]
        for g in note.entities:
            gs = (g["start"], g["end"])
            hit = [p for p in spans if _overlaps(gs, p[:2])]
            gold_n[g["type"]] += 1
            if hit:
                gold_hit[g["type"]] += 1
                if any(p[2] == g["type"] for p in hit):
                    gold_typed[g["type"]] += 1
            else:
                misses[g["type"]].append(note.text[gs[0]:gs[1]])
            if g["type"] == "PERSON":
                origin_n[g["origin"]] += 1
                origin_hit[g["origin"]] += bool(hit)
        for p in spans:
            pred_n[p[2]] += 1
            if any(_overlaps(p[:2], (g["start"], g["end"])) for g in note.entities):
                pred_hit[p[2]] += 1
            else:
                misses["FP_" + p[2]].append(note.text[p[0]:p[1]])
        for k in note.keep:
            keep_n += 1
            keep_ok += not any(_overlaps(k, p[:2]) for p in spans)
    types = sorted(set(gold_n) | set(pred_n))
    per_type = {t: {"gold": gold_n[t], "recall": gold_hit[t] / gold_n[t] if gold_n[t] else None,
                    "typed_recall": gold_typed[t] / gold_n[t] if gold_n[t] else None,
                    "predicted": pred_n[t], "precision": pred_hit[t] / pred_n[t] if pred_n[t] else None}
                for t in types}
    origins = {o: {"n": origin_n[o], "recall": origin_hit[o] / origin_n[o]} for o in sorted(origin_n)}
    return {
        "notes": len(notes), "per_type": per_type, "person_recall_by_origin": origins,
        "keep_word_survival": keep_ok / keep_n if keep_n else None, "keep_words": keep_n,
        "overall_precision": sum(pred_hit.values()) / max(1, sum(pred_n.values())),
        "overall_recall": sum(gold_hit.values()) / max(1, sum(gold_n.values())),
        "examples_missed": {k: v[:15] for k, v in misses.items()},
    }


def print_report(r: dict) -> None:
    print(f"notes: {r['notes']}")
    print(f"{'type':<18}{'gold':>6}{'recall':>9}{'typed':>8}{'pred':>6}{'precision':>11}")
    for t, m in r["per_type"].items():
        fmt = lambda v: f"{v:.3f}" if v is not None else "  -  "  # noqa: E731
        print(f"{t:<18}{m['gold']:>6}{fmt(m['recall']):>9}{fmt(m['typed_recall']):>8}{m['predicted']:>6}"
              f"{fmt(m['precision']):>11}")
    print("PERSON recall by name origin:")
    for o, m in r["person_recall_by_origin"].items():
        print(f"  {o:<12}{m['n']:>5}  {m['recall']:.3f}")
    print(f"keep-word survival: {r['keep_word_survival']:.3f} ({r['keep_words']} keep words)")
    print(f"overall precision: {r['overall_precision']:.3f}   overall recall: {r['overall_recall']:.3f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", help="write all figures to this file")
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args(argv)
    from flagging.redact.redactor import Redactor

    result = evaluate(load_gold(), Redactor().warm_up())
    print_report(result)
    if args.show_misses:
        for k, v in result["examples_missed"].items():
            print(k, v)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
