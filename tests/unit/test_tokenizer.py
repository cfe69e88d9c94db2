"""The cached tokenizer gives exactly spaCy's tokens: text, trailing space, norm and offset."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import spacy

from flagging.tokenizer import CachedTokenizer, blank_dutch

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def spacy_nl():
    return spacy.blank("nl")


@pytest.fixture(scope="module")
def cached_nl():
    return blank_dutch()


def tokens(doc):
    return [(t.text, t.whitespace_, t.norm_, t.idx) for t in doc]


@pytest.mark.parametrize("text", [
    "HB bij dhr. Jansen, Bremstraat 14. Cl. liet mij alleen in de woonkamer.",
    "Mw. belt 06-12345678 ivm beslag; bijv. de auto (Golf).\n\nVolgende afspraak 14:00u.",
    "o.a. wietlucht,hennepkwekerij en 'n geldezel - z'n neef d'r bij",
    "  twee spaties voor,  en midden  \n\t en een tab\r\nCRLF  ",
    "€ 1.500,- contant; e-mail a.b@voorbeeld.nl; http://voorbeeld.nl/a?b=1",
    "Cl. zei: ‘daar ligt alleen rommel’ (zolder).",
    "blij :) maar (: ook :-( en ): en : ) en ( : allemaal",
    "a\xa0b \xa0 c\xa0\xa0d",
    "",
    " ",
    "\n",
])
def test_same_tokens_as_spacy(text, spacy_nl, cached_nl):
    assert tokens(cached_nl(text)) == tokens(spacy_nl(text))


def test_same_tokens_on_every_note(spacy_nl, cached_nl):
    texts = []
    for path in [*sorted((ROOT / "evaluation" / "data").glob("*.jsonl")), ROOT / "examples" / "notes.jsonl"]:
        texts += [json.loads(x)["text"] for x in path.read_text("utf-8").splitlines() if x.strip()]
    assert len(texts) > 400
    different = [t[:60] for t in texts if tokens(cached_nl(t)) != tokens(spacy_nl(t))]
    assert different == []


def test_same_tokens_on_random_punctuation(spacy_nl, cached_nl):
    """Emoticon special cases split differently next to other punctuation: those notes go to spaCy."""
    rnd = random.Random(7)
    alphabet = [*"ab .,-'()\n\t\xa0€:/@0;=^_*<>[]oDxP\"’s", "mw.", "cl.", "  ", "wiet"]
    texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 25))) for _ in range(4000)]
    different = [t for t in texts if tokens(cached_nl(t)) != tokens(spacy_nl(t))]
    assert different == []


def test_cache_is_bounded():
    tok = CachedTokenizer(spacy.blank("nl").tokenizer, max_entries=50)
    words = [f"woord{i}" for i in range(400)]
    doc = tok(" ".join(words))
    assert [t.text for t in doc] == words
    assert len(tok._pieces) <= 50


def test_pipeline_uses_it():
    from flagging import Flagger

    assert isinstance(Flagger(redact=False).nlp.tokenizer, CachedTokenizer)
