"""Calibration and threshold helpers shared by training and evaluation."""

from __future__ import annotations

import numpy as np


def expected_calibration_error(y_true: np.ndarray, prob: np.ndarray, bins: int = 10) -> float:
    """ECE over all (note, category) pairs: sum over equal-width bins of |accuracy - confidence| x share."""
    y, p = np.asarray(y_true).ravel().astype(float), np.asarray(prob).ravel()
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1], right=True), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        mask = idx == b
        if mask.any():
            ece += mask.mean() * abs(y[mask].mean() - p[mask].mean())
    return float(ece)


def brier(y_true: np.ndarray, prob: np.ndarray) -> float:
    return float(np.mean((np.asarray(prob).ravel() - np.asarray(y_true).ravel()) ** 2))


def threshold_for_precision(y: np.ndarray, p: np.ndarray, target: float, floor: float = 0.2) -> float:
    """Lowest threshold whose precision on (y, p) reaches ``target`` (max recall at that precision).

    Falls back to the F1-best threshold when no threshold reaches the target. Never below ``floor``.
    """
    y, p = np.asarray(y), np.asarray(p)
    candidates = np.unique(np.concatenate([p, [0.5]]))
    best, best_f1, f1_thr = None, -1.0, 0.5
    for t in sorted(candidates):
        if t < floor:
            continue
        pred = p >= t
        tp = float((pred & (y == 1)).sum())
        fp = float((pred & (y == 0)).sum())
        fn = float((~pred & (y == 1)).sum())
        prec = tp / (tp + fp) if tp + fp else 1.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        if f1 > best_f1:
            best_f1, f1_thr = f1, t
        if best is None and prec >= target and tp > 0:
            best = t
    return float(best if best is not None else f1_thr)
