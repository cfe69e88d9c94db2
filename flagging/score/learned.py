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
import re
import weakref
from array import array
from contextlib import contextmanager, nullcontext
from itertools import chain, pairwise
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from flagging.lexicon.loader import CATEGORIES, CONTEXT_KINDS

MODEL_FILE, META_FILE, VOCAB_FILE = "model.skops", "meta.json", "vocabulary.json"


class LearnedScorer(ClassifierMixin, BaseEstimator):
    """One-vs-rest calibrated logistic regression over text n-grams and rule evidence.

    ``X`` is a list of ``(model_text, rule_features)`` pairs (see :mod:`flagging.score.features`);
    ``Y`` a 0/1 matrix (n, len(categories)).
    """

    def __init__(self, use_text: bool = True, use_rules: bool = True, C: float = 4.0, calibration_cv: int = 3,
                 categories: tuple[str, ...] = CATEGORIES, random_state: int = 0, rules_weight: float = 1.0,
                 stacked: bool = True, context_veto: float = 0.1, note_context: bool = True):
        self.use_text = use_text
        self.note_context = note_context
        self.use_rules = use_rules
        self.rules_weight = rules_weight
        self.stacked = stacked
        self.context_veto = context_veto
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
                self.word_ = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=20000,
                                             dtype=np.float32)
                self.char_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=3, sublinear_tf=True,
                                             max_features=30000, dtype=np.float32)
                blocks += [self.word_.fit_transform(texts), self.char_.fit_transform(texts)]
            else:
                blocks += [_tfidf_transform(self.word_, texts), _tfidf_transform(self.char_, texts)]
        if self.use_rules:
            rules = [x[1] for x in X]
            if fit:
                self.rules_ = DictVectorizer()
                blocks.append(self.rules_.fit_transform(rules) * self.rules_weight)
            else:
                blocks.append(self.rules_.transform(rules) * self.rules_weight)
        return sparse.hstack(blocks).tocsr()

    # ----------------------------------------------------------- stacking
    _KINDS = CONTEXT_KINDS

    def _meta_features(self, text_prob: np.ndarray, rules: list[dict], j: int) -> np.ndarray:
        """Per category: the text model's logit, the uncancelled rule score, cancelled evidence by kind."""
        cat = self.categories[j]
        p = np.clip(text_prob, 1e-4, 1 - 1e-4)
        key = f"cat:{cat}"
        cols = [np.log(p / (1 - p)), np.array([r.get(key, 0.0) for r in rules])]
        for kind in self._KINDS:
            key = f"ctx:{cat}:{kind}"
            cols.append(np.array([min(r.get(key, 0.0), 3.0) for r in rules]))
        if self.note_context:
            # context triggers anywhere in the note: an explanation or denial no lexicon match carried
            for kind in self._KINDS:
                cols.append(np.array([r.get(f"note:{kind}", 0.0) for r in rules]))
        return np.column_stack(cols)

    def _veto(self, rules: list[dict], j: int) -> np.ndarray:
        """Context veto: where every lexicon match of the category is negated, hypothetical, historical,
        about someone else, general or explained, the note's words for it were already read in
        context; the text model cannot see that, so its probability is scaled by ``context_veto``."""
        cat = self.categories[j]
        prefix, key = f"ctx:{cat}:", f"cat:{cat}"
        return np.array([self.context_veto if (key not in r and any(k.startswith(prefix) for k in r))
                         else 1.0 for r in rules])

    @contextmanager
    def _text_block(self):
        """The stacked model's base reads the text block alone: ``use_rules`` off for the duration.
        Set directly: ``set_params`` inspects the signature on every call (a tenth of a scan's time)."""
        before, self.use_rules = self.use_rules, False
        try:
            yield self
        finally:
            self.use_rules = before

    def fit(self, X, Y):
        if self.use_text and self.use_rules and self.stacked:
            return self._fit_stacked(X, Y)
        return self._fit_flat(X, Y)

    def _fit_stacked(self, X, Y):
        """Text model per category, then a small logistic model over its out-of-fold logit and the
        category's rule evidence (uncancelled score and cancellations by context kind)."""
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        Y = np.asarray(Y)
        with self._text_block():
            M = self._matrix(X, fit=True)
        rules = [x[1] for x in X]
        self.models_, self.meta_models_ = [], []
        for j, _cat in enumerate(self.categories):
            y = Y[:, j]
            if len(set(y.tolist())) < 2 or y.sum() < self.calibration_cv * 2:
                self.models_.append(DummyClassifier(strategy="prior").fit(M[:1], y[:1]))
                self.meta_models_.append(None)
                continue
            base = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000,
                                      random_state=self.random_state)
            cv = StratifiedKFold(self.calibration_cv, shuffle=True, random_state=self.random_state)
            oof = cross_val_predict(base, M, y, cv=cv, method="predict_proba")[:, 1]
            self.models_.append(base.fit(M, y))
            meta = LogisticRegression(C=1.0, max_iter=1000, random_state=self.random_state)
            self.meta_models_.append(meta.fit(self._meta_features(oof, rules, j), y))
        self.thresholds_ = {c: 0.5 for c in self.categories}
        return self

    def _fit_flat(self, X, Y):
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
                # ensemble=False: one model on all training data, calibrated on cross-validated
                # predictions; a third of the size of a per-fold ensemble, so it ships in the wheel
                model = CalibratedClassifierCV(base, method="sigmoid", cv=self.calibration_cv, ensemble=False)
            else:
                model = base
            model.fit(M, y)
            self.models_.append(model)
        self.thresholds_ = {c: 0.5 for c in self.categories}
        return self

    def predict_proba(self, X) -> np.ndarray:
        if getattr(self, "meta_models_", None) is not None:
            with self._text_block():
                M = self._matrix(X)
            self._remember_batch(X, M)
            rules = [x[1] for x in X]
            cols = []
            for j, (m, meta) in enumerate(zip(self.models_, self.meta_models_, strict=True)):
                proba = m.predict_proba(M)
                text_p = proba[:, 1] if proba.shape[1] > 1 else np.full(M.shape[0], float(m.classes_[0]))
                p = text_p if meta is None else meta.predict_proba(self._meta_features(text_p, rules, j))[:, 1]
                cols.append(p * self._veto(rules, j))
            return np.column_stack(cols)
        M = self._matrix(X)
        self._remember_batch(X, M)
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
        if self.use_rules and getattr(self, "rules_", None) is not None:
            names += list(self.rules_.get_feature_names_out())
        return names

    def explain(self, x, category: str, k: int = 5) -> list[dict]:
        """The ``k`` features that raised ``category``'s score most for one input ``x``."""
        j = self.categories.index(category)
        stacked = getattr(self, "meta_models_", None) is not None
        with self._text_block() if stacked else nullcontext():
            cached = getattr(self, "_explain_row", None)
            if cached is not None and cached[0] is x:
                row = cached[1]
            else:
                row = self._batch_row(x)
                if row is None:
                    row = self._matrix([x]).tocoo()
                self._explain_row = (x, row)  # several categories of one note share its features
            names = self._names_cache()
        contrib = row.data * self._coef(j)[row.col]
        order = np.argsort(-contrib)[:k]
        return [{"feature": names[row.col[i]], "weight": round(float(contrib[i]), 4)}
                for i in order if contrib[i] > 0]

    def _remember_batch(self, X, M) -> None:
        """Keep the text matrix of the last ``predict_proba`` batch: ``explain`` on one of its inputs
        reads the input's row instead of vectorising the note again (rows are computed independently)."""
        X = list(X)
        self._last_batch = (X, {id(x): k for k, x in enumerate(X)}, M)

    def _batch_row(self, x):
        batch = getattr(self, "_last_batch", None)
        if batch is None:
            return None
        X, pos, M = batch
        k = pos.get(id(x))
        if k is None or X[k] is not x:
            return None
        return M[k].tocoo()

    def _names_cache(self) -> list[str]:
        if getattr(self, "_names", None) is None:
            self._names = self.feature_names()
        return self._names

    # ---------------------------------------------------------- persistence
    def save(self, folder: str | Path, meta: dict | None = None) -> Path:
        """Write ``model.skops`` (estimators), ``vocabulary.json`` (n-gram vocabularies) and ``meta.json``.

        Vocabularies go to plain JSON: skops would store every dict entry as its own object,
        which made a 50k-term model 28 MB instead of about 6 MB.
        """
        import skops.io as sio

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self._names = None
        self._last_batch = None
        vocab = {}
        for key in ("word_", "char_"):
            vec = getattr(self, key, None)
            if vec is not None:
                vec.stop_words_ = None  # the terms cut off by max_features: not needed to transform
                vocab[key] = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
        saved = {key: getattr(self, key).vocabulary_ for key in vocab}
        try:
            for key in vocab:
                getattr(self, key).vocabulary_ = None
            state = {"params": self.get_params(), "models": self.models_,
                     "meta_models": getattr(self, "meta_models_", None),
                     "word": getattr(self, "word_", None), "char": getattr(self, "char_", None),
                     "rules": getattr(self, "rules_", None)}
            sio.dump(state, folder / MODEL_FILE)
        finally:
            for key, v in saved.items():
                getattr(self, key).vocabulary_ = v
        (folder / VOCAB_FILE).write_text(json.dumps(vocab, ensure_ascii=False), "utf-8")
        info = {"format": 2, "kind": "flagging.learned_scorer.v1", "categories": list(self.categories),
                **(meta or {}), "thresholds": self.thresholds_}
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
        params.setdefault("note_context", False)  # saved before note context features existed
        obj = cls(**params)
        obj.models_ = state["models"]
        if state.get("meta_models") is not None:
            obj.meta_models_ = state["meta_models"]
        for attr, key in (("word_", "word"), ("char_", "char"), ("rules_", "rules")):
            if state[key] is not None:
                setattr(obj, attr, state[key])
        vocab_path = folder / VOCAB_FILE
        if vocab_path.exists():
            for key, terms in json.loads(vocab_path.read_text("utf-8")).items():
                getattr(obj, key).vocabulary_ = {t: i for i, t in enumerate(terms)}
        obj.thresholds_ = {c: float(meta["thresholds"][c]) for c in obj.categories}
        obj.meta_ = meta
        return obj


# ------------------------------------------------------------- fast transform
# TfidfVectorizer.transform spends most of its time in Python building n-gram strings. For the
# configurations used here the counts are computed the same way but with the n-grams of each
# word looked up once (char_wb n-grams never cross a space), then the vectorizer's own
# TfidfTransformer turns them into the identical tf-idf matrix.

_WORD_CACHE_MAX = 500_000


def _fast_kind(vec) -> str | None:
    """'word' or 'char_wb' where the vectorizer's settings are the ones the fast path reproduces."""
    p = vec.get_params()
    plain = (p["input"] == "content" and p["lowercase"] and p["preprocessor"] is None and p["tokenizer"] is None
             and p["stop_words"] is None and p["strip_accents"] is None and not p["binary"]
             and getattr(vec, "vocabulary_", None) is not None and hasattr(vec, "_tfidf"))
    if not plain:
        return None
    if p["analyzer"] == "char_wb":
        return "char_wb"
    if p["analyzer"] == "word" and p["token_pattern"] == r"(?u)\b\w\w+\b" and p["ngram_range"] == (1, 2):
        return "word"
    return None


def _char_wb_ids(vocab: dict, ngram_range: tuple[int, int], word: str) -> tuple[int, ...]:
    """Vocabulary ids of the char_wb n-grams of one word (sklearn's ``_char_wb_ngrams``), in order."""
    min_n, max_n = ngram_range
    w = " " + word + " "
    w_len = len(w)
    out = []
    for n in range(min_n, max_n + 1):
        offset = 0
        j = vocab.get(w[offset:offset + n])
        if j is not None:
            out.append(j)
        while offset + n < w_len:
            offset += 1
            j = vocab.get(w[offset:offset + n])
            if j is not None:
                out.append(j)
        if offset == 0:
            break
    return tuple(out)


def _counts(vec, kind: str, texts: list[str]):
    """The count matrix ``CountVectorizer.transform(texts)`` returns."""
    from sklearn import get_config

    cache = _WORD_IDS.setdefault(vec, {})
    vocab = vec.vocabulary_
    get = vocab.get
    cols = array("i")
    lengths = np.zeros(len(texts), dtype=np.int64)
    for r, doc in enumerate(texts):
        if not isinstance(doc, str):
            raise TypeError(f"model text must be str, not {type(doc).__name__}")
        doc = doc.lower()
        start = len(cols)
        if kind == "char_wb":
            words = doc.split()
            new = set(words).difference(cache)
            if new:
                if len(cache) + len(new) > _WORD_CACHE_MAX:
                    cache.clear()
                    new = set(words)
                for w in new:
                    cache[w] = _char_wb_ids(vocab, vec.ngram_range, w)
            cols.extend(chain.from_iterable(map(cache.__getitem__, words)))
        else:
            tokens = _TOKEN.findall(doc)
            cols.extend(j for j in map(get, tokens) if j is not None)
            cols.extend(j for j in map(get, map(" ".join, pairwise(tokens))) if j is not None)
        lengths[r] = len(cols) - start
    col_idx = np.frombuffer(cols, dtype=np.intc) if len(cols) else np.zeros(0, dtype=np.intc)
    row_idx = np.repeat(np.arange(len(texts), dtype=np.intc), lengths)
    data = np.ones(len(col_idx), dtype=vec.dtype)
    coo = sparse.coo_matrix((data, (row_idx, col_idx)), shape=(len(texts), len(vocab)))
    X = coo.tocsr()  # sums repeated n-grams into counts
    X.sum_duplicates()
    X.sort_indices()
    if get_config().get("sparse_interface", "spmatrix") == "sparray":
        X = sparse.csr_array(X)
    return X


_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_WORD_IDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # vectorizer -> {word: n-gram ids}


def _tfidf_transform(vec, texts: list[str]):
    """``vec.transform(texts)`` for a fitted TfidfVectorizer, faster for the settings used here."""
    kind = _fast_kind(vec)
    if kind is None:
        return vec.transform(texts)
    return vec._tfidf.transform(_counts(vec, kind, list(texts)), copy=False)
