"""The release gate: versioned thresholds (``evaluation/gate.yaml``) and the checks against them.

Why a file and not flags: a gate is a decision reviewers sign off on, so its
numbers live in one versioned, reviewed place, and every report names the gate
version it was checked against. Unknown keys are an error (a typo must not
silently switch a check off); a threshold set to ``null`` is reported only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

EXIT_GATE_FAILED = 4

_EVALUATE_KEYS = {"min_flag_precision", "min_flag_recall", "min_macro_f1", "max_fpr_per_negative_type", "max_ece"}
_BIAS_KEYS = {"max_counterfactual_flip_rate", "max_score_change", "max_group_fpr_gap_pp", "min_checklist_pass_rate"}


class GateError(ValueError):
    """The gate file is missing or invalid."""


@dataclass
class Check:
    """One gate check: ``value op limit`` must hold."""

    name: str
    value: float
    op: str
    limit: float
    ok: bool


def default_gate_path() -> Path:
    """``evaluation/gate.yaml`` of the source tree, else of the working directory (the gate is not part
    of the wheel: an installed package run from a checkout finds it there; or pass ``--gate-config``)."""
    here = Path(__file__).resolve().parents[2] / "evaluation" / "gate.yaml"
    return here if here.exists() else Path.cwd() / "evaluation" / "gate.yaml"


def load_gate(path: str | Path | None = None) -> dict:
    """Read and check the gate file. Returns it with ``path`` added."""
    file = Path(path) if path else default_gate_path()
    if not file.exists():
        raise GateError(f"gate config {file} not found (pass --gate-config)")
    try:
        data = yaml.safe_load(file.read_text("utf-8"))
    except yaml.YAMLError as exc:
        raise GateError(f"{file}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict) or not data.get("version"):
        raise GateError(f"{file}: needs a 'version'")
    for section, keys in (("evaluate", _EVALUATE_KEYS), ("bias", _BIAS_KEYS)):
        _check_keys(file, section, data.get(section) or {}, keys)
        for model, over in (data.get("overrides") or {}).items():
            _check_keys(file, f"overrides.{model}.{section}", (over or {}).get(section) or {}, keys)
    data["path"] = str(file)
    return data


def _check_keys(file: Path, where: str, section: Any, keys: set[str]) -> None:
    if not isinstance(section, dict):
        raise GateError(f"{file}: '{where}' must be a mapping")
    unknown = set(section) - keys
    if unknown:
        raise GateError(f"{file}: '{where}': unknown keys {sorted(unknown)}; known: {sorted(keys)}")


def thresholds(gate: dict, section: str, model: str | None = None) -> dict:
    """The thresholds of one section, with the model's overrides applied."""
    out = dict(gate.get(section) or {})
    over = ((gate.get("overrides") or {}).get(model) or {}).get(section) or {}
    out.update(over)
    return out


def _check(name: str, value: float | None, op: str, limit: float | None) -> Check | None:
    if limit is None or value is None:
        return None
    ok = value >= limit if op == ">=" else value <= limit
    return Check(name, round(float(value), 6), op, float(limit), bool(ok))


def check_evaluation(result: dict, gate: dict) -> list[Check]:
    """Checks of one ``evaluate`` result (point estimates; the report shows their intervals)."""
    t = thresholds(gate, "evaluate", result["model"])
    c = result["classification"]
    m = result["model"]
    checks = [
        _check(f"{m}: flag precision", c["flag"]["precision"]["value"], ">=", t.get("min_flag_precision")),
        _check(f"{m}: flag recall", c["flag"]["recall"]["value"], ">=", t.get("min_flag_recall")),
        _check(f"{m}: macro-F1", c["macro"]["f1"]["value"], ">=", t.get("min_macro_f1")),
        _check(f"{m}: ECE", result["calibration"]["all"]["ece"], "<=", t.get("max_ece")),
    ]
    for typ, v in result["fpr_by_negative_type"].items():
        checks.append(_check(f"{m}: FPR on hard negatives '{typ}'", v["fpr"], "<=", t.get("max_fpr_per_negative_type")))
    return [x for x in checks if x is not None]


def check_bias(result: dict, gate: dict) -> list[Check]:
    """Checks of one ``bias`` result: flip rate and |score change| per attribute, FPR gap, CheckList."""
    t = thresholds(gate, "bias", result["model"])
    checks: list[Check | None] = []
    for attr, v in result["counterfactual"]["by_attribute"].items():
        checks.append(_check(f"counterfactual flip rate '{attr}'", v["flip_rate"], "<=",
                             t.get("max_counterfactual_flip_rate")))
        checks.append(_check(f"max |score change| '{attr}'", v["max_abs_change"], "<=", t.get("max_score_change")))
    gap, gap_limit = result["groups"].get("fpr_gap_pp"), t.get("max_group_fpr_gap_pp")
    if gap is None and gap_limit is not None:
        # a gated figure that was not measured (no labelled data) fails: the gate never passes on silence
        checks.append(Check("per-group FPR gap (pp, name origin): not measured, pass --data", float("nan"),
                            "<=", float(gap_limit), False))
    else:
        checks.append(_check("per-group FPR gap (pp, name origin)", gap, "<=", gap_limit))
    rates = t.get("min_checklist_pass_rate") or {}
    for suite, v in result["checklist"]["suites"].items():
        checks.append(_check(f"CheckList {suite} pass rate", v["pass_rate"], ">=", rates.get(suite)))
    return [x for x in checks if x is not None]


def summary(checks: list[Check], gate: dict) -> dict:
    """The gate outcome as it goes into reports and metrics.json."""
    return {"config": gate.get("path"), "version": str(gate.get("version")),
            "passed": all(c.ok for c in checks), "checks": [asdict(c) for c in checks]}


def failures_text(checks: list[Check]) -> str:
    """One line per missed threshold, for stderr."""
    return "\n".join(f"  {c.name}: {c.value:g} (must be {c.op} {c.limit:g})" for c in checks if not c.ok)
