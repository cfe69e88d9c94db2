"""DATE_TIME in Dutch: "12 maart 2024", "12-03-2024", "3/4", "14 feb.", "maart 2023",
"geb. 14-02-1987", ISO dates, and clock times ("14.30 uur", "om 9:15", "9u")."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from flagging.redact.recognizers.base import PrefilteredPatternRecognizer

_MONTHS = (r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
           r"|jan|feb|febr|mrt|apr|jun|jul|aug|sep|sept|okt|oct|nov|dec)\.?")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:e|ste|de)?"
_WEEKDAY = r"(?:(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|ma|di|wo|do|vr|za|zo)\.?,?\s)?"


class NlDateRecognizer(PrefilteredPatternRecognizer):
    PREFILTER = re.compile(r"\d[\-/.:]\d|\d\s?(?:u\b|uur)|\d\s+[A-Za-z]{3}|[a-z]\.?\s(?:19|20)\d\d", re.IGNORECASE)
    PATTERNS = [
        Pattern("date_numeric", r"(?<![\d\-/.])(?:[12]\d|3[01]|0?[1-9])([\-/.])(?:1[0-2]|0?[1-9])\1(?:19|20)?\d{2}(?![\d\-/])", 0.8),
        Pattern("date_iso", r"(?<![\d\-])(?:19|20)\d{2}-(?:1[0-2]|0[1-9])-(?:[12]\d|3[01]|0[1-9])(?![\d\-])", 0.8),
        Pattern("date_words", r"(?i)(?<!\w)" + _DAY + r"\s" + _MONTHS + r"(?:\s(?:19|20)\d{2})?(?!\w)", 0.8),
        Pattern("date_month_year", r"(?i)(?<!\w)" + _MONTHS + r"\s(?:19|20)\d{2}(?!\w)", 0.6),
        Pattern("date_day_month", r"(?<![\d\-/.,])(?:[12]\d|3[01]|0?[1-9])[/\-](?:1[0-2]|0?[1-9])(?![\d\-/]|[.,]\d)", 0.5),
        Pattern("time", r"(?i)(?<![\d.:,])(?:[01]?\d|2[0-3])(?::[0-5]\d(?:\s?(?:uur|u)\b)?|\.[0-5]\d\s?(?:uur|u)\b)(?![\d.:,]\d)", 0.5),
        Pattern("time_after_om", r"(?i)(?<=\bom )(?:[01]?\d|2[0-3])[.:][0-5]\d(?![\d.:,]\d)", 0.5),
        Pattern("time_hour", r"(?i)(?:(?<=\bom )|(?<=\brond )|(?<=\btot )|(?<=\bvanaf )|(?<=\btussen )|(?<=\bna )|(?<=\bvoor ))(?:[01]?\d|2[0-3])\s?(?:uur|u)\b", 0.5),
        # "15.00", "11.50": a clock time when the minutes are a multiple of five and no money is near
        Pattern("time_bare", r"(?<![\d.,:€/\-])(?<!€\s)(?<!EUR\s)(?:[01]?\d|2[0-3])\.[0-5][05](?!\s?(?:euro|eur|%|procent|kg|km|m\b))(?![\d.,:/\-]?\d)", 0.5),
    ]
    CONTEXT = ["datum", "geboren", "geb", "geboortedatum", "om", "op", "afspraak", "uur", "d.d", "dd"]

    def __init__(self, supported_language: str = "nl"):
        super().__init__(supported_entity="DATE_TIME", patterns=self.PATTERNS, context=self.CONTEXT,
                         supported_language=supported_language, name="NlDateRecognizer")
