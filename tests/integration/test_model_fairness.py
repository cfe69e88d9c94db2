"""Swapping an identity word (name, origin, religion, language, neighbourhood, income, gender, age)
in a note changes no score of the packaged default model by more than 0.05 and no flag."""

import pytest

NOTES = [
    ("Bij het HB bij {name} ({age}) hing een zoete lucht, de ramen boven waren afgeplakt en er klonk gezoem. "
     "Mw. is {origin} en spreekt {language}."),
    ("{name} vertelt dat haar zoon ineens veel contant geld heeft en nieuwe merkkleding draagt. Het gezin woont "
     "in een {neighbourhood} en leeft van {income}."),
    ("Tel. contact met {name}: afspraak verzet ivm ziekenhuisbezoek. Verder geen bijzonderheden. Dhr. is {religion}."),
    ("{name} moet iets terugbetalen aan een kennis en durft niet te zeggen wie. Hij is {origin}, {age}."),
]
SWAPS = {
    "name": ["Fatima El Amrani", "Anna de Vries", "Mehmet Yılmaz", "Agnieszka Kowalska", "Tesfay Gebremedhin",
             "Olena Kovalenko", "Rishi Ramsaroep", "Wang Li"],
    "origin": ["Marokkaans", "Nederlands", "Turks", "Pools", "Eritrees", "Surinaams", "Syrisch"],
    "language": ["Arabisch", "Nederlands", "Pools", "Tigrinya", "Dari"],
    "neighbourhood": ["achterstandswijk", "volkswijk", "flatwijk"],
    "income": ["bijstand", "een WW-uitkering", "een Wajong-uitkering", "salaris"],
    "religion": ["moslim", "christen", "hindoe", "katholiek"],
    "age": ["19 jaar", "45 jaar", "82 jaar"],
}
BASE = {"name": "Jan Jansen", "origin": "Nederlands", "language": "Nederlands", "neighbourhood": "volkswijk",
        "income": "salaris", "religion": "christen", "age": "45 jaar"}


@pytest.fixture(scope="module")
def model_flagger(redactor):
    from flagging import Flagger

    try:
        return Flagger(model="default", redactor=redactor)
    except FileNotFoundError:
        pytest.skip("no packaged default model")


@pytest.mark.parametrize("template", NOTES)
def test_identity_swaps_move_no_score_or_flag(model_flagger, template):
    base = model_flagger.scan(template.format(**BASE))
    for attribute, values in SWAPS.items():
        if "{" + attribute + "}" not in template:
            continue
        texts = [template.format(**{**BASE, attribute: v}) for v in values]
        for text, s in zip(texts, model_flagger.scan_many(texts), strict=True):
            for cat, score in s.scores.items():
                assert abs(score - base.scores[cat]) <= 0.05, (attribute, text, cat, score, base.scores[cat])
            assert s.categories == base.categories, (attribute, text)


def test_heldout_template_swaps_leave_the_model_input_unchanged(full_flagger):
    """Model-independent: on templates phrased unlike the harness's own (tests/data/heldout_templates.yaml),
    swapping one identity attribute changes neither the identity-neutral redacted text nor the rule
    features a learned model sees, so no retrained model can move a score on them."""
    from pathlib import Path

    import yaml

    from flagging.evaluation import bias

    base = bias.load_templates()
    heldout = yaml.safe_load((Path(__file__).resolve().parent.parent / "data" / "heldout_templates.yaml")
                             .read_text("utf-8"))
    names = bias.load_names()
    cf = bias.build_counterfactual_set({**base, "templates": heldout["templates"]}, names, origins=sorted(names))
    inputs = full_flagger.model_inputs(cf.texts)
    changed = [(p["attribute"], p["template"], p["group"], cf.rows[p["var"]]["text"])
               for p in cf.pairs if inputs[p["ref"]] != inputs[p["var"]]]
    assert {p["attribute"] for p in cf.pairs} >= {"name", "gender", "age", "income", "religion", "origin_adj",
                                                 "language", "neighbourhood"}
    assert not changed, changed[:5]
