"""spaCy's Dutch tokenizer, with its per-chunk results remembered.

Why: spaCy's ``Tokenizer`` already caches the tokens of each
whitespace-separated chunk, but still pays per note for its affix search on
new chunks, its special-case pass over the whole doc and its Cython/Python
round trips: on 550-character case notes that alone caps a scan at about
2,000 notes/s. Case notes reuse a small vocabulary of chunks ("cl.", "HB",
"wietlucht,"), so this tokenizer splits a note into whitespace and
non-whitespace runs exactly as spaCy does, asks spaCy's own tokenizer once per
distinct run, and builds the doc from the remembered words. The tokens,
their trailing spaces and their norms are the same as spaCy's (checked by
``tests/unit/test_tokenizer.py`` on every note we have and on awkward strings):
nothing downstream can tell the difference, except the speed.

Registered as ``flagging.cached_tokenizer.v1`` so a pipeline config can name it.
"""

from __future__ import annotations

import re

import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

# a non-whitespace run with the whitespace after it, or whitespace opening the text: the spans
# spaCy's tokenizer walks (str.isspace is re's \s), kept with their separator
_PIECES = re.compile(r"\S+\s*|\s+")
_SPLIT = re.compile(r"(\S*)(\s*)")

# words, trailing spaces, (offset, norm) where spaCy set a norm of its own, and the first and
# last token of the piece as affix rules alone split it (for the junction check)
_Piece = tuple[tuple[str, ...], tuple[bool, ...], tuple[tuple[int, str], ...], str, str]


class CachedTokenizer:
    """Wraps a spaCy ``Tokenizer``: same tokens, remembered per chunk.

    ``max_entries`` bounds the memory: when the cache is full it is emptied
    (chunks are short; refilling costs one spaCy call per chunk).
    """

    def __init__(self, tokenizer, max_entries: int = 500_000):
        self.tokenizer = tokenizer
        self.vocab: Vocab = tokenizer.vocab
        self.max_entries = max_entries
        self._pieces: dict[str, _Piece] = {}
        # spaCy's special-case pass runs over the whole doc: the tokens of an emoticon-like special
        # case (":", ")") at the end of one chunk and the start of the next can change how it
        # splits either chunk. A note with such a junction is tokenised by spaCy directly.
        self._plain = _affix_tokenizer(tokenizer)
        self._junctions = frozenset(pair for special in tokenizer.rules
                                    for pair in _pairs([t.text for t in self._plain(special)]))

    def _tokens(self, run: str) -> tuple[list[str], list[tuple[int, str]]]:
        doc = self.tokenizer(run)
        return [t.text for t in doc], [(k, t.norm_) for k, t in enumerate(doc) if t.norm != t.lex.norm]

    def _piece(self, piece: str) -> _Piece:
        """What spaCy makes of one piece: its chunk's tokens, then its whitespace."""
        chunk, ws = _SPLIT.fullmatch(piece).groups()
        words, norms = self._tokens(chunk) if chunk else ([], [])
        spaces = [False] * len(words)
        if words and ws[:1] == " ":
            # one space after a token is that token's trailing space; the rest is a token
            spaces[-1] = True
            ws = ws[1:]
        if ws:
            more, more_norms = self._tokens(ws)
            norms += [(len(words) + k, n) for k, n in more_norms]
            words += more
            spaces += [False] * len(more)
        if len(self._pieces) >= self.max_entries:
            self._pieces.clear()
        plain = [t.text for t in self._plain(piece.strip())] or [piece]
        hit = self._pieces[piece] = (tuple(words), tuple(spaces), tuple(norms), plain[0], plain[-1])
        return hit

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        special: list[tuple[int, str]] = []
        get, make, junctions = self._pieces.get, self._piece, self._junctions
        last = ""
        for piece in _PIECES.findall(text):
            hit = get(piece) or make(piece)
            if (last, hit[3]) in junctions:
                return self.tokenizer(text)
            last = hit[4]
            if hit[2]:
                special += [(len(words) + k, n) for k, n in hit[2]]
            words += hit[0]
            spaces += hit[1]
        doc = Doc(self.vocab, words=words, spaces=spaces)
        for i, norm in special:
            doc[i].norm_ = norm
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    # spaCy serialises the tokenizer with the pipeline: delegate to the wrapped one
    def to_bytes(self, **kwargs):
        return self.tokenizer.to_bytes(**kwargs)

    def from_bytes(self, data, **kwargs):
        self.tokenizer.from_bytes(data, **kwargs)
        self._pieces.clear()
        return self

    def to_disk(self, path, **kwargs):
        self.tokenizer.to_disk(path, **kwargs)

    def from_disk(self, path, **kwargs):
        self.tokenizer.from_disk(path, **kwargs)
        self._pieces.clear()
        return self


def _affix_tokenizer(tokenizer):
    """The same tokenizer without special cases: how affix rules alone split a string."""
    from spacy.tokenizer import Tokenizer

    return Tokenizer(tokenizer.vocab, rules={}, prefix_search=tokenizer.prefix_search,
                     suffix_search=tokenizer.suffix_search, infix_finditer=tokenizer.infix_finditer,
                     token_match=tokenizer.token_match, url_match=tokenizer.url_match)


def _pairs(tokens: list[str]):
    return zip(tokens, tokens[1:], strict=False)


@spacy.registry.tokenizers("flagging.cached_tokenizer.v1")
def create_cached_tokenizer(max_entries: int = 500_000):
    """spaCy's default tokenizer for the language, wrapped in :class:`CachedTokenizer`."""
    base = spacy.registry.tokenizers.get("spacy.Tokenizer.v1")()

    def make(nlp):
        return CachedTokenizer(base(nlp), max_entries)

    return make


def blank_dutch() -> spacy.Language:
    """``spacy.blank("nl")`` with the cached tokenizer: the one way this package makes a Dutch nlp."""
    return spacy.blank("nl", config={"nlp": {"tokenizer": {"@tokenizers": "flagging.cached_tokenizer.v1"}}})
