"""Scan speed on one core: notes/s of ``Flagger.scan_many`` next to spaCy
``blank("nl")`` tokenisation alone on the same notes (and with redaction).

    python benchmarks/scan_speed.py [--notes 5000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def rate(fn, texts) -> float:
    start = time.perf_counter()
    fn(texts)
    return len(texts) / (time.perf_counter() - start)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, default=5000)
    ap.add_argument("--skip-redaction", action="store_true")
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import spacy

    from benchmarks.corpus import notes
    from flagging import Flagger

    texts = notes(args.notes)
    chars = sum(map(len, texts)) / len(texts)
    nlp = spacy.blank("nl")
    flagger = Flagger(redact=False)
    warm = texts[:200]
    list(nlp.pipe(warm))
    list(flagger.scan_many(warm))
    tok = rate(lambda ts: list(nlp.pipe(ts, batch_size=256)), texts)
    scan = rate(lambda ts: list(flagger.scan_many(ts, batch_size=256)), texts)
    print(f"{len(texts)} notes, mean {chars:.0f} characters, one core")
    print(f"spaCy blank('nl') tokenisation : {tok:8.0f} notes/s")
    print(f"flagging scan (no redaction)   : {scan:8.0f} notes/s  ({scan / tok:.2f} x tokenisation)")
    if not args.skip_redaction:
        full = Flagger()
        full.redactor.warm_up()
        list(full.scan_many(warm))
        red = rate(lambda ts: list(full.scan_many(ts, batch_size=256)), texts)
        print(f"flagging scan with redaction   : {red:8.0f} notes/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
