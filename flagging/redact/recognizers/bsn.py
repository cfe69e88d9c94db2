"""NL_BSN: the Dutch citizen service number, 9 digits (also dotted or spaced), elfproef checked."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from flagging.redact.recognizers.base import PrefilteredPatternRecognizer


def elfproef(digits: str) -> bool:
    """The BSN eleven test: sum(9..2 * d1..d8) - d9 is divisible by 11 (and not all zero)."""
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0


class NlBsnRecognizer(PrefilteredPatternRecognizer):
    PREFILTER = re.compile(r"\d{3}[.\s]?\d{2}")
    PATTERNS = [
        Pattern("bsn_plain", r"(?<![\d.\-/])\d{9}(?![\d\-/]|\.\d)", 0.5),
        Pattern("bsn_grouped", r"(?<![\d.\-/])\d{3}[.\s]\d{3}[.\s]\d{3}(?![\d\-/]|\.\d)", 0.5),
        Pattern("bsn_grouped_4_2_3", r"(?<![\d.\-/])\d{4}[.\s]\d{2}[.\s]\d{3}(?![\d\-/]|\.\d)", 0.5),
    ]
    CONTEXT = ["bsn", "burgerservicenummer", "sofinummer", "sofi", "burgerservicenr", "bsn-nummer"]

    def __init__(self, supported_language: str = "nl"):
        super().__init__(supported_entity="NL_BSN", patterns=self.PATTERNS, context=self.CONTEXT,
                         supported_language=supported_language, name="NlBsnRecognizer")

    def validate_result(self, pattern_text: str) -> bool:
        digits = "".join(c for c in pattern_text if c.isdigit())
        return elfproef(digits)
