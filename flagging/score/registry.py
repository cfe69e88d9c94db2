"""Resolve a model reference to a loaded scorer.

- ``"default"``: the model shipped in the wheel (``models/default``), no MLflow needed;
- a local folder: a learned scorer (``model.skops`` + ``meta.json``) or a transformers
  sequence-classification model (``config.json``), loaded from disk only;
- ``"models:/NAME@ALIAS"`` or ``"runs:/..."``: an MLflow model (extra ``eval``), downloaded from the
  configured tracking store (default ``sqlite:///mlflow.db``) to a local folder first.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from flagging.score.learned import META_FILE, MODEL_FILE, LearnedScorer


def default_model_dir() -> Path:
    """``models/default`` inside the wheel, or in the repo when run from a source checkout."""
    try:
        return Path(str(resources.files("flagging.models"))) / "default"
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent.parent / "models" / "default"


class TransformerAdapter:
    """Gives a :class:`~flagging.score.transformer.TransformerScorer` the learned scorer's interface."""

    def __init__(self, scorer):
        self.scorer = scorer
        self.categories = tuple(scorer.categories)
        self.thresholds_ = dict(scorer.thresholds)
        self.meta_ = {"name": "transformer", "path": str(scorer.path)}

    def predict_proba(self, inputs):
        return self.scorer.predict_proba([x[0] for x in inputs])

    def explain(self, x, category, k=5):
        return []


@lru_cache(maxsize=8)
def resolve_model(spec: str):
    if spec == "default":
        folder = default_model_dir()
        if not (folder / MODEL_FILE).exists():
            raise FileNotFoundError(f"the packaged default model is missing at {folder}")
        return LearnedScorer.load(folder)
    if spec.startswith(("models:/", "runs:/")):
        from flagging.tracking import download_model

        return resolve_model(str(download_model(spec)))
    folder = Path(spec)
    if (folder / MODEL_FILE).exists() and (folder / META_FILE).exists():
        return LearnedScorer.load(folder)
    if (folder / "config.json").exists():
        from flagging.score.transformer import TransformerScorer

        return TransformerAdapter(TransformerScorer(str(folder)))
    raise FileNotFoundError(f"{spec}: not a flagging model folder (model.skops + meta.json) nor a transformers model")
