"""IP_ADDRESS: IPv4 (each octet <= 255) and IPv6, validated with ``ipaddress``."""

from __future__ import annotations

import ipaddress
import re

from presidio_analyzer import Pattern

from flagging.redact.recognizers.base import PrefilteredPatternRecognizer


class NlIpRecognizer(PrefilteredPatternRecognizer):
    PREFILTER = re.compile(r"\d\.\d|[0-9a-fA-F]:[0-9a-fA-F]")
    PATTERNS = [
        Pattern("ipv4", r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]\d)", 0.6),
        Pattern("ipv6", r"(?i)(?<![:\w])(?:[0-9a-f]{1,4}:){2,7}(?::|[0-9a-f]{1,4})(?:[0-9a-f:]*)(?![:\w])", 0.6),
    ]
    CONTEXT = ["ip", "ip-adres", "ipadres", "adres", "inlog", "ingelogd"]

    def __init__(self, supported_language: str = "nl"):
        super().__init__(supported_entity="IP_ADDRESS", patterns=self.PATTERNS, context=self.CONTEXT,
                         supported_language=supported_language, name="NlIpRecognizer")

    def validate_result(self, pattern_text: str) -> bool:
        try:
            ipaddress.ip_address(pattern_text)
        except ValueError:
            return False
        return True
