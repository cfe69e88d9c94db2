"""Figures of a scan evaluation, with their uncertainty.

Why bootstrap: the labelled sets are small (a few hundred notes, 9-17
positives per category in test), so a point estimate alone over-states what
we know. Intervals come from resampling *notes* (the unit that was sampled and
labelled), 1000 draws with a fixed seed so a report is reproducible.

Conventions (the same as ``evaluation/metrics.py``): precision, recall and F1
are 0 when their denominator is 0; a note is *flagged* when any category is
flagged and *positive* when it has any label; macro averages run over the
categories that have at least one positive note in the data (a category
without positives has no recall to average).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from flagging.calibration import brier, expected_calibration_error

BOOTSTRAP_DRAWS = 1000
BOOTSTRAP_SEED = 20261129
DEFAULT_KS = (5, 10, 20, 50, 100)


def prf(tp: float, fp: float, fn: float) -> dict[str, float]:
    """Precision, recall and F1 from counts (0 where undefined)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": float(p), "recall": float(r), "f1": float(f)}


def _ratio(num: np.ndarray, den: np.ndarray, undefined: float = 0.0) -> np.ndarray:
    out = np.full(np.shape(num), undefined, dtype=float)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _prf_arrays(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray,
                undefined: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P, R, F1 arrays; ``undefined`` where a denominator is 0 (0 for point estimates, NaN in bootstrap draws)."""
    # 2tp / (2tp + fp + fn) is the harmonic mean of P and R, and 0 when tp = 0 but fp + fn > 0
    return (_ratio(tp, tp + fp, undefined), _ratio(tp, tp + fn, undefined),
            _ratio(2 * tp, 2 * tp + fp + fn, undefined))


def _note_counts(Y: np.ndarray, F: np.ndarray) -> dict[str, np.ndarray]:
    """Per-note 0/1 contributions to every count, so any resample is a weighted sum."""
    Y, F = Y.astype(bool), F.astype(bool)
    gold, flag = Y.any(axis=1), F.any(axis=1)
    return {"tp": (Y & F).astype(float), "fp": (~Y & F).astype(float), "fn": (Y & ~F).astype(float),
            "ftp": (gold & flag).astype(float), "ffp": (~gold & flag).astype(float),
            "ffn": (gold & ~flag).astype(float)}


def _metrics_from_weights(W: np.ndarray, counts: dict[str, np.ndarray], macro_cols: np.ndarray,
                          undefined: float = 0.0) -> dict:
    """Every metric for each row of note weights ``W`` (draws x notes). Returns arrays of shape (draws, ...).

    Macro averages always use the 0 convention (as the point estimate does); the other figures are
    ``undefined`` where their denominator is 0, so a draw without any positive prediction of a category
    does not drag its precision interval down to 0.
    """
    tp, fp, fn = W @ counts["tp"], W @ counts["fp"], W @ counts["fn"]
    cp, cr, cf = _prf_arrays(tp, fp, fn, undefined)
    zp, zr, zf = _prf_arrays(tp, fp, fn) if np.isnan(undefined) else (cp, cr, cf)
    mp, mr, mf = _prf_arrays(tp.sum(1), fp.sum(1), fn.sum(1), undefined)
    fp_, fr_, ff_ = _prf_arrays(W @ counts["ftp"], W @ counts["ffp"], W @ counts["ffn"], undefined)
    cols = macro_cols if macro_cols.any() else np.ones(cp.shape[1], dtype=bool)
    return {
        "flag": {"precision": fp_, "recall": fr_, "f1": ff_},
        "micro": {"precision": mp, "recall": mr, "f1": mf},
        "macro": {"precision": zp[:, cols].mean(1), "recall": zr[:, cols].mean(1), "f1": zf[:, cols].mean(1)},
        "per_category": {"precision": cp, "recall": cr, "f1": cf},
    }


def classification_metrics(Y: np.ndarray, F: np.ndarray, categories: Sequence[str], *,
                           draws: int = BOOTSTRAP_DRAWS, seed: int = BOOTSTRAP_SEED,
                           alpha: float = 0.05) -> dict:
    """Flag-level, micro, macro and per-category P/R/F1 with percentile bootstrap intervals.

    ``Y`` gold labels and ``F`` flags, both (notes x categories). Each figure is
    ``{"value": v, "ci": [low, high]}``; per category also ``support``, ``tp``, ``fp``, ``fn``.
    """
    Y, F = np.asarray(Y, dtype=bool), np.asarray(F, dtype=bool)
    n = Y.shape[0]
    counts = _note_counts(Y, F)
    macro_cols = Y.sum(0) > 0
    point = _metrics_from_weights(np.ones((1, n)), counts, macro_cols)
    boot = bootstrap_metric_draws(counts, macro_cols, n, draws, seed) if n and draws else None
    lo_q, hi_q = 100 * alpha / 2, 100 * (1 - alpha / 2)

    def fig(level: str, name: str, j: int | None = None) -> dict:
        v = point[level][name][0] if j is None else point[level][name][0, j]
        if boot is None:
            return {"value": float(v), "ci": [float(v), float(v)]}
        b = boot[level][name] if j is None else boot[level][name][:, j]
        b = b[~np.isnan(b)]
        if b.size == 0:
            return {"value": float(v), "ci": [float(v), float(v)]}
        return {"value": float(v), "ci": [float(np.percentile(b, lo_q)), float(np.percentile(b, hi_q))],
                "draws_defined": int(b.size)}

    names = ("precision", "recall", "f1")
    out = {"notes": int(n), "bootstrap": {"draws": int(draws), "seed": int(seed), "alpha": alpha, "unit": "note"}}
    for level in ("flag", "micro", "macro"):
        out[level] = {k: fig(level, k) for k in names}
    gold, flag = Y.any(1), F.any(1)
    out["flag"].update(tp=int((gold & flag).sum()), fp=int((~gold & flag).sum()), fn=int((gold & ~flag).sum()),
                       positives=int(gold.sum()), flagged=int(flag.sum()))
    out["macro"]["categories"] = [c for c, m in zip(categories, macro_cols, strict=True) if m]
    out["per_category"] = {}
    for j, c in enumerate(categories):
        out["per_category"][c] = {k: fig("per_category", k, j) for k in names}
        out["per_category"][c].update(support=int(Y[:, j].sum()), tp=int((Y[:, j] & F[:, j]).sum()),
                                      fp=int((~Y[:, j] & F[:, j]).sum()), fn=int((Y[:, j] & ~F[:, j]).sum()))
    return out


def bootstrap_metric_draws(counts: dict[str, np.ndarray], macro_cols: np.ndarray, n: int, draws: int,
                           seed: int, chunk: int = 100) -> dict:
    """Metric arrays over ``draws`` resamples of the ``n`` notes (with replacement), seeded."""
    rng = np.random.default_rng(seed)
    parts = []
    for start in range(0, draws, chunk):
        b = min(chunk, draws - start)
        idx = rng.integers(0, n, size=(b, n))
        W = np.zeros((b, n))
        np.add.at(W, (np.repeat(np.arange(b), n), idx.ravel()), 1.0)
        parts.append(_metrics_from_weights(W, counts, macro_cols, undefined=np.nan))
    return {lvl: {k: np.concatenate([p[lvl][k] for p in parts]) for k in parts[0][lvl]} for lvl in parts[0]}


def bootstrap_ci(values: Sequence[float], statistic=np.mean, *, draws: int = BOOTSTRAP_DRAWS,
                 seed: int = BOOTSTRAP_SEED, alpha: float = 0.05) -> tuple[float, float]:
    """Percentile interval of ``statistic`` over resamples of ``values`` (a generic helper)."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    stats = np.array([statistic(x[rng.integers(0, x.size, x.size)]) for _ in range(draws)])
    return float(np.percentile(stats, 100 * alpha / 2)), float(np.percentile(stats, 100 * (1 - alpha / 2)))


def _thin(xs: np.ndarray, limit: int) -> np.ndarray:
    if len(xs) <= limit:
        return np.arange(len(xs))
    return np.unique(np.linspace(0, len(xs) - 1, limit).round().astype(int))


def pr_curve(y: Sequence[int], s: Sequence[float], limit: int = 400) -> dict:
    """Precision-recall curve and average precision (scikit-learn), thinned to ``limit`` points for reports."""
    from sklearn.metrics import average_precision_score, precision_recall_curve

    y, s = np.asarray(y, dtype=int), np.asarray(s, dtype=float)
    if y.sum() == 0:
        return {"precision": [], "recall": [], "thresholds": [], "average_precision": None, "positives": 0}
    p, r, t = precision_recall_curve(y, s)
    keep = _thin(p, limit)
    t_full = np.append(t, np.nan)
    return {"precision": [round(float(v), 4) for v in p[keep]], "recall": [round(float(v), 4) for v in r[keep]],
            "thresholds": [None if np.isnan(v) else round(float(v), 4) for v in t_full[keep]],
            "average_precision": float(average_precision_score(y, s)), "positives": int(y.sum())}


def precision_at_k(y: Sequence[int], s: Sequence[float], ks: Sequence[int] = DEFAULT_KS) -> dict[int, float]:
    """Share of positives among the ``k`` highest scores (ties keep input order), for each k <= len(y)."""
    y, s = np.asarray(y, dtype=int), np.asarray(s, dtype=float)
    order = np.argsort(-s, kind="stable")
    return {int(k): float(y[order[:k]].mean()) for k in ks if 0 < k <= len(y)}


def calibration(y: Sequence[int], p: Sequence[float], bins: int = 10) -> dict:
    """Reliability bins (equal width), ECE and Brier score of probabilities ``p`` for outcomes ``y``.

    ECE and Brier come from :mod:`flagging.calibration`, the same functions training reports, so the
    figures of ``flagging train`` and ``flagging evaluate`` can be compared.
    """
    y, p = np.asarray(y, dtype=float).ravel(), np.asarray(p, dtype=float).ravel()
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1], right=True), 0, bins - 1)
    rows = []
    for b in range(bins):
        mask = idx == b
        rows.append({"low": float(edges[b]), "high": float(edges[b + 1]), "count": int(mask.sum()),
                     "mean_score": float(p[mask].mean()) if mask.any() else None,
                     "positive_rate": float(y[mask].mean()) if mask.any() else None})
    return {"bins": rows, "ece": expected_calibration_error(y, p, bins) if y.size else 0.0,
            "brier": brier(y, p) if y.size else 0.0, "pairs": int(y.size)}


def wilson_interval(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a proportion k/n (sound for the small n of one negative type)."""
    if n == 0:
        return (0.0, 0.0)
    ph = k / n
    den = 1 + z * z / n
    centre = (ph + z * z / (2 * n)) / den
    half = z * np.sqrt(ph * (1 - ph) / n + z * z / (4 * n * n)) / den
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def fpr_by_negative_type(negative_types: Sequence[str | None], flagged: Sequence[bool]) -> dict[str, dict]:
    """False-positive rate per hard-negative type: a note of a negative type counts as an FP when flagged."""
    out: dict[str, dict] = {}
    for t in sorted({t for t in negative_types if t}):
        hits = [bool(f) for nt, f in zip(negative_types, flagged, strict=True) if nt == t]
        k, n = sum(hits), len(hits)
        out[t] = {"n": n, "flagged": k, "fpr": k / n, "ci": list(wilson_interval(k, n))}
    return out


def evaluate_predictions(notes: list[dict], preds, categories: Sequence[str], *, draws: int = BOOTSTRAP_DRAWS,
                         seed: int = BOOTSTRAP_SEED, ks: Sequence[int] = DEFAULT_KS,
                         redacted: Sequence[str | None] | None = None) -> dict:
    """All figures of one model on one data set (``preds``: a :class:`~.predictions.Predictions`).

    ``redacted``: the redacted text per note, for the error list (never the raw text; notes without a
    redacted text are listed without text).
    """
    Y = np.array([[c in n["labels"] for c in categories] for n in notes], dtype=bool).reshape(-1, len(categories))
    S, F = preds.score_matrix(categories), preds.flag_matrix(categories)
    gold_note, score_note = Y.any(1), S.max(1) if S.size else np.zeros(len(notes))
    cls = classification_metrics(Y, F, categories, draws=draws, seed=seed)
    curves = {"note": pr_curve(gold_note, score_note), "micro": pr_curve(Y.ravel(), S.ravel()),
              "per_category": {c: pr_curve(Y[:, j], S[:, j]) for j, c in enumerate(categories)}}
    p_at_k = {"note": precision_at_k(gold_note, score_note, ks),
              "per_category": {c: precision_at_k(Y[:, j], S[:, j], ks) for j, c in enumerate(categories)}}
    cal = {"all": calibration(Y, S),
           "per_category": {c: {"ece": expected_calibration_error(Y[:, j], S[:, j]), "brier": brier(Y[:, j], S[:, j])}
                            for j, c in enumerate(categories)}}
    neg = fpr_by_negative_type([n.get("negative_type") for n in notes], list(F.any(1)))
    redacted = list(redacted) if redacted is not None else [None] * len(notes)
    errors = []
    for i, n in enumerate(notes):
        gold, pred = set(n["labels"]), set(preds.flags[i]) & set(categories)
        if gold == pred:
            continue
        kind = ("false positive" if not gold else "missed" if not pred else
                "wrong category" if not gold & pred else "partly right")
        top = sorted(preds.scores[i].items(), key=lambda kv: -kv[1])[:3]
        errors.append({"id": n["id"], "error": kind, "labels": sorted(gold), "suggested": sorted(pred),
                       "negative_type": n.get("negative_type"), "top_scores": {k: v for k, v in top if v > 0},
                       "redacted_text": redacted[i]})
    return {"model": preds.name, "spec": preds.spec, "kind": preds.kind, "notes": len(notes),
            "thresholds": preds.thresholds, "classification": cls, "pr_curves": curves, "precision_at_k": p_at_k,
            "calibration": cal, "fpr_by_negative_type": neg, "errors": errors}


def flat_metrics(result: dict, prefix: str = "") -> dict[str, float]:
    """Scalar figures of :func:`evaluate_predictions` under stable names (MLflow metrics, gate checks)."""
    c = result["classification"]
    out: dict[str, float] = {}
    for lvl in ("flag", "micro", "macro"):
        for k in ("precision", "recall", "f1"):
            out[f"{lvl}_{k}"] = c[lvl][k]["value"]
            out[f"{lvl}_{k}_ci_low"], out[f"{lvl}_{k}_ci_high"] = c[lvl][k]["ci"]
    for cat, v in c["per_category"].items():
        for k in ("precision", "recall", "f1"):
            out[f"{k}_{cat}"] = v[k]["value"]
    for t, v in result["fpr_by_negative_type"].items():
        out[f"fpr_{t}"] = v["fpr"]
    if result["fpr_by_negative_type"]:
        out["max_fpr_negative_type"] = max(v["fpr"] for v in result["fpr_by_negative_type"].values())
    out["ece"], out["brier"] = result["calibration"]["all"]["ece"], result["calibration"]["all"]["brier"]
    ap = result["pr_curves"]["note"]["average_precision"]
    if ap is not None:
        out["ap_note"] = ap
    for k, v in result["precision_at_k"]["note"].items():
        out[f"p_at_{k}"] = v
    out["errors"] = float(len(result["errors"]))
    return {prefix + k: float(v) for k, v in out.items()}
