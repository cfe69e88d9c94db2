"""The Dutch ``RecognizerRegistry`` and ``AnalyzerEngine`` (configured, not default)."""

from __future__ import annotations

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer, LemmaContextAwareEnhancer

from flagging.lexicon.loader import load_abbreviations
from flagging.redact.lists import Lookups
from flagging.redact.nlp_engine import BlankDutchNlpEngine
from flagging.redact.recognizers import (
    DutchLookupRecognizer,
    NlAddressRecognizer,
    NlBsnRecognizer,
    NlDateRecognizer,
    NlIbanRecognizer,
    NlIpRecognizer,
    NlLicensePlateRecognizer,
    NlPhoneRecognizer,
    NlPostcodeRecognizer,
    NlUrlRecognizer,
    OfflineEmailRecognizer,
)
from flagging.redact.tokens import WordFeatures

#: Contract entity types (Presidio names where one exists, NL_* for Dutch data).
ENTITY_TYPES = ("PERSON", "LOCATION", "ORGANIZATION", "NL_ADDRESS", "NL_POSTCODE", "PHONE_NUMBER",
                "EMAIL_ADDRESS", "URL", "IP_ADDRESS", "DATE_TIME", "NL_BSN", "IBAN_CODE", "NL_LICENSE_PLATE")


def build_registry(lookups: Lookups, keep_words: frozenset[str] = frozenset()) -> RecognizerRegistry:
    registry = RecognizerRegistry(supported_languages=["nl"])
    # one word-feature cache shared by the token-based recognizers (a note is featurised once)
    features = WordFeatures(lookups, keep_words, load_abbreviations())
    for rec in (NlBsnRecognizer(), NlIbanRecognizer(), NlPhoneRecognizer(), OfflineEmailRecognizer(),
                NlUrlRecognizer(), NlIpRecognizer(), NlDateRecognizer(), NlPostcodeRecognizer(),
                NlLicensePlateRecognizer(), NlAddressRecognizer(lookups, features),
                DutchLookupRecognizer(lookups, features)):
        registry.add_recognizer(rec)
    return registry


class NoContextEnhancer(ContextAwareEnhancer):
    """Leaves scores as the recognizers set them.

    Every Dutch recognizer here validates (elfproef, mod-97, digit counts,
    lists) instead of leaning on context words, and Presidio's lemma enhancer
    costs more than all recognizers together (deep copies of every result).
    Turn it on with ``Redactor(context_enhancement=True)``.
    """

    def __init__(self):
        super().__init__(context_similarity_factor=0.0, min_score_with_context_similarity=0.0,
                         context_prefix_count=0, context_suffix_count=0)

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
        return raw_results


def build_analyzer(lookups: Lookups, nlp=None, keep_words: frozenset[str] = frozenset(),
                   context_enhancement: bool = False) -> AnalyzerEngine:
    engine = BlankDutchNlpEngine(nlp, lemmas=context_enhancement)
    engine.load()
    enhancer = (LemmaContextAwareEnhancer(context_similarity_factor=0.3, min_score_with_context_similarity=0.5)
                if context_enhancement else NoContextEnhancer())
    return AnalyzerEngine(registry=build_registry(lookups, keep_words), nlp_engine=engine,
                          supported_languages=["nl"], context_aware_enhancer=enhancer)
