"""IBAN_CODE: Dutch and other EU IBANs, spaced or not, any case, mod-97 checked."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from flagging.redact.recognizers.base import PrefilteredPatternRecognizer

_LENGTHS = {"NL": 18, "BE": 16, "DE": 22, "FR": 27, "PL": 28, "RO": 24, "BG": 22, "ES": 24, "IT": 27,
            "TR": 26, "LU": 20, "AT": 20, "GB": 22, "PT": 25, "IE": 22, "CH": 21}


def iban_valid(text: str) -> bool:
    s = "".join(c for c in text if c.isalnum()).upper()
    if len(s) < 15 or not s[:2].isalpha() or not s[2:4].isdigit():
        return False
    if s[:2] in _LENGTHS and len(s) != _LENGTHS[s[:2]]:
        return False
    rearranged = s[4:] + s[:4]
    try:
        number = int("".join(str(int(c, 36)) for c in rearranged))
    except ValueError:
        return False
    return number % 97 == 1


class NlIbanRecognizer(PrefilteredPatternRecognizer):
    PREFILTER = re.compile(r"(?i)[a-z]{2}\d{2}")
    PATTERNS = [
        Pattern("iban", r"(?i)\b[a-z]{2}\d{2}(?:[ ]?[a-z0-9]{4}){2,7}(?:[ ]?[a-z0-9]{1,3})?\b", 0.5),
    ]
    CONTEXT = ["iban", "rekening", "rekeningnummer", "bankrekening", "rek.nr", "reknr", "bank"]

    def __init__(self, supported_language: str = "nl"):
        super().__init__(supported_entity="IBAN_CODE", patterns=self.PATTERNS, context=self.CONTEXT,
                         supported_language=supported_language, name="NlIbanRecognizer")

    def validate_result(self, pattern_text: str) -> bool:
        return iban_valid(pattern_text)
