"""Optional learned scorer: a fine-tuned transformer (multi-label sequence classification).

Needs the ``transformers`` extra (``pip install "flagging[transformers]"``): torch and
transformers are imported only when a model is loaded, never when ``flagging`` is imported.

The model is read from a LOCAL directory only (``from_pretrained(path, local_files_only=True)``):
nothing is ever downloaded. Such a directory is written by ``models/train_transformer.py``; it
holds the model, its tokenizer and, optionally, ``flagging_thresholds.json`` with the
per-category thresholds picked on dev data. Its config must have one label per category id of
:data:`flagging.lexicon.loader.CATEGORIES` (``id2label``) and be a multi-label classifier: each
category gets its own sigmoid probability.

The scorer gives probabilities; like the rule score, they only back a *suggestion* that a
person may review. Texts must be redacted by the caller before they reach :meth:`predict_proba`.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from flagging.lexicon.loader import CATEGORIES

#: Per-category thresholds, written next to the model by ``models/train_transformer.py``.
THRESHOLDS_FILE = "flagging_thresholds.json"
DEFAULT_THRESHOLD = 0.5
PROBLEM_TYPE = "multi_label_classification"
INSTALL_HINT = 'pip install "flagging[transformers]"'


def require_backend() -> tuple[Any, Any]:
    """Import and return ``(torch, transformers)``, or raise a clear ``ImportError``."""
    missing = [name for name in ("torch", "transformers") if importlib.util.find_spec(name) is None]
    if missing:
        raise ImportError(
            f"the transformer scorer needs {' and '.join(missing)}, which "
            f"{'is' if len(missing) == 1 else 'are'} not installed: {INSTALL_HINT}"
        )
    return importlib.import_module("torch"), importlib.import_module("transformers")


def read_thresholds(path: str | Path, categories: Sequence[str]) -> dict[str, float]:
    """Thresholds of ``path/flagging_thresholds.json``, 0.5 for each category it does not give.

    The file is either ``{"thresholds": {category: float, ...}, ...}`` (as the training script
    writes it) or a flat ``{category: float, ...}``. Unknown categories or values outside [0, 1]
    are errors that name the file.
    """
    out = {c: DEFAULT_THRESHOLD for c in categories}
    file = Path(path) / THRESHOLDS_FILE
    if not file.is_file():
        return out
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{file}: cannot read thresholds: {exc}") from exc
    if isinstance(data, Mapping) and "thresholds" in data:
        data = data["thresholds"]
    if not isinstance(data, Mapping):
        raise ValueError(f"{file}: expected an object of category -> threshold")
    for cat, value in data.items():
        if cat not in out:
            raise ValueError(f"{file}: unknown category {cat!r} (the model has {list(categories)})")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0 \
                or math.isnan(value):
            raise ValueError(f"{file}: threshold of {cat!r} must be a number in [0, 1], got {value!r}")
        out[cat] = float(value)
    return out


class TransformerScorer:
    """Per-category probabilities from a fine-tuned sequence-classification model on disk.

    >>> scorer = TransformerScorer("/srv/models/flagging-robbert")   # doctest: +SKIP
    >>> scorer.predict_proba(["<redacted note>"]).shape              # doctest: +SKIP
    (1, 13)

    Columns follow :attr:`categories`: the model's labels in :data:`CATEGORIES` order, whatever
    the order of the model's output units.
    """

    def __init__(self, path: str | Path, batch_size: int = 16, max_length: int = 256,
                 device: str = "cpu") -> None:
        if int(batch_size) < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size!r}")
        if int(max_length) < 8:
            raise ValueError(f"max_length must be >= 8, got {max_length!r}")
        self.path = Path(path)
        self.batch_size = int(batch_size)
        self.max_length = int(max_length)
        self.device = str(device)
        self._config: Any = None
        self._model: Any = None
        self._tokenizer: Any = None
        self._columns: list[int] | None = None
        self._inputs: frozenset[str] | None = None
        self._categories: tuple[str, ...] | None = None
        self._thresholds: dict[str, float] | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r}, device={self.device!r})"

    # -- config --------------------------------------------------------------------------------

    def _check_dir(self) -> None:
        # A path that is not a directory would be taken for a hub repo id: refuse it here.
        if not self.path.is_dir():
            raise FileNotFoundError(f"model directory not found: {self.path} (models are loaded from a "
                                    "local directory only, never downloaded)")
        if not (self.path / "config.json").is_file():
            raise FileNotFoundError(f"{self.path}: no config.json; not a saved transformers model")

    def _load_config(self) -> Any:
        if self._config is None:
            _, transformers = require_backend()
            self._check_dir()
            config = transformers.AutoConfig.from_pretrained(str(self.path), local_files_only=True)
            self._categories, self._columns = self._label_columns(config)
            self._config = config
        return self._config

    def _label_columns(self, config: Any) -> tuple[tuple[str, ...], list[int]]:
        """The categories (CATEGORIES order) and, for each, its output unit in the model."""
        problem = getattr(config, "problem_type", None)
        if problem not in (None, PROBLEM_TYPE):
            raise ValueError(f"{self.path}: problem_type is {problem!r}; the scorer needs {PROBLEM_TYPE!r}")
        id2label = {int(i): str(label) for i, label in (getattr(config, "id2label", None) or {}).items()}
        if sorted(id2label) != list(range(int(config.num_labels))):
            raise ValueError(f"{self.path}: id2label does not name each of the {config.num_labels} outputs")
        unit = {}
        for i, label in sorted(id2label.items()):
            if label not in CATEGORIES:
                raise ValueError(f"{self.path}: label {label!r} of output {i} is not a category id "
                                 f"(expected ids of flagging.lexicon.loader.CATEGORIES)")
            if label in unit:
                raise ValueError(f"{self.path}: label {label!r} names two outputs")
            unit[label] = i
        categories = tuple(c for c in CATEGORIES if c in unit)
        return categories, [unit[c] for c in categories]

    @property
    def categories(self) -> tuple[str, ...]:
        """Category ids of the model (from its config's ``id2label``), in CATEGORIES order."""
        self._load_config()
        assert self._categories is not None
        return self._categories

    @property
    def thresholds(self) -> dict[str, float]:
        """Category -> threshold, from ``flagging_thresholds.json`` in the model dir, else 0.5 each."""
        if self._thresholds is None:
            self._thresholds = read_thresholds(self.path, self.categories)
        return dict(self._thresholds)

    # -- model ---------------------------------------------------------------------------------

    def load(self) -> TransformerScorer:
        """Load model and tokenizer from the local directory, once. Returns ``self``."""
        if self._model is not None:
            return self
        torch, transformers = require_backend()
        config = self._load_config()
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
        model = transformers.AutoModelForSequenceClassification.from_pretrained(
            str(self.path), config=config, local_files_only=True)
        model.to(torch.device(self.device))
        model.eval()
        # Tokenizers may add inputs the model does not take (token_type_ids for DistilBERT, say).
        self._inputs = frozenset(inspect.signature(model.forward).parameters)
        self._tokenizer, self._model = tokenizer, model
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Sigmoid probabilities, shape ``(len(texts), len(categories))``, columns as :attr:`categories`.

        ``texts`` must already be redacted. Inputs longer than ``max_length`` tokens are truncated.
        """
        if isinstance(texts, str):
            raise TypeError("predict_proba takes a list of texts, not one string")
        texts = list(texts)
        for i, t in enumerate(texts):
            if not isinstance(t, str):
                raise TypeError(f"text {i} is {type(t).__name__}, not str")
        self.load()
        assert self._columns is not None and self._inputs is not None
        if not texts:
            return np.zeros((0, len(self._columns)), dtype=np.float64)
        torch, _ = require_backend()
        device = torch.device(self.device)
        columns = torch.tensor(self._columns, dtype=torch.long, device=device)
        out = []
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                batch = texts[start:start + self.batch_size]
                enc = self._tokenizer(batch, padding=True, truncation=True, max_length=self.max_length,
                                      return_tensors="pt")
                enc = {k: v.to(device) for k, v in enc.items() if k in self._inputs}
                logits = self._model(**enc).logits
                out.append(torch.sigmoid(logits.float()).index_select(1, columns).cpu().numpy())
        return np.concatenate(out, axis=0).astype(np.float64)
