"""Evaluation figures: bootstrap intervals, calibration, precision@k, FPR per hard-negative type, gate."""

import json

import numpy as np
import pytest

from flagging.evaluation import gate as gatemod
from flagging.evaluation.metrics import (
    bootstrap_ci,
    calibration,
    classification_metrics,
    fpr_by_negative_type,
    pr_curve,
    precision_at_k,
)
from flagging.evaluation.predictions import from_file


def _toy(n=300, cats=3, seed=1):
    rng = np.random.default_rng(seed)
    Y = rng.random((n, cats)) < 0.25
    F = Y ^ (rng.random((n, cats)) < 0.12)
    return Y, F


def test_bootstrap_interval_contains_the_point_estimate():
    Y, F = _toy()
    m = classification_metrics(Y, F, ["a", "b", "c"], draws=1000, seed=7)
    figures = [m[lvl][k] for lvl in ("flag", "micro", "macro") for k in ("precision", "recall", "f1")]
    figures += [v[k] for v in m["per_category"].values() for k in ("precision", "recall", "f1")]
    for fig in figures:
        lo, hi = fig["ci"]
        assert lo <= fig["value"] <= hi
        assert hi - lo > 0  # a real interval, not a point
    assert m["bootstrap"] == {"draws": 1000, "seed": 7, "alpha": 0.05, "unit": "note"}


def test_bootstrap_is_reproducible_with_a_fixed_seed_and_point_estimates_match_counts():
    Y, F = _toy()
    a = classification_metrics(Y, F, ["a", "b", "c"], seed=3)
    b = classification_metrics(Y, F, ["a", "b", "c"], seed=3)
    assert a == b
    gold, flag = Y.any(1), F.any(1)
    tp, fp = int((gold & flag).sum()), int((~gold & flag).sum())
    assert a["flag"]["precision"]["value"] == pytest.approx(tp / (tp + fp))
    assert a["flag"]["tp"] == tp and a["flag"]["fp"] == fp


def test_generic_bootstrap_ci_contains_the_mean():
    x = np.random.default_rng(0).normal(5, 2, 200)
    lo, hi = bootstrap_ci(x)
    assert lo < x.mean() < hi


def test_ece_of_a_perfectly_calibrated_toy_is_about_zero():
    y, p = [], []
    for centre in np.arange(0.05, 1.0, 0.1):
        n = 1000
        k = int(round(centre * n))
        y += [1] * k + [0] * (n - k)
        p += [centre] * n
    cal = calibration(np.array(y), np.array(p))
    assert cal["ece"] < 0.005
    assert sum(b["count"] for b in cal["bins"]) == len(y)
    # and a badly calibrated one is not
    bad = calibration(np.zeros(100), np.full(100, 0.9))
    assert bad["ece"] == pytest.approx(0.9)
    assert bad["brier"] == pytest.approx(0.81)


def test_precision_at_k():
    y = [1, 0, 1, 0, 0]
    s = [0.9, 0.8, 0.7, 0.1, 0.2]
    assert precision_at_k(y, s, ks=(1, 2, 3, 5, 10)) == {1: 1.0, 2: 0.5, 3: pytest.approx(2 / 3), 5: 0.4}


def test_fpr_per_negative_type_on_a_toy():
    types = [None, "negated", "negated", "explained", None, "negated"]
    flagged = [True, True, False, False, True, False]
    out = fpr_by_negative_type(types, flagged)
    assert set(out) == {"negated", "explained"}
    assert out["negated"]["n"] == 3 and out["negated"]["flagged"] == 1
    assert out["negated"]["fpr"] == pytest.approx(1 / 3)
    assert out["explained"]["fpr"] == 0.0
    lo, hi = out["negated"]["ci"]
    assert lo <= 1 / 3 <= hi


def test_pr_curve_of_a_perfect_ranking():
    c = pr_curve([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
    assert c["average_precision"] == pytest.approx(1.0)
    assert pr_curve([0, 0], [0.1, 0.2])["average_precision"] is None


def test_predictions_file_flags_thresholds_and_missing_ids(tmp_path):
    notes = [{"id": "a", "text": "x", "labels": []}, {"id": "b", "text": "y", "labels": ["care_fraud"]}]
    f = tmp_path / "p.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "scores": {"care_fraud": 0.4}, "threshold": 0.3},
        {"id": "b", "scores": {"care_fraud": 0.9}, "flags": []},
    ]), "utf-8")
    p = from_file(notes, f)
    assert p.flags == [{"care_fraud"}, set()]
    assert p.scores[1]["care_fraud"] == 0.9 and p.scores[1]["child_abuse"] == 0.0
    with pytest.raises(ValueError, match="no prediction"):
        from_file(notes + [{"id": "c", "text": "z", "labels": []}], f)


def test_gate_file_loads_and_unknown_keys_are_rejected(tmp_path):
    gate = gatemod.load_gate()
    assert gate["version"] and gate["bias"]["max_counterfactual_flip_rate"] == 0.01
    assert gate["bias"]["max_score_change"] == 0.05 and gate["bias"]["max_group_fpr_gap_pp"] == 2.0
    bad = tmp_path / "g.yaml"
    bad.write_text("version: 1\nevaluate:\n  min_precsion: 0.9\n", "utf-8")
    with pytest.raises(gatemod.GateError, match="unknown keys"):
        gatemod.load_gate(bad)


@pytest.mark.parametrize(("gap", "passed"), [(0.0, True), (1.9, True), (2.5, False), (None, False)])
def test_bias_gate_fails_on_a_gap_too_large_or_not_measured(gap, passed):
    gate = {"version": "t", "bias": {"max_group_fpr_gap_pp": 2.0}}
    result = {"model": "m", "counterfactual": {"by_attribute": {}}, "groups": {"fpr_gap_pp": gap},
              "checklist": {"suites": {}}}
    checks = gatemod.check_bias(result, gate)
    assert len(checks) == 1 and checks[0].ok is passed
