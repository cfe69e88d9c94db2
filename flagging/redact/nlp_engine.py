"""A Presidio ``NlpEngine`` on ``spacy.blank("nl")``: no model download, no network.

Presidio's default engine loads an English spaCy model; no Dutch model is on
PyPI. The recognizers here need tokens, not NER, so a blank Dutch tokenizer is
enough. ``process_doc`` wraps a doc the flagging pipeline already made, so a
note is tokenised once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine
from spacy.tokens import Doc

from flagging.tokenizer import blank_dutch


class BlankDutchNlpEngine(NlpEngine):
    engine_name = "blank_nl"
    is_available = True

    def __init__(self, nlp=None, lemmas: bool = False):
        self.nlp = nlp
        self.lemmas = lemmas  # only Presidio's context enhancer reads lemmas

    def load(self) -> None:
        if self.nlp is None:
            self.nlp = blank_dutch()

    def is_loaded(self) -> bool:
        return self.nlp is not None

    def get_supported_entities(self) -> list[str]:
        return []

    def get_supported_languages(self) -> list[str]:
        return ["nl"]

    def process_doc(self, doc: Doc) -> NlpArtifacts:
        lemmas = [t.lower_ for t in doc] if self.lemmas else []
        return NlpArtifacts(entities=[], tokens=doc, tokens_indices=doc.to_array("IDX").tolist(),
                            lemmas=lemmas, nlp_engine=self, language="nl")

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        self.load()
        return self.process_doc(self.nlp.make_doc(text))

    def process_batch(self, texts: Iterable[str], language: str, batch_size: int = 1, n_process: int = 1,
                      **kwargs) -> Iterator[tuple[str, NlpArtifacts]]:
        self.load()
        texts = list(texts)
        for text, doc in zip(texts, self.nlp.tokenizer.pipe(texts, batch_size=max(batch_size, 1)), strict=True):
            yield text, self.process_doc(doc)

    def is_stopword(self, word: str, language: str) -> bool:
        self.load()
        return self.nlp.vocab[word].is_stop

    def is_punct(self, word: str, language: str) -> bool:
        self.load()
        return self.nlp.vocab[word].is_punct
