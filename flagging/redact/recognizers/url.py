"""URL: with a scheme or www., or a bare domain on a common TLD (marktplaats.nl/...)."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from flagging.redact.recognizers.base import PrefilteredPatternRecognizer

_TLD = r"(?:nl|be|com|org|net|eu|info|de|io|me|tv|co|app|shop|online|site|biz|uk|fr|pl|ro|tr|ma|sr|cw)"


class NlUrlRecognizer(PrefilteredPatternRecognizer):
    PREFILTER = re.compile(r"(?i)\w\.[a-z]{2}|://")
    PATTERNS = [
        Pattern("url_scheme", r"(?i)\b(?:https?|ftp)://[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]", 0.8),
        Pattern("url_www", r"(?i)\bwww\.[a-z0-9\-]+(?:\.[a-z0-9\-]+)+(?:/[^\s<>\"')\]]*[^\s<>\"')\].,;:!?])?", 0.8),
        Pattern("url_bare", r"(?i)(?<![@\w.])[a-z0-9][a-z0-9\-]{1,62}(?:\.[a-z0-9\-]{2,})*\." + _TLD
                + r"\b(?!@)(?:/[^\s<>\"')\]]*[^\s<>\"')\].,;:!?])?", 0.6),
        Pattern("url_short", r"(?i)(?<![/\w])(?:t\.me|wa\.me|bit\.ly|tinyurl\.com)/[^\s<>\"')\]]*[^\s<>\"')\].,;:!?]", 0.8),
    ]
    CONTEXT = ["website", "site", "link", "url", "advertentie", "profiel", "pagina"]

    def __init__(self, supported_language: str = "nl"):
        super().__init__(supported_entity="URL", patterns=self.PATTERNS, context=self.CONTEXT,
                         supported_language=supported_language, name="NlUrlRecognizer")
