"""PHONE_NUMBER: Dutch numbers (06, 0xx(x), +31, 0031, spaced/dashed) and international ones.

Presidio's own PhoneRecognizer knows no NL region by default and is slow
(libphonenumber per candidate); a candidate regex plus a digit-count check
is exact enough for Dutch numbering: 10 digits starting with 0, or +31/0031
with 9 more, or another country code with 8-13 digits.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from flagging.redact.recognizers.base import PrefilteredPatternRecognizer

_SEP = r"[ \-.]?"


class NlPhoneRecognizer(PrefilteredPatternRecognizer):
    PREFILTER = re.compile(r"(?:\+|\b0)\d")
    PATTERNS = [
        Pattern("phone_nl", r"(?<![\w+])(?:\+|00)31[ \-]?(?:\(0\)[ \-]?)?\d(?:[ \-.]?\d){8}(?!\d)", 0.7),
        Pattern("phone_nl_local", r"(?<![\w+/\-.])(?:\(0\d{1,3}\)|0\d{1,3})(?:[ ]?[\-/][ ]?|[ .])?\d(?:[ \-.]?\d){5,7}(?![\d\-])", 0.6),
        Pattern("phone_intl", r"(?<![\w+])(?:\+|00)(?!31)[1-9]\d{0,2}[ \-]?(?:\(\d{1,4}\)[ \-]?)?\d(?:[ \-.]?\d){6,12}(?!\d)", 0.6),
    ]
    CONTEXT = ["tel", "telefoon", "telefoonnummer", "mobiel", "nummer", "06", "gsm", "whatsapp", "bellen", "belt"]

    def __init__(self, supported_language: str = "nl"):
        super().__init__(supported_entity="PHONE_NUMBER", patterns=self.PATTERNS, context=self.CONTEXT,
                         supported_language=supported_language, name="NlPhoneRecognizer")

    def validate_result(self, pattern_text: str) -> bool:
        digits = re.sub(r"\D", "", pattern_text)
        if pattern_text.lstrip("(").startswith(("+", "00")):
            if digits.startswith("0031") or digits.startswith("31"):
                rest = digits[4:] if digits.startswith("0031") else digits[2:]
                rest = rest[1:] if rest.startswith("0") and len(rest) == 10 else rest
                return len(rest) == 9
            return 8 <= len(digits) <= 15
        return len(digits) == 10 and digits[0] == "0" and digits[1] != "0"
