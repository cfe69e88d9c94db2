"""EMAIL_ADDRESS without tldextract: Presidio's EmailRecognizer validates with
``tldextract``, which fetches the public-suffix list over the network on first
use and hangs offline. A strict pattern needs no suffix list."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from flagging.redact.recognizers.base import PrefilteredPatternRecognizer


class OfflineEmailRecognizer(PrefilteredPatternRecognizer):
    PREFILTER = re.compile(r"@")
    PATTERNS = [
        Pattern("email", r"(?i)\b[a-z0-9][a-z0-9._%+\-]*@[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9\-]+)*\.[a-z]{2,24}\b", 0.9),
    ]
    CONTEXT = ["email", "e-mail", "mail", "mailadres"]

    def __init__(self, supported_language: str = "nl"):
        super().__init__(supported_entity="EMAIL_ADDRESS", patterns=self.PATTERNS, context=self.CONTEXT,
                         supported_language=supported_language, name="OfflineEmailRecognizer")
