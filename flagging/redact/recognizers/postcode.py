"""NL_POSTCODE: four digits (not starting with 0) and two letters; SA, SD and SS are never issued."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from flagging.redact.recognizers.base import PrefilteredPatternRecognizer


class NlPostcodeRecognizer(PrefilteredPatternRecognizer):
    PREFILTER = re.compile(r"[1-9]\d{3} ?[A-Za-z]{2}")
    PATTERNS = [
        Pattern("postcode", r"(?<![\w\-])[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}(?![\w\-])", 0.7),
        Pattern("postcode_lower", r"(?<![\w\-])[1-9]\d{3}(?!sa|sd|ss)[a-z]{2}(?![\w\-])", 0.6),
    ]
    CONTEXT = ["postcode", "adres", "woonachtig", "woont"]

    def __init__(self, supported_language: str = "nl"):
        super().__init__(supported_entity="NL_POSTCODE", patterns=self.PATTERNS, context=self.CONTEXT,
                         supported_language=supported_language, name="NlPostcodeRecognizer")
