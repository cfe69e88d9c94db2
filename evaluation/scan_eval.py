"""Scan the labelled notes of one split with the rules and print the figures.

Flag-level precision and recall, per-category P/R/F1, macro-F1 and the
false-positive rate per hard-negative type. ``--errors`` lists the notes
the rules got wrong (for train/dev work only: never tune on test).

    python evaluation/scan_eval.py --split test
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evaluation.metrics import format_scan_report, scan_metrics  # noqa: E402

DATA = Path(__file__).parent / "data"


def load_split(split: str) -> list[dict]:
    return [json.loads(x) for x in (DATA / f"{split}.jsonl").read_text("utf-8").splitlines() if x.strip()]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev", choices=["train", "dev", "test"])
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--errors", action="store_true", help="print the wrongly scored notes (not for test)")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--lexicon-dir", help="lexicon folder (default: packaged)")
    ap.add_argument("--model", default="rules", help="'rules' (rule score only), 'default' or a model folder")
    ap.add_argument("--only", nargs="*", help="restrict --errors to these categories")
    args = ap.parse_args(argv)
    from flagging import Flagger

    notes = load_split(args.split)
    flagger = Flagger(threshold=args.threshold, redact=args.model != "rules", lexicon_dir=args.lexicon_dir,
                      model=args.model)
    suggestions = list(flagger.scan_many([n["text"] for n in notes]))
    predicted = [set(s.categories) for s in suggestions]
    m = scan_metrics(notes, predicted)
    if flagger.model is not None:
        import numpy as np

        from flagging.calibration import brier, expected_calibration_error
        from flagging.lexicon.loader import CATEGORIES

        Y = np.array([[int(c in n["labels"]) for c in CATEGORIES] for n in notes])
        P = np.array([[s.scores[c] for c in CATEGORIES] for s in suggestions])
        m["ece"], m["brier"] = expected_calibration_error(Y, P), brier(Y, P)
    print(f"split: {args.split}   model: {args.model}   threshold: "
          f"{flagger.threshold if flagger.model is None or args.threshold else 'per category (model)'}")
    print(format_scan_report(m))
    if "ece" in m:
        print(f"calibration: ECE {m['ece']:.3f}  Brier {m['brier']:.3f}")
    if args.errors:
        for n, s, p in zip(notes, suggestions, predicted, strict=True):
            gold = set(n["labels"])
            if gold != p and (not args.only or (gold ^ p) & set(args.only)):
                fired = {sig.category: [e["entry"] + ("/" + ",".join(e["context"]["triggers"]) if e["context"]["triggers"] else "")
                                        for e in sig.evidence] for sig in s.signals}
                print(f"\n--- {n['id']} gold={sorted(gold)} neg={n.get('negative_type')} pred={sorted(p)}")
                print(n["text"][:600].replace("\n", " | "))
                print("fired:", fired)
    if args.json:
        Path(args.json).write_text(json.dumps(m, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
