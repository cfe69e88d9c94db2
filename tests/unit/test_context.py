"""Context rules on case-note sentences: each rule's own examples, plus the traps of context.md."""

import pytest

from flagging.lexicon.check import check_rule_examples
from flagging.lexicon.loader import load_context_rules

RULES = load_context_rules()


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_context_rule_examples(flagger, rule):
    assert check_rule_examples(flagger, rule) == []


def _kinds(flagger, text, target, category=None):
    """The context kinds of ``target`` in ``text``, measured the way the pipeline does."""
    from flagging.context.apply import assign_context, find_triggers, quote_terminators, text_sentences

    engine = flagger.resources.engine
    doc = flagger.nlp.make_doc(text)
    index = engine.index(doc)
    pos = text.index(target)
    toks = [t.i for t in doc if t.idx < pos + len(target) and t.idx + len(t) > pos]
    sent_map = text_sentences(index, doc)
    triggers = find_triggers([m for m in engine.match(index) if m.owner[0] == "ctx"], flagger.resources.rules,
                             sent_map)
    triggers += quote_terminators(doc, sent_map, index.sent_ids)
    raw = int(index.sent_ids[toks[0]])
    got = assign_context(toks[0], toks[-1] + 1, sent_map[raw], triggers, category=category, raw_sent=raw)
    return {k for k, v in got.kinds.items() if v}


@pytest.mark.parametrize("text, target, expected", [
    # the household is the subject: family members are not "other experiencer"
    ("Haar zoon wordt door oudere jongens gevraagd pakketjes te bewaren.", "pakketjes te bewaren", set()),
    # recent is current
    ("Sinds vorige maand staat er 's nachts een auto met draaiende motor.", "draaiende motor", set()),
    # "als" as "as", not "if"
    ("Hij werkt als koerier voor iemand uit de buurt.", "koerier", set()),
    ("Als er weer een wietlucht is, bel dan de wijkagent.", "wietlucht", {"hypothetical"}),
    # a hyphen is not a negation
    ("Het pgb-budget wordt door de neef beheerd.", "beheerd", set()),
    ("Ontkent dat er schulden zijn bij een kennis.", "schulden zijn bij een kennis", {"negated"}),
    ("Training ondermijning gevolgd over hennepteelt.", "hennepteelt", {"general"}),
    ("Nieuwe auto gekocht van de erfenis van zijn vader.", "auto", {"explained"}),
    ("Had jaren geleden schulden bij een woekeraar, is nu schuldenvrij.", "woekeraar", {"historical"}),
])
def test_context_traps(flagger, text, target, expected):
    assert _kinds(flagger, text, target) == expected


@pytest.mark.parametrize("text, target, expected", [
    # a report checked and closed as unfounded clears the whole note, past a "maar" in between
    ("Controlebezoek na anonieme melding van 'onderverhuur'. Dhr. woont er zelf, maar zijn dochter logeert "
     "soms. Melding ongegrond, afgesloten.", "onderverhuur", {"negated"}),
    ("Inspectie na melding 'wietlucht'.\n- alle ruimtes bekeken\n- geen apparatuur\n-> melding gesloten",
     "wietlucht", {"negated"}),
    # a claim checked and found innocent, with the check on the next line
    ("Buurvrouw belde over 'steeds andere mensen met een sleutel'.\nUitgezocht: mw. krijgt 4x per dag "
     "wijkverpleging, met een sleutelkluis.", "steeds andere mensen", {"explained"}),
    ("Noemde een lening van 1.500 van 'een vriend'. Doorgevraagd: is zijn zwager, getekende overeenkomst.",
     "lening van 1.500", {"explained"}),
    # what the check found may itself be the signal: it reaches back only
    ("Nagevraagd bij school: hij heeft sinds kort drie telefoons.", "drie telefoons", set()),
    ("Dhr. zegt dat hij 'wat bijverdient' met rondbrengen, niet verder doorgevraagd want dhr. werd boos.",
     "wat bijverdient", set()),
    # a note-wide statement that no client is meant; "wil geen namen noemen" is no such statement
    ("Overleg met jongerenwerk: in het winkelcentrum wordt 's avonds gedeald.\nAfgesproken: extra "
     "jongerenwerk.\nGeen namen of gezinnen.", "gedeald", {"general"}),
    ("Persbericht doorgestuurd: aanpak van illegale onderhuur. Geen relatie met individuele dossiers.",
     "illegale onderhuur", {"general"}),
    ("Dhr. heeft geld geleend van een jongen van de sportschool. Dhr. wil geen namen noemen.",
     "geld geleend", set()),
    # the "niet" of a threat's condition negates nothing
    ("Als je niet betaalt, weten we waar je moeder slaapt.", "weten we waar je moeder slaapt", set()),
    # no wage, no belongings of one's own: observations, not negations
    ("Ze krijgt geen loon, 'dat gaat van de schuld af'.", "loon", set()),
    ("In de woning geen persoonlijke spullen van dhr., wel vier bedden.", "persoonlijke spullen", set()),
    # "niets gemeld bij de gemeente" explains nothing
    ("Hij heeft niets gemeld bij de gemeente over zijn werk in de garage.", "werk in de garage", set()),
    # a story about someone outside the household
    ("Lisa vertelde dat een jongen uit de parallelklas op school drugs verkoopt.", "drugs verkoopt",
     {"other_experiencer"}),
    ("Mw. maakte zich zorgen om de zoon van haar buren, die wordt gebruikt als loopjongen voor drugs.",
     "loopjongen voor drugs", {"other_experiencer"}),
    ("Moeder vertelt dat een jongen uit de buurt haar zoon vraagt pakketjes te bewaren.", "pakketjes te bewaren",
     set()),
    ("Mw. klaagt over de buurman: 'elke maand een andere dikke auto'. Zelf leeft mw. van een kleine AOW.",
     "dikke auto", {"other_experiencer"}),
    ("Mw. zat in de knoop over haar neef in Duitsland. Hij werkt daar in een slachterij, zijn paspoort is "
     "ingenomen.", "paspoort is ingenomen", {"other_experiencer"}),
    ("Haar neef woont in Duitsland.\nZoon heeft sinds kort drie telefoons.", "drie telefoons", set()),
    # conditionals and advice
    ("Let op als uw kind ineens nieuwe dure spullen heeft, een tweede telefoon; neem dan contact op.",
     "tweede telefoon", {"hypothetical"}),
    ("Besproken: wat doe je als iemand je vraagt om 'iets te bewaren' voor geld?", "iets te bewaren",
     {"hypothetical"}),
    # a frame on its own line does not carry into the next line
    ("Moeder volgt een cursus opvoedondersteuning.\nRayan vertelde dat zijn vader hem slaat.", "hem slaat",
     set()),
    ("dossiercheck dhr Anand\n- 2014: ontruiming vorige woning ivm onderhuur", "onderhuur", {"historical"}),
    # "vroegere"/"destijdse" as adjectives date what follows
    ("Zijn vroegere werkgever hield zijn paspoort in.", "hield zijn paspoort in", {"historical"}),
    ("De destijdse werkgever hield haar loon in.", "hield haar loon in", {"historical"}),
    ("Mw. heeft geen eigen paspoort, 'de baas heeft het'.", "eigen paspoort", set()),
    # a negation inside a quotation does not reach the observation outside it
    ("Dhr. krijgt er contant voor betaald, 'niet veel'.", "contant voor betaald", set()),
    ("Hij zegt 'ik heb niks gedaan' en in de la lagen zakjes met wiet.", "zakjes met wiet", set()),
    ("Hij heeft zeker geen 'klusjes' voor anderen gedaan.", "'klusjes'", {"negated"}),
])
def test_context_case_notes(flagger, text, target, expected):
    assert _kinds(flagger, text, target) == expected


@pytest.mark.parametrize("category, expected", [("unknown_visitors", {"explained"}), ("care_fraud", set()),
                                                (None, {"explained"})])
def test_rule_categories(flagger, category, expected):
    # thuiszorg explains visitors, not the billing of care hours
    text = "Er komt dagelijks thuiszorg, de uren worden dubbel gedeclareerd."
    assert _kinds(flagger, text, "dubbel gedeclareerd", category) == expected


def test_ends_by_rule_id(flagger):
    # terminate.client ends a story about others, not a television programme
    assert _kinds(flagger, "Op tv zag mw. een programma over woekeraars.", "woekeraars") == {"other_experiencer"}
