"""Parse JSONL input line by line into notes or error records; nothing is dropped.

Every physical input line gives exactly one item, in order: a :class:`Note`
or an :class:`InputError` with a stable ``code``. A UTF-8 byte-order mark
and Windows line ends (CRLF) are tolerated, not errors: they are how many
Windows exports look.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

BOM = b"\xef\xbb\xbf"
_ID_PEEK = re.compile(rb'"id"\s*:\s*"((?:[^"\\]|\\.){0,200})"')

#: Error codes (stable API) and what they mean.
ERROR_CODES = {
    "empty_line": "the line is empty",
    "line_too_large": "the line is larger than the byte limit",
    "invalid_utf8": "the line is not valid UTF-8",
    "nul_byte": "the line contains a NUL byte",
    "invalid_json": "the line is not valid JSON",
    "not_an_object": "the line is JSON but not an object",
    "missing_id": "the object has no 'id'",
    "invalid_id": "'id' is not a non-empty string",
    "missing_text": "the object has no 'text'",
    "invalid_text": "'text' is not a string",
    "empty_text": "'text' is empty or only whitespace",
    "text_too_large": "'text' is longer than the character limit",
    "internal_error": "the note could not be processed",
}


@dataclass
class Note:
    line: int
    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class InputError:
    line: int
    code: str
    message: str
    id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "line": self.line}


def _peek_id(raw: bytes) -> str | None:
    m = _ID_PEEK.search(raw[:4096])
    if not m:
        return None
    try:
        return json.loads(b'"' + m.group(1) + b'"')
    except ValueError:
        return None


def parse_line(raw: bytes, line: int, max_chars: int, max_line_bytes: int) -> Note | InputError:
    """One input line (without its newline) to a Note or an InputError."""
    if line == 1 and raw.startswith(BOM):
        raw = raw[len(BOM):]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    if len(raw) > max_line_bytes:
        return InputError(line, "line_too_large",
                          f"line {line} has {len(raw):,} bytes; the limit is {max_line_bytes:,}", _peek_id(raw))
    if not raw.strip():
        return InputError(line, "empty_line", f"line {line} is empty")
    nul = raw.find(b"\x00")
    if nul >= 0:
        return InputError(line, "nul_byte", f"line {line} contains a NUL byte at offset {nul}", _peek_id(raw))
    try:
        s = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return InputError(line, "invalid_utf8", f"line {line} is not valid UTF-8 (byte offset {exc.start})",
                          _peek_id(raw))
    try:
        obj = json.loads(s)
    except ValueError as exc:
        return InputError(line, "invalid_json", f"line {line} is not valid JSON: {exc}", _peek_id(raw))
    if not isinstance(obj, dict):
        return InputError(line, "not_an_object", f"line {line} is a JSON {type(obj).__name__}, not an object")
    note_id = obj.get("id")
    if "id" not in obj:
        return InputError(line, "missing_id", f"line {line} has no 'id'")
    if not isinstance(note_id, str) or not note_id.strip():
        return InputError(line, "invalid_id", f"line {line}: 'id' must be a non-empty string, "
                                              f"got {type(note_id).__name__}")
    if "text" not in obj:
        return InputError(line, "missing_text", f"line {line} has no 'text'", note_id)
    text = obj["text"]
    if not isinstance(text, str):
        return InputError(line, "invalid_text", f"line {line}: 'text' must be a string, got {type(text).__name__}",
                          note_id)
    if not text.strip():
        return InputError(line, "empty_text", f"line {line}: 'text' is empty", note_id)
    if "\x00" in text:
        return InputError(line, "nul_byte", f"line {line}: 'text' contains a NUL character", note_id)
    if len(text) > max_chars:
        return InputError(line, "text_too_large",
                          f"line {line}: 'text' has {len(text):,} characters; the limit is {max_chars:,}", note_id)
    meta = {k: v for k, v in obj.items() if k not in ("id", "text")}
    return Note(line, note_id, text, meta)


def read_lines(stream: BinaryIO) -> Iterator[bytes]:
    """Physical lines without their b"\\n"; a final line without newline counts, a trailing newline adds none."""
    for raw in stream:
        yield raw[:-1] if raw.endswith(b"\n") else raw


def parse_stream(lines: Iterable[bytes], max_chars: int, max_line_bytes: int) -> Iterator[Note | InputError]:
    for n, raw in enumerate(lines, start=1):
        yield parse_line(raw, n, max_chars, max_line_bytes)
