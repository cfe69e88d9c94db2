"""Service pieces in-process: offset mapping, highlighting, raw-text opt-in, rate limit, area chart."""

from __future__ import annotations

import pytest

from flagging.service.pages import area_chart_svg, highlight_segments
from flagging.service.review import note_period, redacted_offset

TEXT = "Gesprek met Jan de Vries (06-12345678) over wietlucht in de gang."


@pytest.fixture(scope="module")
def redaction(redactor):
    return redactor.redact(TEXT)


@pytest.mark.parametrize("word", ["wietlucht", "gang", "Gesprek", "over"])
def test_offsets_move_into_the_redacted_text(redaction, word):
    start = TEXT.index(word)
    entities = redaction.entity_dicts()
    rs, re_ = redacted_offset(entities, start, "start"), redacted_offset(entities, start + len(word), "end")
    assert redaction.text[rs:re_] == word


def test_offset_inside_an_entity_covers_its_placeholder(redaction):
    entities = redaction.entity_dicts()
    name = TEXT.index("de Vries")
    rs, re_ = redacted_offset(entities, name, "start"), redacted_offset(entities, name + 3, "end")
    assert redaction.text[rs:re_].startswith("[PERSOON")


@pytest.mark.parametrize(("value", "expected"), [("2025-03-14", "2025-03"), ("2025-13-01", None), (None, None),
                                                 ("maart", None)])
def test_note_period(value, expected):
    from datetime import date

    assert note_period(value) == (expected or date.today().strftime("%Y-%m"))


def test_highlight_segments_cover_the_text_and_prefer_the_focus():
    text = "Sterke wietlucht en jongens op scooters."
    focus = [{"start": 7, "end": 16, "entry": "drug_cultivation.wietlucht", "context": {"negated": False}}]
    others = [{"category": "unknown_visitors", "evidence": [{"start": 20, "end": 39, "entry": "uv.scooters"},
                                                            {"start": 0, "end": 16, "entry": "x"}]}]
    segs = highlight_segments(text, "drug_cultivation", focus, others)
    assert "".join(s["text"] for s in segs) == text
    by_text = {s["text"]: s for s in segs}
    assert by_text["wietlucht"]["focus"] and by_text["wietlucht"]["category"] == "drug_cultivation"
    assert by_text["jongens op scooters"]["category"] == "unknown_visitors"
    assert not by_text["jongens op scooters"]["focus"]


def test_area_chart_leaves_out_suppressed_cells():
    cells = [{"category": "drug_dealing", "area": "a", "month": "2026-01", "count": 7, "suppressed": False},
             {"category": "child_abuse", "area": "b", "month": "2026-01", "count": None, "suppressed": True}]
    svg = area_chart_svg(cells, {"drug_dealing": "Drugshandel", "child_abuse": "Kindermishandeling"})
    assert "Drugshandel" in svg and "Kindermishandeling" not in svg and ">7<" in svg


def _app(tmp_path, redactor, **settings):
    from fastapi.testclient import TestClient

    from flagging import Flagger
    from flagging.service.app import create_app
    from flagging.service.keys import create_key
    from flagging.service.settings import ServiceSettings

    app = create_app(ServiceSettings(database_url=f"sqlite:///{tmp_path}/t.db", **settings),
                     flagger=Flagger(model="rules", redactor=redactor))
    _, key = create_key(app.state.store, "t", "integrator")
    return TestClient(app), key


def test_raw_text_is_stored_only_when_turned_on(tmp_path, redactor):
    import sqlite3

    for store_raw in (False, True):
        (tmp_path / str(store_raw)).mkdir()
        client, key = _app(tmp_path / str(store_raw), redactor, store_raw_text=store_raw)
        with client:
            assert client.post("/api/v1/scan", json={"id": "n", "text": TEXT}, headers={"X-API-Key": key}).status_code == 200
        con = sqlite3.connect(tmp_path / str(store_raw) / "t.db")
        (raw,), = con.execute("SELECT raw_text FROM notes").fetchall()
        con.close()
        assert (raw == TEXT) if store_raw else raw is None


def test_rate_limit_is_429_with_retry_after(tmp_path, redactor):
    client, key = _app(tmp_path, redactor, rate_limit_per_minute=3)
    with client:
        codes = [client.post("/api/v1/redact", json={"id": "n", "text": "Bel Jan."}, headers={"X-API-Key": key})
                 for _ in range(5)]
    assert [r.status_code for r in codes[:3]] == [200, 200, 200]
    assert codes[4].status_code == 429 and int(codes[4].headers["retry-after"]) > 0
