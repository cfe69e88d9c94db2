"""Pieces of the review pages computed in Python (templates stay logic-free).

:func:`highlight_segments` cuts the redacted note into plain and evidence
segments, so the template can wrap evidence in ``<mark>`` with autoescaping
still on. :func:`area_chart_svg` draws the area summary as a static SVG bar
chart (no JavaScript, no chart library), from unsuppressed cells only.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape


def highlight_segments(text: str, category: str, evidence: list[dict], others: list[dict]) -> list[dict]:
    """``[{"text", "category" | None, "focus", "title"}]`` covering ``text`` in order.

    Evidence of the suggestion under review is the focus; evidence of the
    note's other suggestions is marked too, in its own category's colour.
    Where marks overlap, the focus wins.
    """
    marks = [(e["start"], e["end"], category, True, _title(e)) for e in evidence]
    for o in others:
        marks += [(e["start"], e["end"], o["category"], False, _title(e)) for e in o.get("evidence", [])]
    marks = [(max(0, s), min(len(text), e), c, f, t) for s, e, c, f, t in marks if e > s]
    cuts = sorted({0, len(text), *[m[0] for m in marks], *[m[1] for m in marks]})
    out: list[dict] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [m for m in marks if m[0] <= a and m[1] >= b]
        covering.sort(key=lambda m: (not m[3], m[0]))
        top = covering[0] if covering else None
        seg = {"text": text[a:b], "category": top[2] if top else None, "focus": bool(top and top[3]),
               "title": top[4] if top else ""}
        if out and out[-1]["category"] == seg["category"] and out[-1]["title"] == seg["title"] \
                and out[-1]["focus"] == seg["focus"]:
            out[-1]["text"] += seg["text"]
        else:
            out.append(seg)
    return out


def _title(ev: dict) -> str:
    ctx = [k for k, v in (ev.get("context") or {}).items() if v is True]
    return f"{ev.get('entry') or 'model'}" + (f" ({', '.join(ctx)})" if ctx else "")


def area_chart_svg(cells: list[dict], labels: dict[str, str], width: int = 720) -> str:
    """Horizontal bars: confirmed suggestions per category, summed over unsuppressed cells."""
    totals: dict[str, int] = defaultdict(int)
    for c in cells:
        if not c["suppressed"] and c["count"]:
            totals[c["category"]] += c["count"]
    if not totals:
        return ""
    rows = sorted(totals.items(), key=lambda kv: -kv[1])
    bar_h, gap, left = 22, 8, 260
    height = len(rows) * (bar_h + gap) + gap
    top = max(totals.values())
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" aria-label="Bevestigde signalen per categorie">']
    for i, (cat, n) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(2, int((width - left - 60) * n / top))
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" class="lbl">'
                     f'{escape(labels.get(cat, cat))}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{w}" height="{bar_h}" class="bar cat-{escape(cat)}"/>')
        parts.append(f'<text x="{left + w + 6}" y="{y + 16}" class="val">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)
