"""Keep Presidio's ``tldextract`` offline.

Presidio's ``EmailRecognizer`` (used by the default recognizers this project
benchmarks against) calls ``tldextract.extract``, which downloads the public
suffix list on first use and hangs without network. Point it at the snapshot
bundled with tldextract instead. The Dutch registry here does not use it at all.
"""

from __future__ import annotations

_DONE = False


def make_tldextract_offline() -> None:
    global _DONE
    if _DONE:
        return
    try:
        import tldextract
    except ImportError:
        _DONE = True
        return
    offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)
    tldextract.extract = offline
    try:
        from presidio_analyzer.predefined_recognizers.generic import email_recognizer

        email_recognizer.tldextract.extract = offline
    except ImportError:
        pass
    _DONE = True
