"""What the service does with scans and decisions, independent of HTTP.

A scan stores the note's redacted text (the raw text only when the operator
turned that on) and one :class:`~flagging.service.store.Suggestion` per
category above its threshold, with evidence offsets moved into the redacted
text. A decision appends a row and sets the suggestion's status. Area
summaries count confirmed suggestions per category, area and month and
suppress small cells. Every action appends an audit entry in the same
transaction, so there is no decision without its audit entry.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from flagging.service import audit
from flagging.service.store import DECISIONS, STATUS_OF, ApiKey, Decision, Note, Store, Suggestion

_PERIOD = re.compile(r"^(\d{4})-(\d{2})")


def redacted_offset(entities: list[dict], pos: int, side: str) -> int:
    """Move an offset in the original text to the redacted text.

    Every entity before ``pos`` shifts it by the difference between its
    placeholder and its surface; an offset inside an entity moves to the
    placeholder's start (``side="start"``) or end (``side="end"``).
    """
    shift = 0
    for e in sorted(entities, key=lambda e: e["start"]):
        if e["end"] <= pos:
            shift += len(e["placeholder"]) - (e["end"] - e["start"])
        elif e["start"] < pos:
            base = e["start"] + shift
            return base if side == "start" else base + len(e["placeholder"])
        else:
            break
    return pos + shift


def note_period(value: Any) -> str:
    """YYYY-MM of the note's ``date`` when it has a valid one, else the current month."""
    if isinstance(value, str):
        m = _PERIOD.match(value.strip())
        if m and 1 <= int(m.group(2)) <= 12:
            return f"{m.group(1)}-{m.group(2)}"
    return date.today().strftime("%Y-%m")


class ReviewService:
    """Scan, review and summarise against one :class:`Store` with one loaded Flagger."""

    def __init__(self, store: Store, flagger, *, store_raw_text: bool = False, min_cell_count: int = 5):
        self.store = store
        self.flagger = flagger
        self.store_raw_text = store_raw_text
        self.min_cell_count = min_cell_count
        self._scan_lock = threading.Lock()  # one note at a time through the (stateful) pipeline

    # -- integrator -------------------------------------------------------------------------------
    def scan(self, key: ApiKey, note_id: str, text: str, area: str | None = None, note_date: str | None = None
             ) -> dict[str, Any]:
        with self._scan_lock:
            suggestion = self.flagger.scan(text)
        record = suggestion.to_record(note_id)
        entities = suggestion.entities
        ids: list[int] = []
        with self.store.write_session() as s:
            note = Note(external_id=note_id, area=(area or None), period=note_period(note_date),
                        redacted_text=suggestion.redacted_text or "",
                        raw_text=text if self.store_raw_text else None, flag=suggestion.flag,
                        model=self._model_name(), scanned_by=key.id)
            s.add(note)
            s.flush()
            for sig in suggestion.signals:
                if not sig.above_threshold:
                    continue
                evidence = [{
                    "start": redacted_offset(entities, ev["start"], "start"),
                    "end": redacted_offset(entities, ev["end"], "end"),
                    "entry": ev.get("entry"), "kind": ev.get("kind"), "context": ev.get("context"),
                } for ev in sig.evidence]
                row = Suggestion(note_id=note.id, category=sig.category, score=float(sig.score),
                                 threshold=float(self.flagger.threshold_for(sig.category)), evidence=evidence,
                                 context=sig.context,
                                 explanation={"entries": sig.entries,
                                              "top_terms": (sig.model or {}).get("top_terms", [])})
                s.add(row)
                s.flush()
                ids.append(row.id)
            audit.append(s, _actor(key), "scan", f"note:{note.id}",
                         {"suggestions": ids, "categories": record["categories"], "flag": record["flag"]})
        record["note_ref"] = note.id
        record["suggestion_ids"] = ids
        return record

    def redact(self, key: ApiKey, note_id: str, text: str) -> dict[str, Any]:
        with self._scan_lock:
            res = self.flagger.redactor.redact(text)
        with self.store.write_session() as s:
            audit.append(s, _actor(key), "redact", "", {"entities": len(res.entities)})
        return {"id": note_id, "status": "ok", "redacted_text": res.text, "entities": res.entity_dicts(),
                "error": None}

    def _model_name(self) -> str:
        model = self.flagger.model
        if model is None:
            return "rules"
        return str(getattr(model, "meta_", {}).get("name", type(model).__name__))[:200]

    # -- reviewer ---------------------------------------------------------------------------------
    def list_suggestions(self, key: ApiKey, status: str | None = "open", category: str | None = None,
                         limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        with self.store.write_session() as s:
            q = select(Suggestion).options(selectinload(Suggestion.note)).order_by(
                Suggestion.score.desc(), Suggestion.id)
            if status:
                q = q.where(Suggestion.status == status)
            if category:
                q = q.where(Suggestion.category == category)
            rows = s.execute(q.limit(limit).offset(offset)).scalars().all()
            audit.append(s, _actor(key), "suggestion.list", "", {"status": status, "category": category,
                                                                 "count": len(rows)})
            return [summary_dict(r) for r in rows]

    def get_suggestion(self, key: ApiKey, suggestion_id: int) -> dict[str, Any] | None:
        with self.store.write_session() as s:
            row = s.get(Suggestion, suggestion_id, options=[selectinload(Suggestion.note)
                                                            .selectinload(Note.suggestions),
                                                            selectinload(Suggestion.decisions)])
            if row is None:
                return None
            audit.append(s, _actor(key), "suggestion.view", f"suggestion:{row.id}", {"note": row.note_id})
            return detail_dict(row)

    def decide(self, key: ApiKey, suggestion_id: int, decision: str, reason: str = "") -> dict[str, Any] | None:
        if decision not in DECISIONS:
            raise ValueError(f"decision must be one of {', '.join(DECISIONS)}")
        reason = (reason or "").strip()[:2000]
        with self.store.write_session() as s:
            row = s.get(Suggestion, suggestion_id)
            if row is None:
                return None
            d = Decision(suggestion_id=row.id, decision=decision, reason=reason, reviewer_id=key.id)
            s.add(d)
            row.status = STATUS_OF[decision]
            s.flush()
            audit.append(s, _actor(key), "decision", f"suggestion:{row.id}",
                         {"decision": decision, "decision_id": d.id, "category": row.category,
                          "has_reason": bool(reason)})
            return {"id": d.id, "suggestion_id": row.id, "decision": decision, "status": row.status,
                    "created_at": d.created_at.isoformat() + "Z"}

    def next_open(self, after_id: int | None = None) -> int | None:
        with self.store.read_session() as s:
            q = select(Suggestion.id).where(Suggestion.status == "open").order_by(
                Suggestion.score.desc(), Suggestion.id)
            ids = [i for i in s.execute(q.limit(2)).scalars().all() if i != after_id]
            return ids[0] if ids else None

    def export_decisions(self, key: ApiKey) -> list[dict[str, Any]]:
        return export_reviewed(self.store, _actor(key))

    # -- analyst ----------------------------------------------------------------------------------
    def area_summary(self, key: ApiKey, since: str | None = None, until: str | None = None) -> dict[str, Any]:
        """Confirmed suggestions per category, area and month; cells under the minimum suppressed."""
        with self.store.write_session() as s:
            q = (select(Suggestion.category, Note.area, Note.period, func.count())
                 .join(Note, Suggestion.note_id == Note.id)
                 .where(Suggestion.status == "confirmed")
                 .group_by(Suggestion.category, Note.area, Note.period))
            if since:
                q = q.where(Note.period >= since[:7])
            if until:
                q = q.where(Note.period <= until[:7])
            cells, suppressed = [], 0
            for cat, area, period, n in s.execute(q).all():
                small = n < self.min_cell_count
                suppressed += small
                cells.append({"category": cat, "area": area or "onbekend", "month": period,
                              "count": None if small else int(n), "suppressed": small})
            cells.sort(key=lambda c: (c["month"], c["area"], c["category"]))
            audit.append(s, _actor(key), "areas.view", "", {"cells": len(cells), "suppressed": suppressed})
        return {"min_cell_count": self.min_cell_count, "cells": cells, "suppressed_cells": suppressed,
                "note": "Counts of suggestions a reviewer confirmed; cells under the minimum are suppressed. "
                        "Observations for area-level attention, never about a client."}

    def counts(self) -> dict[str, int]:
        with self.store.read_session() as s:
            statuses = Counter(dict(s.execute(select(Suggestion.status, func.count())
                                              .group_by(Suggestion.status)).all()))
            return {"notes": s.scalar(select(func.count()).select_from(Note)) or 0,
                    "decisions": s.scalar(select(func.count()).select_from(Decision)) or 0,
                    **{f"suggestions_{k}": int(v) for k, v in statuses.items()}}


def export_reviewed(store: Store, actor: str) -> list[dict[str, Any]]:
    """Reviewed notes as a labelled set for ``flagging evaluate`` (precision in practice).

    A note is exported once every suggestion on it is confirmed or rejected:
    ``labels`` are the confirmed categories, ``reviewed`` every decided one.
    Categories the scan did not suggest were not reviewed, so the set
    measures precision, not recall. Text is the redacted text.
    """
    out = []
    with store.write_session() as s:
        notes = s.execute(select(Note).options(selectinload(Note.suggestions)).order_by(Note.id)).scalars()
        for n in notes:
            if not n.suggestions or any(sg.status not in ("confirmed", "rejected") for sg in n.suggestions):
                continue
            out.append({"id": f"review-{n.id}", "source_id": n.external_id, "text": n.redacted_text,
                        "labels": sorted(sg.category for sg in n.suggestions if sg.status == "confirmed"),
                        "reviewed": {sg.category: sg.status for sg in n.suggestions},
                        "area": n.area, "period": n.period, "model": n.model})
        audit.append(s, actor, "export.decisions", "", {"notes": len(out)})
    return out


def _actor(key: ApiKey) -> str:
    return f"key:{key.id}:{key.role}"


def summary_dict(row: Suggestion) -> dict[str, Any]:
    return {"id": row.id, "note_ref": row.note_id, "note_id": row.note.external_id, "category": row.category,
            "score": round(row.score, 4), "threshold": row.threshold, "status": row.status,
            "area": row.note.area, "period": row.note.period, "created_at": row.created_at.isoformat() + "Z"}


def detail_dict(row: Suggestion) -> dict[str, Any]:
    out = summary_dict(row)
    note = row.note
    out.update({
        "redacted_text": note.redacted_text, "evidence": row.evidence, "context": row.context,
        "explanation": row.explanation, "model": note.model,
        "other_suggestions": [{"id": o.id, "category": o.category, "score": round(o.score, 4),
                               "status": o.status, "evidence": o.evidence}
                              for o in note.suggestions if o.id != row.id],
        "decisions": [{"id": d.id, "decision": d.decision, "reason": d.reason, "reviewer": d.reviewer_id,
                       "created_at": d.created_at.isoformat() + "Z"} for d in row.decisions],
        "notice": "Dit is een suggestie, geen melding. Een professional beoordeelt en beslist; "
                  "er wordt niets verzonden.",
    })
    return out
