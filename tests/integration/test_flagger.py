"""The Python API on real Dutch notes."""

import pytest


@pytest.mark.parametrize("text, category", [
    ("Bij binnenkomst hing er een sterke wietlucht. De ramen boven zijn afgeplakt en er klinkt gezoem.",
     "drug_cultivation"),
    ("Mw. moet iets terugbetalen aan een kennis en durft niet te zeggen wie. Ze is bang.", "debt_pressure"),
    ("Steeds andere jongens op scooters die kort binnen zijn, ook 's avonds laat.", "unknown_visitors"),
])
def test_plain_signals_are_suggested(flagger, text, category):
    s = flagger.scan(text)
    assert s.flag and category in s.categories
    sig = next(x for x in s.signals if x.category == category)
    ev = sig.evidence[0]
    assert text[ev["start"]:ev["end"]]
    assert ev["entry"].startswith(category + ".")


@pytest.mark.parametrize("text", [
    "Geen wietlucht waargenomen, ramen zijn niet afgeplakt.",
    "Training ondermijning gevolgd: hoe herken je een hennepkwekerij.",
    "Als er onbekende mensen langskomen, bel dan de wijkagent.",
    "Had vijf jaar geleden schulden bij een woekeraar, is nu schuldenvrij.",
])
def test_hard_negatives_are_not_flagged(flagger, text):
    assert not flagger.scan(text).flag


def test_scan_many_keeps_order_and_matches_scan(flagger):
    texts = ["Sterke wietlucht in de woning.", "Gesprek over de huur.", "Zoon heeft ineens veel contant geld."]
    many = list(flagger.scan_many(texts, batch_size=2))
    assert [m.categories for m in many] == [flagger.scan(t).categories for t in texts]


def test_threshold_moves_the_flag():
    from flagging import Flagger

    text = "Steeds andere jongens op scooters die kort binnen zijn."
    low, high = Flagger(threshold=0.05, redact=False), Flagger(threshold=0.99, redact=False)
    assert low.scan(text).flag and not high.scan(text).flag


def test_snippets_are_redacted(full_flagger):
    s = full_flagger.scan("Mw. Fatima El Amrani vertelt dat er een sterke wietlucht hangt bij haar buurman Ahmed.")
    for sig in s.signals:
        for ev in sig.evidence:
            assert "Fatima" not in ev["snippet"] and "[PERSOON-1]" in ev["snippet"]
    assert "Fatima" not in s.redacted_text


def test_scan_rejects_non_strings(flagger):
    with pytest.raises(TypeError):
        flagger.scan(None)
