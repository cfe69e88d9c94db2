"""Redaction speed on one core, one run: this redactor vs Deduce alone vs Presidio's
own default recognizers on ``spacy.blank("nl")``, on the same notes.

    python benchmarks/redact_speed.py [--notes 2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PRESIDIO_DEFAULTS = ["CreditCardRecognizer", "CryptoRecognizer", "DateRecognizer", "EmailRecognizer",
                     "IbanRecognizer", "IpRecognizer", "PhoneRecognizer", "UrlRecognizer",
                     "MedicalLicenseRecognizer"]


def presidio_default_analyzer():
    """Presidio's generic predefined recognizers, declared for 'nl', on a blank Dutch engine."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, predefined_recognizers

    from flagging.redact.nlp_engine import BlankDutchNlpEngine
    from flagging.redact.offline import make_tldextract_offline

    make_tldextract_offline()
    registry = RecognizerRegistry(supported_languages=["nl"])
    for name in PRESIDIO_DEFAULTS:
        registry.add_recognizer(getattr(predefined_recognizers, name)(supported_language="nl"))
    engine = BlankDutchNlpEngine(lemmas=True)
    engine.load()
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["nl"])


def timed(fn, texts) -> float:
    start = time.perf_counter()
    for t in texts:
        fn(t)
    return len(texts) / (time.perf_counter() - start)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, default=2000)
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from presidio_anonymizer import AnonymizerEngine

    from benchmarks.corpus import notes
    from benchmarks.deduce_baseline import deduce_model, deduce_redact
    from flagging.redact.redactor import Redactor

    texts = notes(args.notes)
    ours = Redactor().warm_up()
    print("loading Deduce (first use builds its lookups, about a minute) ...", file=sys.stderr)
    deduce_model()
    presidio = presidio_default_analyzer()
    anonymizer = AnonymizerEngine()

    def presidio_redact(t):
        return anonymizer.anonymize(t, presidio.analyze(t, language="nl")).text

    # one untimed pass each, so every system has seen the vocabulary (steady state)
    for fn in (ours.redact, deduce_redact, presidio_redact):
        for t in texts:
            fn(t)
    r_ours = timed(ours.redact, texts)
    r_deduce = timed(deduce_redact, texts)
    r_presidio = timed(presidio_redact, texts)
    print(f"{len(texts)} notes, one core, redacted text produced by each")
    print(f"flagging redactor (Presidio + Dutch recognizers): {r_ours:8.1f} notes/s")
    print(f"Deduce alone                                  : {r_deduce:8.1f} notes/s  (ours {r_ours / r_deduce:.2f}x)")
    print(f"Presidio default recognizers on blank('nl')   : {r_presidio:8.1f} notes/s  (ours {r_ours / r_presidio:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
