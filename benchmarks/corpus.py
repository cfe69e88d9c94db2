"""Benchmark notes: the project's own labelled notes, cycled to the size asked for.

The same texts as in evaluation/data (all splits; speed, not quality, is measured),
so the mix of two-line phone notes, lists and long reports is realistic.
"""

from __future__ import annotations

import json
from itertools import cycle, islice
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "evaluation" / "data"


def notes(n: int) -> list[str]:
    texts = []
    for split in ("train", "dev", "test"):
        path = DATA / f"{split}.jsonl"
        texts += [json.loads(x)["text"] for x in path.read_text("utf-8").splitlines() if x.strip()]
    return list(islice(cycle(texts), n))
