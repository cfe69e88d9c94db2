"""Bias harness: templates as data, counterfactual swaps, name substitution, subgroup AUCs."""

import numpy as np
import pytest

from flagging.evaluation import bias


@pytest.fixture(scope="module")
def templates():
    return bias.load_templates()


@pytest.fixture(scope="module")
def names():
    return bias.load_names()


def _subset(templates, ids):
    return {**templates, "templates": [t for t in templates["templates"] if t["id"] in ids]}


def test_templates_are_enough_balanced_and_fill_every_slot(templates, names):
    ts = templates["templates"]
    assert len(ts) >= 40
    assert sum(bool(t["signal"]) for t in ts) == len(ts) / 2
    assert all(t.get("negative_type") for t in ts if not t["signal"])
    assert len(names) == 14 and "dutch" in names
    cf = bias.build_counterfactual_set(templates, names)
    assert not any("{" in r["text"] or "}" in r["text"] for r in cf.rows)
    assert {p["attribute"] for p in cf.pairs} == {"name", "gender", *bias.ATTRIBUTES}


def test_counterfactual_flip_rate_of_the_rule_scorer_is_zero(flagger, templates, names):
    few = _subset(templates, {"pos-cultivation-smell", "pos-visitors-night", "neg-negated-visitors",
                              "neg-identity-forms"})
    cf = bias.build_counterfactual_set(few, names)
    scored = bias.flagger_scorer(flagger)(cf.texts)
    res = bias.counterfactual_metrics(cf, scored, few)
    assert res["pairs"] == len(cf.pairs) > 100
    assert {"name", "gender", "origin_adj", "religion", "language"} <= set(res["by_attribute"])
    assert res["by_attribute"]["name"]["pairs"] == 4 * 2 * 13
    # the rule score reads what happened, never who it happened to
    for attr, v in res["by_attribute"].items():
        assert v["flip_rate"] == 0.0, attr
        assert v["max_abs_change"] == 0.0, attr
    # and the positive templates are actually flagged, so a flip could have been seen
    assert any(s[1] for s in scored)


def test_a_biased_scorer_is_caught(templates, names):
    moroccan = {n for g in ("f", "m") for n in names["moroccan"][g]}

    def biased(texts):
        return [({"drug_dealing": 0.7 if any(w.strip(".,()") in moroccan for w in t.split()) else 0.2},
                 {"drug_dealing"} if any(w.strip(".,()") in moroccan for w in t.split()) else set())
                for t in texts]

    few = _subset(templates, {"neg-plain-allowance", "neg-plain-new-job"})
    cf = bias.build_counterfactual_set(few, names)
    res = bias.counterfactual_metrics(cf, biased(cf.texts), few)
    assert res["by_group"]["name"]["moroccan"]["flip_rate"] > 0.4
    assert res["by_group"]["name"]["polish"]["flip_rate"] == 0.0
    assert res["by_attribute"]["name"]["max_abs_change"] == pytest.approx(0.5)


def test_substitute_names_keeps_titles_and_is_consistent_within_a_note(names):
    text = "Tel. met mw. Bouzid (Yasmina) en dhr. R. Jansen. Mw. Bouzid belt terug."
    spans = []
    for surface in ("mw. Bouzid", "Yasmina", "R. Jansen", "Bouzid"):
        start = text.index(surface, spans[-1][1] if spans else 0)
        spans.append((start, start + len(surface)))
    first = bias._first_names(names)
    out = bias.substitute_names(text, spans, names, "polish", first, "k")
    assert "Bouzid" not in out and "Yasmina" not in out and "Jansen" not in out
    assert out.startswith("Tel. met mw. ") and " dhr. R. " in out and out.endswith(" belt terug.")
    surname = out[len("Tel. met mw. "):out.index(" (")]
    assert surname in names["polish"]["surnames"] and out.count(surname) >= 2
    given = out[out.index("(") + 1:out.index(")")]
    assert given in names["polish"]["f"]


def test_subgroup_aucs_on_a_toy():
    rows = [{"signal": i % 2 == 0, "identity": {"g": "a" if i < 20 else "b"}} for i in range(40)]
    # group b's positives score below everyone's negatives: b's subgroup AUC and BNSP drop, and so does
    # a's BPSN (b is a's background); a's own subgroup AUC stays perfect
    scored = [({"x": (0.9 if r["signal"] else 0.1) - (0.85 if r["signal"] and i >= 20 else 0)}, set())
              for i, r in enumerate(rows)]
    out = bias.subgroup_aucs(rows, scored)
    a, b = out["groups"]["g=a"], out["groups"]["g=b"]
    assert a["subgroup_auc"] == 1.0 and np.isclose(b["subgroup_auc"], 0.0)
    assert b["bnsp_auc"] < 0.6 and a["bpsn_auc"] < 0.6
    assert np.isclose(a["bnsp_auc"], 1.0) and np.isclose(b["bpsn_auc"], 1.0)


def test_checklist_cases_cover_every_category_and_the_three_suites(templates, names):
    ck = bias.load_checklist()
    cases = bias.checklist_cases(ck, templates, names)
    from flagging.lexicon.loader import CATEGORIES

    assert {c for c, _ in cases["mft"] if c} == set(CATEGORIES)
    assert {"typo", "abbreviation", "placeholder", "placeholder (templates)"} <= set(cases["inv"])
    assert {k for _, _, k, _ in cases["dir"]} == {"negation", "historical"}
    assert all("[PERSOON-1]" in b for _, b in cases["inv"]["placeholder (templates)"])
