"""Evaluation harnesses: ``flagging evaluate`` and ``flagging bias``.

Why a package of its own: the runtime install must not need matplotlib,
pandas, fairlearn or MLflow. Everything here that needs them imports them
inside the function that uses them, through :func:`require`, so a missing
extra gives one clear message instead of an import error at start-up.

- :mod:`~flagging.evaluation.metrics`: bootstrap intervals, PR curves, precision@k,
  calibration, false-positive rate per hard-negative type;
- :mod:`~flagging.evaluation.predictions`: scores and flags of this library's models
  or of any external model (a predictions file);
- :mod:`~flagging.evaluation.report`: static HTML + Markdown + JSON reports;
- :mod:`~flagging.evaluation.bias`: counterfactual identity swaps, per-group metrics,
  subgroup AUCs and CheckList-style suites;
- :mod:`~flagging.evaluation.gate`: the versioned release gate (``evaluation/gate.yaml``).
"""

from __future__ import annotations

import importlib
from types import ModuleType

EXTRA_HINT = 'pip install "flagging[eval]"'


def require(module: str) -> ModuleType:
    """Import an optional dependency of the ``eval`` extra, or fail with the install hint."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        raise ImportError(f"{top} is needed for evaluation reports but is not installed: {EXTRA_HINT}") from exc
