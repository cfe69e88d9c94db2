"""Build the training corpus of the learned scorer from ``raw/*.jsonl``.

Drops every note that shares a sentence (5+ words, compared normalised) with
the scan evaluation's dev or test notes, so that no note and no sentence is in
both (``tests/unit/test_corpus_separation.py`` checks it), then assigns a fixed
train/dev split (80/20) by a hash of the id, stratified by first label or
negative kind.

    python models/data/build_corpus.py
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
EVAL = HERE.parent.parent / "evaluation" / "data"
MIN_WORDS = 5


def sentences(text: str) -> set[str]:
    """Normalised sentences of 5+ words (lowercase, single spaces, no punctuation)."""
    out = set()
    for s in re.split(r"(?<=[.!?])\s+|\n+|\s+\|\s+", text):
        words = re.findall(r"\w+", s.lower())
        if len(words) >= MIN_WORDS:
            out.add(" ".join(words))
    return out


def eval_sentences() -> set[str]:
    out: set[str] = set()
    for split in ("dev", "test"):
        for line in (EVAL / f"{split}.jsonl").read_text("utf-8").splitlines():
            if line.strip():
                out |= sentences(json.loads(line)["text"])
    return out


def _key(n: dict) -> str:
    return n["labels"][0] if n["labels"] else f"neg:{n['negative_type']}"


def main() -> int:
    held_out = eval_sentences()
    notes, dropped = [], []
    for path in sorted((HERE / "raw").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            n = json.loads(line)
            (dropped if sentences(n["text"]) & held_out else notes).append(n)
    groups = defaultdict(list)
    for n in notes:
        groups[_key(n)].append(n)
    out = []
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda n: hashlib.sha256(n["id"].encode()).hexdigest())
        cut = round(len(members) * 0.8)
        out += [{**n, "split": "train" if i < cut else "dev"} for i, n in enumerate(members)]
    out.sort(key=lambda n: n["id"])
    with open(HERE / "corpus.jsonl", "w", encoding="utf-8") as fh:
        for n in out:
            fh.write(json.dumps(n, ensure_ascii=False) + "\n")
    print(f"{len(out)} notes ({sum(n['split'] == 'train' for n in out)} train, "
          f"{sum(n['split'] == 'dev' for n in out)} dev); dropped {len(dropped)} sharing a sentence with "
          f"evaluation dev/test: {[n['id'] for n in dropped]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
