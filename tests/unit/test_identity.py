"""Identity words are neutralised before any model feature is computed."""

import pytest

from flagging.score.features import model_text


@pytest.mark.parametrize("a, b", [
    ("Mw. is Marokkaanse en draagt een hoofddoek.", "Mw. is Poolse en draagt een hoofddoek."),
    ("Dhr. (82 jaar) woont alleen.", "Mw. (34 jaar) woont alleen."),
    ("Cl. is moslim en spreekt Arabisch.", "Cl. is christen en spreekt Russisch."),
    ("Zij woont in een achterstandswijk en heeft een bijstandsuitkering.",
     "Hij woont in een volkswijk en heeft een WW-uitkering."),
    ("Haar zoon (15-jarige) komt laat thuis.", "Zijn dochter (12-jarige) komt laat thuis."),
    ("Dhr. is Syriër, statushouder sinds 2021.", "Mw. is Nederlandse, statushouder sinds 2021."),
])
def test_swapping_identity_words_gives_the_same_model_text(a, b):
    assert model_text(a) == model_text(b)


def test_placeholders_lose_their_numbers():
    assert model_text("[PERSOON-1] en [PERSOON-2] wonen aan [ADRES-1].") == model_text(
        "[PERSOON-7] en [PERSOON-3] wonen aan [ADRES-9].")


@pytest.mark.parametrize("word", ["wietlucht", "hennepkwekerij", "bankpas", "scooters", "afwerken"])
def test_signal_words_are_kept(word):
    assert word in model_text(f"Er is sprake van {word} bij cl.")
