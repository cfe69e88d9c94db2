"""MLflow logging for training and evaluation (extra ``eval``).

The default tracking store is a local SQLite file (``sqlite:///mlflow.db`` in
the working directory), never a server that must be started;
``MLFLOW_TRACKING_URI`` or ``--tracking-uri`` choose another. Imports are
guarded: the runtime install has no MLflow.
"""

from __future__ import annotations

import os
import tempfile
from importlib.util import find_spec
from pathlib import Path

DEFAULT_URI = "sqlite:///mlflow.db"
EXAMPLE_NOTE = ("HB bij cl. Er hing een zoete lucht in de gang en de ramen boven waren afgeplakt. "
                "Cl. wilde niet dat ik naar boven ging.")


def available() -> bool:
    return find_spec("mlflow") is not None


def _mlflow(uri: str | None):
    if not available():
        raise ImportError('MLflow is not installed: pip install "flagging[eval]"')
    import mlflow

    mlflow.set_tracking_uri(uri or os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_URI)
    return mlflow


def _pyfunc_class():
    import mlflow.pyfunc

    class FlaggingModel(mlflow.pyfunc.PythonModel):
        """Raw note text in (column ``text``), calibrated probability per category out.

        Redaction runs inside the model, so the scorer only ever sees redacted text.
        """

        def load_context(self, context):
            from flagging.score.learned import LearnedScorer
            from flagging.suggest import Flagger

            self.flagger = Flagger(model=LearnedScorer.load(context.artifacts["model_dir"]))

        def predict(self, context, model_input, params=None):
            import pandas as pd

            texts = list(model_input["text"]) if hasattr(model_input, "columns") else list(model_input)
            rows = [s.scores for s in self.flagger.scan_many(texts)]
            return pd.DataFrame(rows)

    return FlaggingModel


def log_training(summary: dict, model_dir: str | Path, *, experiment: str = "flagging", run_name: str | None = None,
                 registered_name: str | None = "flagging-default", alias: str | None = "candidate",
                 uri: str | None = None) -> dict:
    """Log params, metrics, data hash and the model (pyfunc, signature, input example); register + alias."""
    mlflow = _mlflow(uri)
    import pandas as pd
    from mlflow.models import infer_signature

    from flagging.lexicon.loader import CATEGORIES

    mlflow.set_experiment(experiment)
    with mlflow.start_run(run_name=run_name) as run:
        mlflow.log_params(summary["params"])
        mlflow.log_param("data_hash", summary["meta"]["data_hash"])
        mlflow.set_tag("intended_use", "suggest only; a person decides")
        mlflow.log_metrics({k: float(v) for k, v in summary["metrics"].items()})
        example = pd.DataFrame({"text": [EXAMPLE_NOTE]})
        output = pd.DataFrame([{c: 0.0 for c in CATEGORIES}])
        info = mlflow.pyfunc.log_model(
            name="model", python_model=_pyfunc_class()(), artifacts={"model_dir": str(model_dir)},
            signature=infer_signature(example, output), input_example=example,
            registered_model_name=registered_name)
        version = None
        if registered_name:
            client = mlflow.MlflowClient()
            version = max(int(v.version) for v in client.search_model_versions(f"name='{registered_name}'"))
            if alias:
                client.set_registered_model_alias(registered_name, alias, str(version))
        return {"run_id": run.info.run_id, "model_uri": info.model_uri, "registered": registered_name,
                "version": version, "alias": alias}


def log_evaluation(metrics: dict, report_dir: str | Path | None, *, run_name: str, experiment: str = "flagging-eval",
                   params: dict | None = None, uri: str | None = None) -> str:
    mlflow = _mlflow(uri)
    mlflow.set_experiment(experiment)
    with mlflow.start_run(run_name=run_name) as run:
        if params:
            mlflow.log_params(params)
        mlflow.log_metrics({k: float(v) for k, v in metrics.items() if isinstance(v, (int, float))})
        if report_dir:
            mlflow.log_artifacts(str(report_dir), artifact_path="report")
        return run.info.run_id


def download_model(spec: str, uri: str | None = None) -> Path:
    """Local folder of the flagging model inside an MLflow model (``models:/NAME@ALIAS``)."""
    mlflow = _mlflow(uri)
    dst = Path(tempfile.mkdtemp(prefix="flagging-model-"))
    local = Path(mlflow.artifacts.download_artifacts(artifact_uri=spec, dst_path=str(dst)))
    for candidate in [local / "artifacts" / "model_dir", *local.rglob("meta.json")]:
        folder = candidate if candidate.is_dir() else candidate.parent
        if (folder / "model.skops").exists():
            return folder
    raise FileNotFoundError(f"{spec}: no flagging model (model.skops) inside the MLflow model")
