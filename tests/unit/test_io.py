"""Every input line gives exactly one item, in order, with a stable error code."""

import json

import pytest

from flagging.io.jsonl import ERROR_CODES, InputError, Note, parse_line

MAX_CHARS, MAX_BYTES = 1000, 5000


@pytest.mark.parametrize("raw, code", [
    (b"", "empty_line"),
    (b"   ", "empty_line"),
    (b"{not json", "invalid_json"),
    (b"[1, 2]", "not_an_object"),
    (b'{"text": "Er hing wietlucht."}', "missing_id"),
    (b'{"id": 7, "text": "x"}', "invalid_id"),
    (b'{"id": "n1"}', "missing_text"),
    (b'{"id": "n1", "text": 12}', "invalid_text"),
    (b'{"id": "n1", "text": null}', "invalid_text"),
    (b'{"id": "n1", "text": "   "}', "empty_text"),
    (b'{"id": "n1", "text": "' + b"a" * (MAX_CHARS + 1) + b'"}', "text_too_large"),
    (b'{"id": "n1", "text": "' + b"a" * MAX_BYTES + b'"}', "line_too_large"),
    (b'{"id": "n1", "text": "caf\xe9"}', "invalid_utf8"),
    (b'{"id": "n1", "text": "a\x00b"}', "nul_byte"),
    (b'{"id": "n1", "text": "a\\u0000b"}', "nul_byte"),
])
def test_bad_lines_give_one_error_with_code(raw, code):
    item = parse_line(raw, 3, MAX_CHARS, MAX_BYTES)
    assert isinstance(item, InputError)
    assert item.code == code and code in ERROR_CODES
    assert item.line == 3 and "line 3" in item.message


@pytest.mark.parametrize("raw", [
    b'\xef\xbb\xbf{"id": "n1", "text": "Bij HB rook het naar wiet."}',   # BOM on the first line
    b'{"id": "n1", "text": "Bij HB rook het naar wiet."}\r',            # CRLF line end
])
def test_bom_and_crlf_are_tolerated(raw):
    item = parse_line(raw, 1, MAX_CHARS, MAX_BYTES)
    assert isinstance(item, Note) and item.text == "Bij HB rook het naar wiet."


def test_id_is_recovered_from_a_line_too_large():
    raw = json.dumps({"id": "big-1", "text": "x" * 20_000}).encode()
    item = parse_line(raw, 1, 100_000, 10_000)
    assert item.code == "line_too_large" and item.id == "big-1"


def test_other_fields_are_carried_as_meta():
    item = parse_line(b'{"id": "n1", "text": "t", "area": "wijk-noord", "author": "wijkteam"}', 1, 10, 1000)
    assert item.meta == {"area": "wijk-noord", "author": "wijkteam"}
