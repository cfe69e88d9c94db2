"""Read the annotated redaction set: inline markup -> text, gold entities, keep spans.

Markup (``evaluation/redaction/raw/*.jsonl``, field ``marked``):
``[[TYPE:surface]]`` or ``[[PERSON/origin:surface]]`` marks an entity the
redactor must remove; ``{{word}}`` marks a word it must keep.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

_MARK = re.compile(r"\[\[([A-Z_]+)(?:/([a-z]+))?:(.+?)\]\]|\{\{(.+?)\}\}")
RAW_DIR = Path(__file__).parent / "redaction" / "raw"


@dataclass
class GoldNote:
    id: str
    text: str
    entities: list[dict] = field(default_factory=list)  # type, start, end, origin
    keep: list[tuple[int, int]] = field(default_factory=list)


def parse_marked(note_id: str, marked: str) -> GoldNote:
    out, pos, ents, keep = [], 0, [], []
    length = 0
    for m in _MARK.finditer(marked):
        out.append(marked[pos:m.start()])
        length += m.start() - pos
        if m.group(4) is not None:
            surface = m.group(4)
            keep.append((length, length + len(surface)))
        else:
            surface = m.group(3)
            ents.append({"type": m.group(1), "start": length, "end": length + len(surface), "origin": m.group(2)})
        out.append(surface)
        length += len(surface)
        pos = m.end()
    out.append(marked[pos:])
    return GoldNote(note_id, "".join(out), ents, keep)


def load_gold(raw_dir: Path = RAW_DIR) -> list[GoldNote]:
    notes = []
    for path in sorted(raw_dir.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                obj = json.loads(line)
                notes.append(parse_marked(obj["id"], obj["marked"]))
    return notes
