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


# Swaps found by the counterfactual harness: the identity word must not drag a different
# grammatical word (article, pronoun form, negation, age number) into the model text.
@pytest.mark.parametrize("a, b", [
    # pronouns by form: "haar" is object and possessive, "zijn" possessive and verb
    ("Mw. [PERSOON-1] vertelt dat haar partner haar regelmatig slaat waar de kinderen bij zijn.",
     "Dhr. [PERSOON-1] vertelt dat zijn partner hem regelmatig slaat waar de kinderen bij zijn."),
    ("Zij zegt dat ze bang is; hij heeft het haar verboden.", "Hij zegt dat hij bang is; zij heeft het hem verboden."),
    ("Hij zegt dat hij z'n bankpas kwijt is.", "Zij zegt dat ze d'r bankpas kwijt is."),
    ("Volgens hem komen er 'wel vaker mensen slapen'.", "Volgens haar komen er 'wel vaker mensen slapen'."),
    # titles and gendered role words
    ("De heer [PERSOON-1] belt ongerust.", "Mevrouw [PERSOON-1] belt ongerust."),
    ("Meneer heeft geld geleend van zijn buurman.", "Mevrouw heeft geld geleend van haar buurvrouw."),
    ("Haar vriendin en haar tante komen elke dag.", "Zijn vriend en zijn oom komen elke dag."),
    ("Zijn echtgenote werkt zwart; zijn kleinzoon helpt.", "Haar echtgenoot werkt zwart; haar kleindochter helpt."),
    ("De jongens wachten op haar dochters.", "De meisjes wachten op zijn zonen."),
    ("Mw. (v, 38) is angstig.", "Dhr. (m, 38) is angstig."),
    # income: the article goes with the income word
    ("Inkomen uit een WW-uitkering, vaste lasten automatisch.", "Inkomen uit salaris, vaste lasten automatisch."),
    ("Inkomen: een Wajong-uitkering.", "Inkomen: AOW."),
    ("Hij leeft van de bijstand en heeft schulden.", "Hij leeft van pensioen en heeft schulden."),
    ("Zij leeft van WW en heeft schulden.", "Zij leeft van studiefinanciering en heeft schulden."),
    ("Zij heeft een bijstandsuitkering.", "Zij heeft een WIA-uitkering."),
    # religion: "niet gelovig" is one identity value, its "niet" no negation
    ("Mw. [PERSOON-1] (38, niet gelovig) vertelt dat haar partner haar slaat.",
     "Mw. [PERSOON-1] (38, katholiek) vertelt dat haar partner haar slaat."),
    ("Het gezin is niet gelovig, woont in een nieuwbouwwijk.", "Het gezin is moslim, woont in een krachtwijk."),
    ("Hij is atheïst en spreekt Frans.", "Hij is hindoe en spreekt Tigrinya."),
    ("Zij is een moslim van Marokkaanse afkomst.", "Zij is christen van Nederlandse afkomst."),
    # ages, written in every way a note writes them
    ("Mw. [PERSOON-1] (38, moslim) heeft schulden.", "Mw. [PERSOON-1] (67, moslim) heeft schulden."),
    ("Dhr. [PERSOON-1] (19) is zichtbaar angstig.", "Dhr. [PERSOON-1] (83) is zichtbaar angstig."),
    ("Een 38-jarige vrouw met schulden.", "Een 67-jarige man met schulden."),
    ("Cliënt, leeftijd: 38, woont alleen.", "Cliënt, leeftijd: 83, woont alleen."),
    ("Mw. [PERSOON-1], 38 jaar, inkomen uit salaris.", "Dhr. [PERSOON-1], 57 jaar, inkomen uit een WW-uitkering."),
])
def test_identity_swaps_with_grammar_give_the_same_model_text(a, b):
    assert model_text(a) == model_text(b)


def test_duration_in_years_ago_is_no_age():
    # "jaren geleden" is a historical cue (context rules, CheckList DIR): it must survive
    assert "jaar geleden" in model_text("Vijf jaar geleden, 5 jaar geleden, had hij schulden.")


@pytest.mark.parametrize("text, kept", [
    ("Hij werkt zwart in een restaurant.", "restaurant"),
    ("De huurachterstand is contant afgelost.", "contant"),
    ("Er staan een bedrijf en een auto op zijn naam.", "naam"),
    ("Kreeg een bericht dat het 'slecht afloopt'.", "afloopt"),
])
def test_signal_words_next_to_identity_words_are_kept(text, kept):
    assert kept in model_text(text)
