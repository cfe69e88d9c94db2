"""The learned scorer: word and character n-grams plus rule evidence, one
calibrated linear model per category (scikit-learn estimator API).

``fit`` learns; nothing happens in ``__init__``. ``predict_proba`` returns
calibrated probabilities (CalibratedClassifierCV, sigmoid), so a score of 0.8
means about 80% of such suggestions were confirmed in development data.
``explain`` gives the terms that pushed a note's score up. Persisted with
skops (no pickle): ``save``/``load`` a folder with ``model.skops`` and
``meta.json`` (categories, per-category thresholds, training data hash,
metrics).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from flagging.lexicon.loader import CATEGORIES

MODEL_FILE, META_FILE = "model.skops", "meta.json"


class LearnedScorer(ClassifierMixin, BaseEstimator):
    """One-vs-rest calibrated logistic regression over text n-grams and rule evidence.

    ``X`` is a list of ``(model_text, rule_features)`` pairs (see :mod:`flagging.score.features`);
    ``Y`` a 0/1 matrix (n, len(categories)).
    """

    def __init__(self, use_text: bool = True, use_rules: bool = True, C: float = 4.0, calibration_cv: int = 3,
                 categories: tuple[str, ...] = CATEGORIES, random_state: int = 0):
        self.use_text = use_text
        self.use_rules = use_rules
        self.C = C
        self.calibration_cv = calibration_cv
        self.categories = categories
        self.random_state = random_state

    # -------------------------------------------------------------- features
    def _matrix(self, X, fit: bool = False):
        blocks = []
        texts = [x[0] for x in X]
        if self.use_text:
            if fit:
                self.word_ = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=60000)
                self.char_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=3, sublinear_tf=True,
                                             max_features=80000)
                blocks += [self.word_.fit_transform(texts), self.char_.fit_transform(texts)]
            else:
                blocks += [self.word_.transform(texts), self.char_.transform(texts)]
        if self.use_rules:
            rules = [x[1] for x in X]
            if fit:
                self.rules_ = DictVectorizer()
                blocks.append(self.rules_.fit_transform(rules) * 2.0)
            else:
                blocks.append(self.rules_.transform(rules) * 2.0)
        return sparse.hstack(blocks).tocsr()

    def fit(self, X, Y):
        Y = np.asarray(Y)
        M = self._matrix(X, fit=True)
        self.models_ = []
        for j, _cat in enumerate(self.categories):
            y = Y[:, j]
            if len(set(y.tolist())) < 2:  # no positive (or no negative) example: a constant prior
                self.models_.append(DummyClassifier(strategy="prior").fit(M[:1], y[:1]))
                continue
            base = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000,
                                      random_state=self.random_state)
            if y.sum() >= self.calibration_cv * 2:
                model = CalibratedClassifierCV(base, method="sigmoid", cv=self.calibration_cv)
            else:
                model = base
            model.fit(M, y)
            self.models_.append(model)
        self.thresholds_ = {c: 0.5 for c in self.categories}
        return self

    def predict_proba(self, X) -> np.ndarray:
        M = self._matrix(X)
        cols = []
        for m in self.models_:
            proba = m.predict_proba(M)
            cols.append(proba[:, 1] if proba.shape[1] > 1 else np.full(M.shape[0], float(m.classes_[0])))
        return np.column_stack(cols)

    def predict(self, X) -> np.ndarray:
        P = self.predict_proba(X)
        thr = np.array([self.thresholds_[c] for c in self.categories])
        return (P >= thr).astype(int)

    # ---------------------------------------------------------- explanation
    def _coef(self, j: int) -> np.ndarray:
        m = self.models_[j]
        if isinstance(m, DummyClassifier):
            return np.zeros(len(self._names_cache()))
        if isinstance(m, CalibratedClassifierCV):
            return np.mean([c.estimator.coef_[0] for c in m.calibrated_classifiers_], axis=0)
        return m.coef_[0]

    def feature_names(self) -> list[str]:
        names = []
        if self.use_text:
            names += [f"w:{t}" for t in self.word_.get_feature_names_out()]
            names += [f"c:{t}" for t in self.char_.get_feature_names_out()]
        if self.use_rules:
            names += list(self.rules_.get_feature_names_out())
        return names

    def explain(self, x, category: str, k: int = 5) -> list[dict]:
        """The ``k`` features that raised ``category``'s score most for one input ``x``."""
        j = self.categories.index(category)
        row = self._matrix([x]).tocoo()
        contrib = row.data * self._coef(j)[row.col]
        names = self._names_cache()
        order = np.argsort(-contrib)[:k]
        return [{"feature": names[row.col[i]], "weight": round(float(contrib[i]), 4)}
                for i in order if contrib[i] > 0]

    def _names_cache(self) -> list[str]:
        if getattr(self, "_names", None) is None:
            self._names = self.feature_names()
        return self._names

    # ---------------------------------------------------------- persistence
    def save(self, folder: str | Path, meta: dict | None = None) -> Path:
        import skops.io as sio

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self._names = None
        state = {"params": self.get_params(), "models": self.models_,
                 "word": getattr(self, "word_", None), "char": getattr(self, "char_", None),
                 "rules": getattr(self, "rules_", None)}
        sio.dump(state, folder / MODEL_FILE)
        info = {"format": 1, "kind": "flagging.learned_scorer.v1", "categories": list(self.categories),
                "thresholds": self.thresholds_, **(meta or {})}
        (folder / META_FILE).write_text(json.dumps(info, indent=2, ensure_ascii=False), "utf-8")
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> LearnedScorer:
        import skops.io as sio

        folder = Path(folder)
        path = folder / MODEL_FILE
        untrusted = sio.get_untrusted_types(file=path)
        allowed = {t for t in untrusted if t.startswith(("sklearn.", "numpy.", "scipy.", "builtins."))}
        if set(untrusted) - allowed:
            raise ValueError(f"{path}: refusing unexpected types {sorted(set(untrusted) - allowed)}")
        state = sio.load(path, trusted=sorted(allowed))
        meta = json.loads((folder / META_FILE).read_text("utf-8"))
        params = dict(state["params"])
        params["categories"] = tuple(params["categories"])
        obj = cls(**params)
        obj.models_ = state["models"]
        for attr, key in (("word_", "word"), ("char_", "char"), ("rules_", "rules")):
            if state[key] is not None:
                setattr(obj, attr, state[key])
        obj.thresholds_ = {c: float(meta["thresholds"][c]) for c in obj.categories}
        obj.meta_ = meta
        return obj
