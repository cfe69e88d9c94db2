"""CoNLL-2002 Dutch NER (development part, ``ned.testa``) as an independent check.

Read from ``../shared/data/conll2002/`` only to *measure*: the data is not
copied, shipped or used to tune anything (its licence allows research use).
Each article becomes one text (sentences on their own lines, tokens joined
by spaces). An entity counts as redacted when at least 80% of its characters
fall inside predicted entities, as in the data's README. Prints PER and LOC
recall (and ORG, MISC for information), plus Deduce alone for comparison with
``--deduce``.

    python evaluation/conll_eval.py [--path ../shared/data/conll2002/ned.testa]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "conll2002" / "ned.testa"


def read_articles(path: Path):
    """Yield (text, [(type, start, end)]) per article."""
    sentences, current = [], []
    articles = []
    for line in path.read_text("utf-8").split("\n"):
        if line.startswith("-DOCSTART-"):
            if current:
                sentences.append(current)
                current = []
            if sentences:
                articles.append(sentences)
            sentences = []
        elif not line.strip():
            if current:
                sentences.append(current)
                current = []
        else:
            word, _pos, tag = line.split()
            current.append((word, tag))
    if current:
        sentences.append(current)
    if sentences:
        articles.append(sentences)
    for sents in articles:
        text_parts, ents, pos = [], [], 0
        for sent in sents:
            open_ent = None
            for k, (word, tag) in enumerate(sent):
                if k:
                    text_parts.append(" ")
                    pos += 1
                start = pos
                text_parts.append(word)
                pos += len(word)
                if tag.startswith("B-") or (tag.startswith("I-") and (open_ent is None or open_ent[0] != tag[2:])):
                    if open_ent:
                        ents.append(tuple(open_ent))
                    open_ent = [tag[2:], start, pos]
                elif tag.startswith("I-"):
                    open_ent[2] = pos
                else:
                    if open_ent:
                        ents.append(tuple(open_ent))
                    open_ent = None
            if open_ent:
                ents.append(tuple(open_ent))
            text_parts.append("\n")
            pos += 1
        yield "".join(text_parts), ents


def recall(path: Path, spans_of) -> dict:
    total, hit = Counter(), Counter()
    for text, ents in read_articles(path):
        covered = bytearray(len(text))
        for s, e in spans_of(text):
            covered[s:e] = b"\x01" * (e - s)
        for etype, s, e in ents:
            total[etype] += 1
            hit[etype] += sum(covered[s:e]) >= 0.8 * (e - s)
    return {t: {"n": total[t], "recall": hit[t] / total[t]} for t in sorted(total)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--path", type=Path, default=DEFAULT)
    ap.add_argument("--deduce", action="store_true", help="also measure Deduce alone")
    args = ap.parse_args(argv)
    if not args.path.exists():
        print(f"CoNLL-2002 data not found at {args.path}", file=sys.stderr)
        return 1
    from flagging.redact.redactor import Redactor

    red = Redactor().warm_up()
    ours = recall(args.path, lambda t: [(e.start, e.end) for e in red.analyze(t)])
    print("flagging redactor on CoNLL-2002 ned.testa (entity redacted when >= 80% of its characters are):")
    for t, v in ours.items():
        print(f"  {t:<5} n={v['n']:>4}  recall {v['recall']:.3f}")
    if args.deduce:
        from benchmarks.deduce_baseline import deduce_spans

        base = recall(args.path, deduce_spans)
        print("Deduce alone:")
        for t, v in base.items():
            print(f"  {t:<5} n={v['n']:>4}  recall {v['recall']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
