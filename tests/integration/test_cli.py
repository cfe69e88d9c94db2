"""The command line end to end, as an integrator runs it (subprocess, JSONL in and out)."""

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO


def _run(args, stdin: bytes | None = None, env_cache=None):
    return subprocess.run([sys.executable, "-m", "flagging.cli.main", *args], input=stdin, capture_output=True,
                          cwd=REPO, timeout=600)


def _records(stdout: bytes):
    return [json.loads(x) for x in stdout.decode("utf-8").splitlines()]


def test_scan_examples_gives_one_record_per_note_and_never_echoes_personal_data():
    notes = [json.loads(x) for x in (REPO / "examples" / "notes.jsonl").read_text("utf-8").splitlines() if x.strip()]
    res = _run(["scan", "examples/notes.jsonl", "--quiet"])
    assert res.returncode == 0, res.stderr.decode()
    recs = _records(res.stdout)
    assert [r["id"] for r in recs] == [n["id"] for n in notes]
    assert any(r["flag"] for r in recs) and not all(r["flag"] for r in recs)
    for r in recs:
        assert r["status"] in ("needs_review", "no_signal") and r["flag"] == (r["status"] == "needs_review")
        assert set(r["categories"]) <= {s["category"] for s in r["signals"]}
        for s in r["signals"]:
            assert 0.0 <= s["score"] <= 1.0
            for ev in s["evidence"]:
                assert 0 <= ev["start"] < ev["end"]
    out = res.stdout.decode("utf-8")
    for pii in ("06-", "@", "NL91", "123456782"):
        assert pii not in out, pii


def test_bad_lines_each_give_one_error_record_and_the_batch_goes_on():
    lines = [
        b'{"id": "ok-1", "text": "Er hing een sterke wietlucht en de ramen boven waren afgeplakt."}',
        b"{broken json",
        b'{"id": "no-text"}',
        b'{"id": "num", "text": 5}',
        b'{"id": "empty", "text": ""}',
        b'{"id": "utf", "text": "caf\xe9"}',
        b'{"id": "nul", "text": "a\\u0000b"}',
        b"",
        b'{"id": "big", "text": "' + b"x" * 1_000_100 + b'"}',
        b'{"id": "ok-2", "text": "Gesprek over school en huisvesting."}',
    ]
    res = _run(["scan", "-"], stdin=b"\n".join(lines) + b"\n")
    assert res.returncode == 3
    recs = _records(res.stdout)
    assert len(recs) == len(lines)
    assert [r["status"] for r in recs].count("error") == 8
    codes = [r["error"]["code"] for r in recs if r["status"] == "error"]
    assert codes == ["invalid_json", "missing_text", "invalid_text", "empty_text", "invalid_utf8", "nul_byte",
                     "empty_line", "line_too_large"]
    assert recs[0]["id"] == "ok-1" and recs[-1]["id"] == "ok-2"
    assert "flagging scan: 10 notes" in res.stderr.decode()


def test_bom_and_crlf_input():
    data = '\ufeff{"id": "a", "text": "Gesprek met cl. over de huur."}\r\n{"id": "b", "text": "Niets bijzonders."}\r\n'
    res = _run(["scan", "-", "--quiet", "--no-redact"], stdin=data.encode("utf-8"))
    assert res.returncode == 0
    assert [r["id"] for r in _records(res.stdout)] == ["a", "b"]


def test_redact_command_follows_the_contract():
    data = json.dumps({"id": "r1", "text": "Op 12 maart 2024 sprak ik mw. Fatima El Amrani aan de Kerkstraat 12."})
    res = _run(["redact", "-", "--quiet"], stdin=data.encode() + b"\n")
    assert res.returncode == 0
    rec = _records(res.stdout)[0]
    assert rec["redacted_text"] == "Op [DATUM-1] sprak ik mw. [PERSOON-1] aan de [ADRES-1]."
    assert {e["type"] for e in rec["entities"]} == {"DATE_TIME", "PERSON", "NL_ADDRESS"}


def test_stdout_is_pure_jsonl_even_with_logging():
    res = _run(["scan", "examples/notes.jsonl"])
    for line in res.stdout.decode("utf-8").splitlines():
        json.loads(line)


@pytest.mark.parametrize("args", [["scan", "does-not-exist.jsonl"], ["scan", "-", "--threshold", "7"]])
def test_fatal_errors_exit_1(args):
    res = _run(args, stdin=b"")
    assert res.returncode == 1
    assert res.stdout == b""


def test_lexicon_check_passes():
    res = _run(["lexicon", "check"])
    assert res.returncode == 0, res.stderr.decode()[-3000:]
