"""Build the fixed train/dev/test splits of the labelled scan notes.

Reads ``raw/*.jsonl`` (written by hand for this project, see DATASHEET.md)
and assigns every note to a split by a hash of its id, stratified by its
first label (or negative type): 50% train, 20% dev, 30% test. The
assignment depends only on the ids, so the splits never move when notes
are added. Rules are developed on train and dev only; test is for the
closing figures.

    python evaluation/data/build_splits.py
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).parent
SHARES = (("train", 0.5), ("dev", 0.2), ("test", 0.3))


def _key(note: dict) -> str:
    return note["labels"][0] if note["labels"] else f"neg:{note['negative_type']}"


def assign(notes: list[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for n in notes:
        groups[_key(n)].append(n)
    out: dict[str, list[dict]] = {name: [] for name, _ in SHARES}
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda n: hashlib.sha256(n["id"].encode()).hexdigest())
        k = len(members)
        cut_train = round(k * SHARES[0][1])
        cut_dev = cut_train + round(k * SHARES[1][1])
        for i, n in enumerate(members):
            split = "train" if i < cut_train else "dev" if i < cut_dev else "test"
            out[split].append({**n, "split": split})
    for split in out:
        out[split].sort(key=lambda n: n["id"])
    return out


def main() -> None:
    notes = []
    for path in sorted((HERE / "raw").glob("*.jsonl")):
        notes += [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    for split, items in assign(notes).items():
        with open(HERE / f"{split}.jsonl", "w", encoding="utf-8") as fh:
            for n in items:
                fh.write(json.dumps(n, ensure_ascii=False) + "\n")
        print(split, len(items))


if __name__ == "__main__":
    main()
