"""The learned scorer: estimator API, calibration output, explanation, skops round trip."""

import json

import numpy as np
import pytest

from flagging.lexicon.loader import CATEGORIES
from flagging.score.learned import LearnedScorer

POS = ["er hing een sterke wietlucht op zolder", "ramen afgeplakt en wietlucht in de gang",
       "wietlucht en gezoem uit de slaapkamer", "zoete wietlucht bij de voordeur", "wietlucht in het trappenhuis",
       "overal wietlucht, ramen beslagen"]
NEG = ["gesprek over de huur en school", "afspraak met de huisarts gemaakt", "kinderen gaan goed naar school",
       "schuld bij de belastingdienst loopt", "mw. is moe, slaapt slecht", "nieuwe afspraak over twee weken"]


def _data():
    X = [(t, {"cat:drug_cultivation": 0.8} if "wiet" in t else {}) for t in POS + NEG] * 2
    Y = np.zeros((len(X), len(CATEGORIES)), dtype=int)
    j = CATEGORIES.index("drug_cultivation")
    for i, (t, _) in enumerate(X):
        Y[i, j] = int("wiet" in t)
    return X, Y


def test_init_does_no_work_and_params_round_trip():
    m = LearnedScorer(C=2.0, use_rules=False)
    assert m.get_params()["C"] == 2.0 and not hasattr(m, "models_")


def test_fit_predict_explain_and_skops_round_trip(tmp_path):
    X, Y = _data()
    m = LearnedScorer(calibration_cv=2).fit(X, Y)
    P = m.predict_proba([("sterke wietlucht in de woning", {"cat:drug_cultivation": 0.8}),
                        ("gesprek over school", {})])
    j = CATEGORIES.index("drug_cultivation")
    assert P.shape == (2, len(CATEGORIES)) and ((P >= 0) & (P <= 1)).all()
    assert P[0, j] > P[1, j]
    terms = m.explain(("sterke wietlucht in de woning", {"cat:drug_cultivation": 0.8}), "drug_cultivation")
    assert terms and all(t["weight"] > 0 for t in terms)
    m.save(tmp_path / "model", {"name": "test"})
    assert not list((tmp_path / "model").glob("*.pkl"))
    loaded = LearnedScorer.load(tmp_path / "model")
    assert np.allclose(loaded.predict_proba(X[:3]), m.predict_proba(X[:3]))
    assert json.loads((tmp_path / "model" / "meta.json").read_text())["name"] == "test"


def test_loading_refuses_unexpected_types(tmp_path):
    from fractions import Fraction

    import skops.io as sio

    X, Y = _data()
    LearnedScorer(calibration_cv=2).fit(X, Y).save(tmp_path / "m")
    path = tmp_path / "m" / "model.skops"
    state = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    state["extra"] = Fraction(1, 3)  # not an sklearn/numpy/scipy type
    sio.dump(state, path)
    with pytest.raises(ValueError, match="refusing unexpected types"):
        LearnedScorer.load(tmp_path / "m")


@pytest.mark.parametrize("text, kind", [
    ("Partner woont sinds maart bij mw. Dit is al doorgegeven aan W&I, de wijziging is verwerkt.", "explained"),
    ("Stroomverbruik is hoog, maar dat is verklaard door de elektrische kachels. Verder niets bijzonders.",
     "explained"),
    ("Als er ooit iemand bij haar komt wonen, moet ze dat melden.", "hypothetical"),
])
def test_note_context_reaches_the_rule_features(text, kind):
    """A trigger anywhere in the note is a ``note:<kind>`` feature, with or without a lexicon match."""
    from flagging import Flagger
    from flagging.score.features import rule_features

    doc = Flagger(redact=False).nlp(text)
    feats = rule_features(doc._.flagging_evidence, doc._.flagging_note_context)
    assert feats.get(f"note:{kind}", 0) >= 1


def test_note_context_columns_only_for_models_that_learned_them(tmp_path):
    X, Y = _data()
    X = [(t, {**r, "note:explained": 1.0} if "school" in t else r) for t, r in X]
    with_note = LearnedScorer(calibration_cv=2).fit(X, Y)
    without = LearnedScorer(calibration_cv=2, note_context=False).fit(X, Y)
    j = CATEGORIES.index("drug_cultivation")
    assert with_note.meta_models_[j].coef_.shape[1] == without.meta_models_[j].coef_.shape[1] + 6
    import skops.io as sio

    without.save(tmp_path / "old")
    path = tmp_path / "old" / "model.skops"
    state = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    del state["params"]["note_context"]  # as saved before the parameter existed
    sio.dump(state, path)
    old = LearnedScorer.load(tmp_path / "old")
    assert old.note_context is False
    assert np.allclose(old.predict_proba(X[:3]), without.predict_proba(X[:3]))
