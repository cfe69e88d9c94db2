import pytest
import spacy

from flagging.match.engine import PatternEngine

NLP = spacy.blank("nl")


def _matches(patterns, text):
    engine = PatternEngine(list(enumerate(patterns)), abbreviations={"cl", "mw"})
    doc = NLP.make_doc(text)
    return [(m.owner, doc[m.start:m.end].text) for m in engine.match(engine.index(doc))]


@pytest.mark.parametrize("pattern, text, expected", [
    ("hennep*", "Op zolder een hennepkwekerij aangetroffen.", "hennepkwekerij"),
    ("*kwekerij", "Er zat een wietkwekerij achter de kast.", "wietkwekerij"),
    ("*wiet*", "Er hing thuiswietlucht.", "thuiswietlucht"),
    ("wietlucht", "Sterke Wiet-lucht in de gang.", "Wiet-lucht"),
    ("ramen ...2 afgeplakt", "De ramen boven zijn afgeplakt.", "ramen boven zijn afgeplakt"),
    ("ramen [zijn] afgeplakt", "ramen afgeplakt met folie", "ramen afgeplakt"),
    ("ramen [zijn] afgeplakt", "ramen zijn afgeplakt met folie", "ramen zijn afgeplakt"),
    ("geintimideerd", "Zij voelt zich geïntimideerd.", "geïntimideerd"),
])
def test_pattern_matches(pattern, text, expected):
    assert _matches([pattern], text) == [(0, expected)]


@pytest.mark.parametrize("pattern, text", [
    ("ramen ...2 afgeplakt", "De ramen waren schoon. Alles is afgeplakt."),  # not across a sentence end
    ("ramen ...1 afgeplakt", "De ramen boven zijn afgeplakt."),  # gap too long
    ("hennep*", "Geen bijzonderheden."),
])
def test_pattern_does_not_match(pattern, text):
    assert _matches([pattern], text) == []


def test_abbreviation_period_does_not_end_sentence():
    # "cl." must not split the sentence, so the gap pattern still spans it
    assert _matches(["melding ...6 ongegrond"], "Melding over cl. bleek ongegrond.") == \
        [(0, "Melding over cl. bleek ongegrond")]


def test_newline_ends_sentence():
    assert _matches(["ramen ...3 afgeplakt"], "- ramen\n- afgeplakt") == []
