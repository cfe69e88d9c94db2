"""One defaults file, user config merged over it (Deduce's ``base_config.json`` idea)."""

from __future__ import annotations

import copy
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def default_config() -> dict[str, Any]:
    return yaml.safe_load(resources.files("flagging").joinpath("config", "defaults.yaml").read_text("utf-8"))


def load_config(user: str | Path | dict | None = None, **overrides: Any) -> dict[str, Any]:
    """Defaults, then a user file or dict, then keyword overrides that are not None."""
    cfg = default_config()
    if isinstance(user, (str, Path)):
        loaded = yaml.safe_load(Path(user).read_text("utf-8")) or {}
        if not isinstance(loaded, dict):
            raise ValueError(f"{user}: a config file must hold a mapping")
        cfg = _merge(cfg, loaded)
    elif isinstance(user, dict):
        cfg = _merge(cfg, user)
    for key, value in overrides.items():
        if value is not None:
            cfg[key] = value
    threshold = cfg.get("threshold")
    if not isinstance(threshold, (int, float)) or not 0.0 < float(threshold) <= 1.0:
        raise ValueError(f"threshold must be a number in (0, 1], got {threshold!r}")
    return cfg
