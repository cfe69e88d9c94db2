"""The review service against a running server and a real SQLite file."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys

import httpx
import pytest

from flagging.service.localserver import LocalServer
from tests.service.conftest import PLAIN_NOTE, SIGNAL_NOTES, db_rows, headers

API = [
    ("post", "/api/v1/scan", {"id": "x", "text": "Cl. belt terug."}, "integrator"),
    ("post", "/api/v1/redact", {"id": "x", "text": "Cl. belt terug."}, "integrator"),
    ("get", "/api/v1/suggestions", None, "reviewer"),
    ("get", "/api/v1/suggestions/1", None, "reviewer"),
    ("post", "/api/v1/suggestions/1/decision", {"decision": "unsure"}, "reviewer"),
    ("get", "/api/v1/export/decisions", None, "reviewer"),
    ("get", "/api/v1/areas/summary", None, "analyst"),
    ("get", "/api/v1/keys", None, "admin"),
    ("post", "/api/v1/keys", {"name": "x", "role": "analyst"}, "admin"),
]
ROLES = ("integrator", "reviewer", "analyst", "admin")


def scan(client, server, text, note_id, area="wijk-1", date="2026-10-05"):
    r = client.post("/api/v1/scan", json={"id": note_id, "text": text, "area": area, "date": date},
                    headers=headers(server, "integrator"))
    assert r.status_code == 200, r.text
    return r.json()


def test_health_needs_no_key(client):
    r = client.get("/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"


@pytest.mark.parametrize(("method", "path", "body", "_role"), API)
def test_no_key_is_401(client, method, path, body, _role):
    r = client.request(method, path, json=body)
    assert r.status_code == 401
    assert r.headers.get("www-authenticate") == "ApiKey"


@pytest.mark.parametrize(("method", "path", "body", "_role"), API)
def test_unknown_key_is_401(client, method, path, body, _role):
    r = client.request(method, path, json=body, headers={"X-API-Key": "flg_not-a-real-key"})
    assert r.status_code == 401


@pytest.mark.parametrize(("method", "path", "body", "role"), API)
def test_wrong_role_is_403(client, server, method, path, body, role):
    allowed = {role} | ({"admin"} if path.startswith("/api/v1/areas") else set())
    for other in ROLES:
        if other in allowed:
            continue
        r = client.request(method, path, json=body, headers=headers(server, other))
        assert r.status_code == 403, (other, path, r.text)


def test_oversized_body_is_413(client, server):
    big = {"id": "big", "text": "wietlucht " * 10000}  # ~100 kB > the 64 kB limit of this server
    r = client.post("/api/v1/scan", json=big, headers=headers(server, "integrator"))
    assert r.status_code == 413


def test_chunked_oversized_body_is_413(client, server):
    def chunks():
        for _ in range(20):
            yield b"x" * 8192

    r = client.post("/api/v1/scan", content=chunks(),
                    headers={**headers(server, "integrator"), "content-type": "application/json"})
    assert r.status_code == 413


def test_scan_stores_redacted_text_only(client, server):
    rec = scan(client, server, SIGNAL_NOTES[1], "n-privacy")
    assert rec["flag"] and rec["suggestion_ids"]
    assert "Pieter" not in rec["redacted_text"] and "12345678" not in rec["redacted_text"]
    (redacted, raw), = db_rows(server, "SELECT redacted_text, raw_text FROM notes WHERE external_id = ?",
                               ("n-privacy",))
    assert raw is None
    assert "Pieter" not in redacted and "de Vries" not in redacted and "12345678" not in redacted
    dump = "\n".join(str(r) for t in ("notes", "suggestions", "audit_log")
                     for r in db_rows(server, f"SELECT * FROM {t}"))  # noqa: S608 - fixed table names
    for personal in ("Pieter", "Vries", "12345678", "Fatima", "Idrissi", "Lindelaan"):
        assert personal not in dump


def test_evidence_offsets_point_into_redacted_text(client, server):
    rec = scan(client, server, SIGNAL_NOTES[0], "n-offsets")
    sid = rec["suggestion_ids"][0]
    item = client.get(f"/api/v1/suggestions/{sid}", headers=headers(server, "reviewer")).json()
    spans = [item["redacted_text"][e["start"]:e["end"]].lower() for e in item["evidence"]]
    assert any("wietlucht" in s for s in spans), spans
    assert item["route"]["steps"] and "geen melding" in item["notice"]


def test_scan_view_decide_is_stored_with_audit_entries(client, server):
    rec = scan(client, server, SIGNAL_NOTES[2], "n-decide")
    sid = rec["suggestion_ids"][0]
    listed = client.get("/api/v1/suggestions", params={"status": "open"}, headers=headers(server, "reviewer"))
    assert sid in [r["id"] for r in listed.json()]
    assert "text" not in json.dumps(listed.json()).replace("redacted_text", "")  # the list carries no note text
    client.get(f"/api/v1/suggestions/{sid}", headers=headers(server, "reviewer"))
    r = client.post(f"/api/v1/suggestions/{sid}/decision", json={"decision": "reject", "reason": "verklaard"},
                    headers=headers(server, "reviewer"))
    assert r.status_code == 201 and r.json()["status"] == "rejected"
    assert db_rows(server, "SELECT decision, reason FROM decisions WHERE suggestion_id = ?", (sid,)) == [
        ("reject", "verklaard")]
    actions = [a for (a,) in db_rows(server, "SELECT action FROM audit_log WHERE target = ?", (f"suggestion:{sid}",))]
    assert actions == ["suggestion.view", "decision"]
    assert db_rows(server, "SELECT count(*) FROM audit_log WHERE action = 'scan' AND target = ?",
                   (f"note:{rec['note_ref']}",)) == [(1,)]


@pytest.mark.parametrize("body", [{"decision": "report"}, {"decision": "confirm", "reason": "x" * 2001}, {}])
def test_invalid_decision_is_422(client, server, body):
    rec = scan(client, server, SIGNAL_NOTES[0], "n-bad-decision")
    r = client.post(f"/api/v1/suggestions/{rec['suggestion_ids'][0]}/decision", json=body,
                    headers=headers(server, "reviewer"))
    assert r.status_code == 422


@pytest.mark.parametrize("body", [{"id": "x"}, {"text": "abc"}, {"id": "x", "text": ""}, {"id": "x", "text": 5}])
def test_invalid_scan_input_is_422(client, server, body):
    assert client.post("/api/v1/scan", json=body, headers=headers(server, "integrator")).status_code == 422


def test_plain_note_makes_no_suggestion(client, server):
    rec = scan(client, server, PLAIN_NOTE, "n-plain")
    assert rec["flag"] is False and rec["suggestion_ids"] == []


def test_area_summary_counts_confirmed_and_suppresses_small_cells(client, server):
    ids = []
    for i in range(3):
        ids += scan(client, server, SIGNAL_NOTES[0], f"n-area-a{i}", area="wijk-groot", date="2025-03-10")[
            "suggestion_ids"]
    ids_b = scan(client, server, SIGNAL_NOTES[0], "n-area-b", area="wijk-klein", date="2025-03-10")["suggestion_ids"]
    rejected = scan(client, server, SIGNAL_NOTES[0], "n-area-r", area="wijk-groot", date="2025-03-10")[
        "suggestion_ids"]
    for sid in ids + ids_b:
        client.post(f"/api/v1/suggestions/{sid}/decision", json={"decision": "confirm"},
                    headers=headers(server, "reviewer"))
    for sid in rejected:
        client.post(f"/api/v1/suggestions/{sid}/decision", json={"decision": "reject"},
                    headers=headers(server, "reviewer"))
    out = client.get("/api/v1/areas/summary", params={"since": "2025-03", "until": "2025-03"},
                     headers=headers(server, "analyst")).json()
    cells = {(c["area"], c["category"]): c for c in out["cells"]}
    big = cells[("wijk-groot", "drug_cultivation")]
    small = cells[("wijk-klein", "drug_cultivation")]
    assert big["count"] == 3 and not big["suppressed"]  # 3 confirmed, the rejected one not counted
    assert small["count"] is None and small["suppressed"]


def test_export_is_a_labelled_set_for_the_harness(client, server, tmp_path):
    from flagging.evaluation.predictions import load_notes

    rec = scan(client, server, SIGNAL_NOTES[0], "n-export")
    for sid in rec["suggestion_ids"]:
        client.post(f"/api/v1/suggestions/{sid}/decision", json={"decision": "confirm"},
                    headers=headers(server, "reviewer"))
    r = client.get("/api/v1/export/decisions", headers=headers(server, "reviewer"))
    path = tmp_path / "reviewed.jsonl"
    path.write_text(r.text, encoding="utf-8")
    notes = {n["source_id"]: n for n in load_notes(path)}
    assert "drug_cultivation" in notes["n-export"]["labels"]
    assert "Fatima" not in r.text


def test_security_headers(client, server):
    r = client.get("/login")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in r.text  # no inline script: the CSP would block it


def _csrf(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _login(client, server, role="reviewer") -> None:
    r = client.post("/login", data={"key": server.keys[role], "csrf_token": _csrf(client.get("/login"))})
    assert r.status_code == 303, r.text


def test_review_form_needs_csrf_token(server):
    with httpx.Client(base_url=server.url, timeout=60) as browser, httpx.Client(base_url=server.url) as api:
        rec = scan(api, server, SIGNAL_NOTES[0], "n-csrf")
        sid = rec["suggestion_ids"][0]
        _login(browser, server)
        token = _csrf(browser.get("/review"))
        r = browser.post(f"/review/{sid}/decision", data={"decision": "confirm"})
        assert r.status_code == 403
        r = browser.post(f"/review/{sid}/decision", data={"decision": "confirm", "csrf_token": "wrong"})
        assert r.status_code == 403
        r = browser.post(f"/review/{sid}/decision", data={"decision": "confirm", "csrf_token": token})
        assert r.status_code == 303
        assert db_rows(server, "SELECT decision FROM decisions WHERE suggestion_id = ?", (sid,)) == [("confirm",)]


def test_login_with_wrong_csrf_is_refused(server):
    with httpx.Client(base_url=server.url) as browser:
        browser.get("/login")
        r = browser.post("/login", data={"key": server.keys["reviewer"], "csrf_token": "forged"})
        assert r.status_code == 403


def test_review_page_for_analyst_is_403(server):
    with httpx.Client(base_url=server.url) as browser:
        _login(browser, server, "analyst")
        assert browser.get("/review").status_code == 403
        assert browser.get("/areas").status_code == 200


def test_page_without_login_redirects(server):
    with httpx.Client(base_url=server.url) as browser:
        r = browser.get("/review/1")
        assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_revoked_key_is_401(client, server):
    r = client.post("/api/v1/keys", json={"name": "tijdelijk", "role": "integrator"}, headers=headers(server, "admin"))
    new = r.json()
    assert client.post("/api/v1/redact", json={"id": "r", "text": "Bel mw. Jansen."},
                       headers={"X-API-Key": new["key"]}).status_code == 200
    assert client.delete(f"/api/v1/keys/{new['id']}", headers=headers(server, "admin")).status_code == 200
    assert client.post("/api/v1/redact", json={"id": "r", "text": "x"},
                       headers={"X-API-Key": new["key"]}).status_code == 401
    keys = client.get("/api/v1/keys", headers=headers(server, "admin")).json()
    assert all("key" not in k and "key_hash" not in k for k in keys)


def _verify(db_path) -> tuple[int, dict]:
    out = subprocess.run([sys.executable, "-m", "flagging.cli.main", "audit", "verify", "--db", f"sqlite:///{db_path}"],
                         capture_output=True, text=True)
    return out.returncode, json.loads(out.stdout)


def _copy_db(server, dest):
    src = sqlite3.connect(server.db_path)
    dst = sqlite3.connect(dest)
    src.backup(dst)
    src.close()
    dst.close()
    return dest


TAMPER = {
    "edit": "UPDATE audit_log SET details = '{\"decision\": \"confirm\"}' WHERE action = 'decision' "
            "AND seq = (SELECT min(seq) FROM audit_log WHERE action = 'decision')",
    "delete-middle": "DELETE FROM audit_log WHERE seq = 3",
    "delete-tail": "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)",
    "reorder": "UPDATE audit_log SET actor = 'key:999:admin' WHERE seq = 2",
}


@pytest.mark.parametrize("kind", list(TAMPER))
def test_audit_verify_catches_tampering(client, server, tmp_path, kind):
    scan(client, server, SIGNAL_NOTES[2], f"n-audit-{kind}")
    copy = _copy_db(server, tmp_path / "copy.db")
    code, result = _verify(copy)
    assert code == 0 and result["ok"], result
    con = sqlite3.connect(copy)
    con.execute(TAMPER[kind])
    con.commit()
    con.close()
    code, result = _verify(copy)
    assert code == 1 and not result["ok"] and result["problems"]


def test_restart_loses_nothing(tmp_path):
    srv = LocalServer(tmp_path / "restart.db")
    srv.keys = {r: srv.create_key(r) for r in ("integrator", "reviewer")}
    decided = []
    with srv, httpx.Client(base_url=srv.url, timeout=60) as c:
        for i, text in enumerate(SIGNAL_NOTES):
            rec = scan(c, srv, text, f"n-restart-{i}")
            for sid in rec["suggestion_ids"]:
                r = c.post(f"/api/v1/suggestions/{sid}/decision", json={"decision": "confirm", "reason": f"r{i}"},
                           headers=headers(srv, "reviewer"))
                decided.append(r.json()["id"])
    assert srv.proc.returncode is not None  # stopped
    with srv, httpx.Client(base_url=srv.url, timeout=60) as c:  # a new process on the same file
        listed = c.get("/api/v1/suggestions", params={"status": "confirmed"}, headers=headers(srv, "reviewer")).json()
        assert len(listed) == len(decided) > 0
        assert sorted(i for (i,) in db_rows(srv, "SELECT id FROM decisions")) == sorted(decided)
        scan(c, srv, SIGNAL_NOTES[0], "n-after-restart")
    code, result = _verify(srv.db_path)
    assert code == 0 and result["ok"]
