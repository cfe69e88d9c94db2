"""NL_LICENSE_PLATE: every Dutch sidecode (1-14), with dashes (any case) or without (upper case)."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from flagging.redact.recognizers.base import PrefilteredPatternRecognizer

# X = letter, 9 = digit; sidecodes 1..14 of the RDW
SIDECODES = ["XX-99-99", "99-99-XX", "99-XX-99", "XX-99-XX", "XX-XX-99", "99-XX-XX", "99-XXX-9",
             "9-XXX-99", "XX-999-X", "X-999-XX", "XXX-99-X", "X-99-XXX", "9-XX-999", "999-XX-9"]


def _regex(code: str, dashes: bool) -> str:
    parts = []
    for group in code.split("-"):
        cls = "[A-Z]" if group[0] == "X" else r"\d"
        parts.append(f"{cls}{{{len(group)}}}")
    return ("-" if dashes else "").join(parts)


class NlLicensePlateRecognizer(PrefilteredPatternRecognizer):
    PREFILTER = re.compile(r"[A-Za-z]-?\d|\d-?[A-Za-z]")
    PATTERNS = [Pattern("plate_dashed", r"(?i)(?<![\w\-])(?:" + "|".join(_regex(c, True) for c in SIDECODES)
                        + r")(?![\w\-])", 0.7),
                Pattern("plate_plain", r"(?<![\w\-])(?:" + "|".join(_regex(c, False) for c in SIDECODES)
                        + r")(?![\w\-])", 0.5)]
    CONTEXT = ["kenteken", "auto", "wagen", "bus", "busje", "scooter", "kentekenplaat", "rdw"]

    def __init__(self, supported_language: str = "nl"):
        super().__init__(supported_entity="NL_LICENSE_PLATE", patterns=self.PATTERNS, context=self.CONTEXT,
                         supported_language=supported_language, name="NlLicensePlateRecognizer")

    def validate_result(self, pattern_text: str) -> bool:
        # a plain (dash-less) plate must mix letters and digits: "BMW" or "2024" alone are not plates
        return bool(re.search(r"[A-Za-z]", pattern_text) and re.search(r"\d", pattern_text))
