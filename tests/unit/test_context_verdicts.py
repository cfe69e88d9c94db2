"""Case-note context across sentences: verdicts that close a note, explanations told later, quotes, clauses."""

import pytest

from tests.unit.test_context import _kinds


@pytest.mark.parametrize("text, target, expected", [
    # the explanation comes sentences after the observation and closes the note
    ("Melding buren: ramen beslagen, gebrom en hoge stroomrekening. Gasaansluiting afgesloten door storing, "
     "corporatie heeft elektrische kachels geplaatst. Gebrom is een bouwdroger. Alle kamers bekeken, niets bijzonders.",
     "hoge stroomrekening", {"explained"}),
    ("Aanleiding: buurvrouw had gezegd dat er veel mensen komen. Dhr. krijgt alleen bezoek van zijn moeder op "
     "zondag. Lijkt een misverstand.", "veel mensen komen", {"explained"}),
    ("Melding buurvrouw: elke dag andere mensen binnen. Mw. heeft thuiszorg 4x per dag. Dat verklaart de aanloop.",
     "elke dag andere mensen", {"explained"}),
    ("- blauwe plek op scheenbeen\n- kinderen ontspannen\n- geen zorgen", "blauwe plek", {"explained"}),
    # ... but a verdict on one topic of a report, or a relaxed client, closes nothing
    ("Financiën: geen zorgen.\nSchool: zoon heeft sinds kort drie telefoons en dure sneakers.", "drie telefoons",
     set()),
    ("Kinderen: gaan naar school, geen bijzonderheden vanuit school. Dhr. heeft 2.000 geleend van een man uit de "
     "buurt die nu dreigt.", "geleend van een man uit de buurt", set()),
    ("Dhr. maakt zich geen zorgen, maar er komen 's nachts steeds andere mannen.", "steeds andere mannen", set()),
    # an explanation with the document that shows it, in the next sentence
    ("Stroomverbruik verdubbeld. Verklaard door elektrische kachels en terraria.", "Stroomverbruik verdubbeld",
     {"explained"}),
    ("Partner woont sinds mei bij haar. Al gemeld bij W&I, wijziging is verwerkt.", "Partner woont", {"explained"}),
    ("Mw. heeft haar schuld in één keer afgelost. Geld van de erfenis, notarisakte gezien.", "schuld in één keer",
     {"explained"}),
    # not explained: not reported, no permission, a plan to discuss
    ("Inkomsten niet gemeld bij de gemeente.", "Inkomsten", set()),
    ("Ze verhuurt de kamer aan een student. Er is geen toestemming van de corporatie.", "verhuurt de kamer", set()),
    ("Er is overleg met de gemeente en de ketenpartner mensenhandel.", "mensenhandel", set()),
    # a quote ends a negation only when the negation is inside it
    ("Gevraagd naar leningen bij familie of 'iemand uit de buurt': nee.", "leningen bij familie", {"negated"}),
    ("Dhr. krijgt er contant voor betaald, 'niet veel'.", "contant voor betaald", set()),
    # a bare "niet" stays in its clause
    ("Pakketten voor 3 verschillende namen die ze niet kent.", "3 verschillende namen", set()),
    ("Op de bel 3 verschillende namen, niet van de huurder.", "3 verschillende namen", set()),
    ("De ramen zijn niet afgeplakt.", "afgeplakt", {"negated"}),
    # "sindsdien" runs on to now unless it says quiet
    ("Moeder zag een envelop met 1.800 euro en hij heeft sindsdien 2 paar dure sneakers.", "envelop met 1.800 euro",
     set()),
    ("Oudere jongens vroegen hem op te letten. Sindsdien geen contact.", "Oudere jongens", {"historical"}),
    # a request that happened is no hypothesis; an agreement about "if ever" is
    ("Haar kleinzoon heeft gevraagd of hij haar adres mocht gebruiken voor zijn zaken.", "adres mocht gebruiken",
     set()),
    ("Afgesproken dat als hij ooit gevraagd wordt om op de uitkijk te staan, hij dat thuis vertelt.", "uitkijk",
     {"hypothetical"}),
])
def test_context_across_sentences(flagger, text, target, expected):
    assert _kinds(flagger, text, target) == expected


def test_care_provider_elsewhere_is_the_signal(flagger):
    text = "Moeder: oom woont in Engeland sinds vorig jaar. Uren worden nog steeds elke maand ingediend."
    assert _kinds(flagger, text, "Uren worden nog steeds", "care_fraud") == set()
    assert _kinds(flagger, text, "Uren worden nog steeds", "exploitation") == {"other_experiencer"}
