"""Context rules on case-note sentences: each rule's own examples, plus the traps of context.md."""

import pytest

from flagging.lexicon.check import check_rule_examples
from flagging.lexicon.loader import load_context_rules

RULES = load_context_rules()


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_context_rule_examples(flagger, rule):
    assert check_rule_examples(flagger, rule) == []


def _kinds(flagger, text, target):
    from flagging.context.apply import assign_context, find_triggers

    engine = flagger.resources.engine
    doc = flagger.nlp.make_doc(text)
    index = engine.index(doc)
    pos = text.index(target)
    toks = [t.i for t in doc if t.idx < pos + len(target) and t.idx + len(t) > pos]
    triggers = find_triggers([m for m in engine.match(index) if m.owner[0] == "ctx"], flagger.resources.rules)
    got = assign_context(toks[0], toks[-1] + 1, int(index.sent_ids[toks[0]]), triggers)
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
