"""Bias harness: identity must never move a suggestion (signals.md, "Identity of the client is never a signal").

Four views, because each catches what the others miss:

1. **Counterfactual swaps** on written templates (``lexicons/identity/templates.yaml``): change one
   attribute (name origin, gender, origin, religion, language, neighbourhood, income, age) and
   nothing else; any flag flip or score change is caused by identity alone.
2. **Per-group metrics** (fairlearn ``MetricFrame``) on real labelled notes whose PERSON mentions
   (found by the library's redactor) are replaced by names of each origin group: error rates
   per group on realistic text, where the templates may be too clean.
3. **Identity-term subgroup AUCs** (Borkan et al. 2019: subgroup, BPSN, BNSP) on the
   counterfactual set: does a group's presence shift the score distribution, even below threshold?
4. **CheckList suites** (Ribeiro et al. 2020, ``lexicons/identity/checklist.yaml``): minimum
   functionality, invariance (identity, typos, abbreviations, redaction placeholders) and
   directional (negation and "jaren geleden" lower the score).

Models are seen only through a *scorer*: a function from texts to ``(scores, flags)``, so the
harness measures rules, learned models or anything wrapped the same way.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from flagging.evaluation import require
from flagging.lexicon.loader import CATEGORIES, packaged_dir

Scored = tuple[dict[str, float], set[str]]
Scorer = Callable[[Sequence[str]], list[Scored]]

PERSON_SLOTS = ("name", "first_name", "surname")
ATTRIBUTES = ("origin_adj", "religion", "language", "neighbourhood", "income", "age")
_SLOT = re.compile(r"\{(\w+)\}")
_TITLE_TOKENS = {"mw", "mw.", "mevr", "mevr.", "mevrouw", "dhr", "dhr.", "meneer", "de", "heer", "dr", "dr.",
                 "fam", "fam.", "familie", "cl", "cl.", "client", "cliënt"}
_INITIAL = re.compile(r"^(?:[A-Z]\.)+$")


# -- data -------------------------------------------------------------------------------------------------------


def identity_dir() -> Path:
    return packaged_dir() / "identity"


def load_names(root: str | Path | None = None) -> dict[str, dict[str, list[str]]]:
    """Names per origin: ``{"moroccan": {"f": [...], "m": [...], "surnames": [...]}, ...}``."""
    base = Path(root) if root else identity_dir() / "names"
    out = {}
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        def read(name: str, folder: Path = folder) -> list[str]:
            return [x.strip() for x in (folder / name).read_text("utf-8").splitlines() if x.strip()]

        out[folder.name] = {"f": read("first_f.txt"), "m": read("first_m.txt"), "surnames": read("surnames.txt")}
    if not out:
        raise ValueError(f"{base}: no name lists")
    return out


def load_templates(path: str | Path | None = None) -> dict:
    """Templates, attribute values and reference filling; every slot must be known."""
    file = Path(path) if path else identity_dir() / "templates.yaml"
    data = yaml.safe_load(file.read_text("utf-8"))
    values, ref = data["values"], data["reference"]
    known = set(PERSON_SLOTS) | set(values["gender"]["f"]) | set(ATTRIBUTES)
    seen = set()
    for t in data["templates"]:
        if t["id"] in seen:
            raise ValueError(f"{file}: duplicate template id {t['id']}")
        seen.add(t["id"])
        unknown = set(_SLOT.findall(t["text"])) - known
        if unknown:
            raise ValueError(f"{file}: template {t['id']}: unknown slots {sorted(unknown)}")
        if t.get("signal") and not set(t.get("labels") or []) <= set(CATEGORIES):
            raise ValueError(f"{file}: template {t['id']}: unknown labels")
    for a in ATTRIBUTES:
        if str(ref[a]) not in values[a]:
            raise ValueError(f"{file}: reference value {ref[a]!r} of {a} is not among its values")
    return data


def load_checklist(path: str | Path | None = None) -> dict:
    file = Path(path) if path else identity_dir() / "checklist.yaml"
    return yaml.safe_load(file.read_text("utf-8"))


def fill(text: str, slots: dict[str, str]) -> str:
    """Fill ``{slot}`` markers; a slot without a value is an error (never a silent half-filled note)."""
    def repl(m: re.Match) -> str:
        if m.group(1) not in slots:
            raise KeyError(f"no value for slot {{{m.group(1)}}}")
        return slots[m.group(1)]

    return _SLOT.sub(repl, text)


# -- 1. counterfactual set -------------------------------------------------------------------------------------


@dataclass
class CounterfactualSet:
    """Unique filled notes (``rows``) and the one-attribute swaps between them (``pairs``)."""

    rows: list[dict] = field(default_factory=list)
    pairs: list[dict] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict)

    @property
    def texts(self) -> list[str]:
        return [r["text"] for r in self.rows]

    def add(self, text: str, template: dict, identity: dict[str, str]) -> int:
        if text not in self._index:
            self._index[text] = len(self.rows)
            self.rows.append({"text": text, "template": template["id"], "signal": bool(template.get("signal")),
                              "labels": list(template.get("labels") or []), "identity": identity})
        return self._index[text]


def _person(names: dict, origin: str, gender: str, key: str) -> dict[str, str]:
    rng = random.Random(key)
    first, surname = rng.choice(names[origin][gender]), rng.choice(names[origin]["surnames"])
    return {"first_name": first, "surname": surname, "name": f"{first} {surname}"}


def build_counterfactual_set(templates: dict, names: dict, *, names_per_cell: int = 1, seed: int = 13,
                             origins: Sequence[str] | None = None) -> CounterfactualSet:
    """Fill every template at its reference and with one attribute changed at a time.

    ``name``: for each gender, every origin's names against the reference origin's names;
    ``gender``: for each origin, the other gender against the template's own; other attributes:
    every value against the reference value (only where the template has the slot).
    """
    values, ref = templates["values"], {k: str(v) for k, v in templates["reference"].items()}
    origins = list(origins or names)
    cf = CounterfactualSet()
    for t in templates["templates"]:
        slots = set(_SLOT.findall(t["text"]))
        attrs = [a for a in ATTRIBUTES if a in slots]
        base_gender = t.get("gender", ref["gender"])
        has_person = bool(slots & (set(PERSON_SLOTS) | set(values["gender"]["f"])))

        def make(origin: str, gender: str, k: int, over: dict[str, str], t=t, attrs=attrs,
                 has_person=has_person) -> int:
            chosen = {a: over.get(a, ref[a]) for a in attrs}
            filled = {**_person(names, origin, gender, f"{seed}|{t['id']}|{origin}|{gender}|{k}"),
                      **values["gender"][gender], **{a: str(values[a][chosen[a]]) for a in attrs}}
            ident = {"name_origin": origin, "gender": gender, **chosen} if has_person else dict(chosen)
            return cf.add(fill(t["text"], filled), t, ident)

        for k in range(names_per_cell):
            ref_idx = make(ref["origin"], base_gender, k, {})
            if has_person:
                for g in values["gender"]:
                    r = make(ref["origin"], g, k, {})
                    for o in origins:
                        if o != ref["origin"]:
                            cf.pairs.append({"attribute": "name", "template": t["id"], "reference": ref["origin"],
                                             "group": o, "ref": r, "var": make(o, g, k, {})})
                other = [g for g in values["gender"] if g != base_gender]
                for o in origins:
                    for g in other:
                        cf.pairs.append({"attribute": "gender", "template": t["id"], "reference": base_gender,
                                         "group": g, "ref": make(o, base_gender, k, {}), "var": make(o, g, k, {})})
            if k:
                continue  # other attributes once per template: the person is not what they test
            for a in attrs:
                for v in values[a]:
                    if str(v) != ref[a]:
                        cf.pairs.append({"attribute": a, "template": t["id"], "reference": ref[a], "group": str(v),
                                         "ref": ref_idx, "var": make(ref["origin"], base_gender, 0, {a: str(v)})})
    return cf


def _change(a: Scored, b: Scored) -> tuple[float, str | None]:
    cats = set(a[0]) | set(b[0])
    best, which = 0.0, None
    for c in sorted(cats):
        d = abs(a[0].get(c, 0.0) - b[0].get(c, 0.0))
        if d > best:
            best, which = d, c
    return best, which


def _summarise(pairs: list[dict]) -> dict:
    n = len(pairs)
    changes = [p["abs_change"] for p in pairs]
    return {"pairs": n, "flips": sum(p["flip"] for p in pairs),
            "flip_rate": sum(p["flip"] for p in pairs) / n if n else 0.0,
            "category_changes": sum(p["categories_changed"] for p in pairs),
            "mean_abs_change": float(np.mean(changes)) if n else 0.0,
            "max_abs_change": float(np.max(changes)) if n else 0.0}


def counterfactual_metrics(cf: CounterfactualSet, scored: list[Scored], templates: dict) -> dict:
    """Flip rate and |score change| per attribute and per group; the largest changes; lexicon coverage."""
    pairs = []
    for p in cf.pairs:
        a, b = scored[p["ref"]], scored[p["var"]]
        change, cat = _change(a, b)
        pairs.append({**p, "flip": bool(a[1]) != bool(b[1]), "categories_changed": a[1] != b[1],
                      "abs_change": round(change, 6), "category": cat, "flag_ref": bool(a[1]), "flag": bool(b[1])})
    by_attr: dict[str, list[dict]] = defaultdict(list)
    by_group: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for p in pairs:
        by_attr[p["attribute"]].append(p)
        by_group[p["attribute"]][p["group"]].append(p)
    worst = sorted((p for p in pairs if p["flip"] or p["abs_change"] > 0),
                   key=lambda p: (-p["flip"], -p["abs_change"]))[:15]
    n_templates = len(templates["templates"])
    return {
        "templates": n_templates, "positive_templates": sum(bool(t.get("signal")) for t in templates["templates"]),
        "notes": len(cf.rows), "pairs": len(pairs),
        "by_attribute": {a: _summarise(v) for a, v in by_attr.items()},
        "by_group": {a: {g: _summarise(v) for g, v in gs.items()} for a, gs in by_group.items()},
        "worst": [{k: p[k] for k in ("template", "attribute", "reference", "group", "flag_ref", "flag", "abs_change",
                                     "category")} for p in worst],
        "not_identity_terms": not_identity_terms(templates),
    }


def not_identity_terms(templates: dict) -> dict[str, list[str]]:
    """Fill values that ``terms.yaml`` does not neutralise (so a learned model would see them as written)."""
    import unicodedata

    from flagging.identity import neutralize

    def norm(text: str) -> str:  # the normal form model features use (flagging.score.features.model_text)
        return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))

    out = {}
    for a in ATTRIBUTES:
        vals = [str(v) for v in templates["values"][a].values()]
        # ages are written "(46)" in the templates; the identity lexicon knows them in that form
        out[a] = [v for v in vals if neutralize(norm(f"({v})" if a == "age" else v)) == norm(
            f"({v})" if a == "age" else v)]
    return out


# -- 2. per-group metrics on labelled notes ----------------------------------------------------------------------


def _first_names(names: dict) -> dict[str, str]:
    """Lower-cased first name -> 'f' or 'm' over all origins (female wins a tie: used only to keep gender)."""
    out: dict[str, str] = {}
    for lists in names.values():
        for g in ("m", "f"):
            for n in lists[g]:
                out[n.lower()] = g
    return out


def _person_mentions(text: str, redactor: Any) -> list[tuple[int, int]]:
    return [(e.start, e.end) for e in redactor.analyze(text) if e.type == "PERSON"]


def substitute_names(text: str, spans: Sequence[tuple[int, int]], names: dict, origin: str, first_names: dict,
                     key: str) -> str:
    """Replace each PERSON span's first names and surnames with names of ``origin``, consistently within the note.

    Titles ("mw.", "dhr.") and initials ("R.") stay; a first name keeps its gender; the same
    original name always gets the same replacement, so "mw. Bouzid (Yasmina)" stays one person.
    """
    rng = random.Random(key)
    mapping: dict[str, str] = {}

    def new(kind: str, old: str, gender: str = "f") -> str:
        k = f"{kind}:{old.lower()}"
        if k not in mapping:
            pool = names[origin][gender] if kind == "first" else names[origin]["surnames"]
            mapping[k] = rng.choice(pool)
        return mapping[k]

    out, last = [], 0
    for start, end in sorted(spans):
        words = text[start:end].split()
        kept = []
        while words and (words[0].lower() in _TITLE_TOKENS or _INITIAL.match(words[0])):
            kept.append(words.pop(0))
        repl = list(kept)
        if words:
            g = first_names.get(words[0].lower().strip(".,"))
            if g and len(words) > 1:
                repl += [new("first", words[0], g), new("surname", " ".join(words[1:]))]
            elif g:
                repl.append(new("first", words[0], g))
            else:
                repl.append(new("surname", " ".join(words)))
        out += [text[last:start], " ".join(repl)]
        last = end
    out.append(text[last:])
    return "".join(out)


def group_dataset(notes: list[dict], redactor: Any, names: dict, origins: Sequence[str], seed: int = 13) -> dict:
    """Every note once per origin group, with only its PERSON names changed. Texts stay in memory only."""
    first = _first_names(names)
    spans = [_person_mentions(n["text"], redactor) for n in notes]
    rows = []
    for o in origins:
        for n, sp in zip(notes, spans, strict=True):
            rows.append({"id": n["id"], "group": o, "positive": bool(n.get("labels")),
                         "text": substitute_names(n["text"], sp, names, o, first, f"{seed}|{n['id']}|{o}")})
    return {"rows": rows, "mentions": sum(len(s) for s in spans), "notes_with_names": sum(bool(s) for s in spans),
            "source_notes": len(notes)}


def group_metrics(rows: list[dict], scored: list[Scored]) -> dict:
    """fairlearn MetricFrame per name-origin group: selection rate, FPR, TPR; gaps and equalized odds."""
    require("fairlearn")
    require("pandas")
    from fairlearn.metrics import (
        MetricFrame,
        count,
        demographic_parity_difference,
        equalized_odds_difference,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )

    y = np.array([r["positive"] for r in rows], dtype=int)
    pred = np.array([bool(s[1]) for s in scored], dtype=int)
    groups = np.array([r["group"] for r in rows])
    mf = MetricFrame(metrics={"selection_rate": selection_rate, "false_positive_rate": false_positive_rate,
                              "true_positive_rate": true_positive_rate, "n": count},
                     y_true=y, y_pred=pred, sensitive_features=groups)
    table = mf.by_group
    by_group = {str(g): {"n": int(table.loc[g, "n"]), **{k: float(table.loc[g, k]) for k in
                                                         ("selection_rate", "false_positive_rate",
                                                          "true_positive_rate")}} for g in table.index}
    fprs = [v["false_positive_rate"] for v in by_group.values()]
    tprs = [v["true_positive_rate"] for v in by_group.values()]
    per_note: dict[str, set] = defaultdict(set)
    for r, s in zip(rows, scored, strict=True):
        per_note[r["id"]].add(bool(s[1]))
    return {"by_group": by_group, "fpr_gap_pp": 100 * (max(fprs) - min(fprs)),
            "tpr_gap_pp": 100 * (max(tprs) - min(tprs)),
            "equalized_odds_difference": float(equalized_odds_difference(y, pred, sensitive_features=groups)),
            "demographic_parity_difference": float(demographic_parity_difference(y, pred,
                                                                                 sensitive_features=groups)),
            "notes_whose_flag_depends_on_names": sum(len(v) > 1 for v in per_note.values())}


# -- 3. subgroup AUCs ---------------------------------------------------------------------------------------------


def _auc(y: np.ndarray, s: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, s)) if 0 < y.sum() < len(y) else None


def subgroup_aucs(rows: list[dict], scored: list[Scored], min_size: int = 5) -> dict:
    """Subgroup, BPSN and BNSP AUC (Borkan et al. 2019) per identity group ``attribute=value``.

    Label: the template has a signal; score: the highest category score. Background: every
    other note of the set.
    """
    y = np.array([r["signal"] for r in rows], dtype=int)
    s = np.array([max(sc[0].values(), default=0.0) for sc in scored], dtype=float)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        for a, v in r["identity"].items():
            groups[f"{a}={v}"].append(i)
    out = {}
    for g in sorted(groups):
        mask = np.zeros(len(rows), dtype=bool)
        mask[groups[g]] = True
        if mask.sum() < min_size:
            continue
        bpsn = (~mask & (y == 1)) | (mask & (y == 0))
        bnsp = (~mask & (y == 0)) | (mask & (y == 1))
        out[g] = {"n": int(mask.sum()), "subgroup_auc": _auc(y[mask], s[mask]), "bpsn_auc": _auc(y[bpsn], s[bpsn]),
                  "bnsp_auc": _auc(y[bnsp], s[bnsp])}
    return {"overall_auc": _auc(y, s), "groups": out}


# -- 4. CheckList -----------------------------------------------------------------------------------------------


def _abbreviate(text: str, mapping: dict[str, str]) -> str:
    """Expand the abbreviations of ``mapping`` (whole words only)."""
    for short, full in mapping.items():
        text = re.sub(rf"(?<!\w){re.escape(short)}(?!\w)", full, text)
    return text


def checklist_cases(checklist: dict, templates: dict, names: dict, seed: int = 13) -> dict:
    """All CheckList cases as texts to score: MFT cases, INV pairs (written + from templates), DIR triples."""
    ref = {k: str(v) for k, v in templates["reference"].items()}
    inv = {kind: [(p["a"], p["b"]) for p in pairs] for kind, pairs in (checklist.get("inv") or {}).items()}
    abbr, placeholder = [], []
    for t in templates["templates"]:
        slots = set(_SLOT.findall(t["text"]))
        attrs = [a for a in ATTRIBUTES if a in slots]
        g = t.get("gender", ref["gender"])
        filled = {**_person(names, ref["origin"], g, f"{seed}|{t['id']}|{ref['origin']}|{g}|0"),
                  **templates["values"]["gender"][g], **{a: str(templates["values"][a][ref[a]]) for a in attrs}}
        text = fill(t["text"], filled)
        expanded = _abbreviate(text, checklist.get("abbreviations") or {})
        if expanded != text:
            abbr.append((text, expanded))
        if slots & set(PERSON_SLOTS):
            placeholder.append((text, fill(t["text"], {**filled, **dict.fromkeys(PERSON_SLOTS, "[PERSOON-1]")})))
    inv["abbreviation (templates)"] = abbr
    inv["placeholder (templates)"] = placeholder
    return {"mft": [(c.get("category"), c["text"]) for c in checklist.get("mft") or []], "inv": inv,
            "dir": [(d["category"], d["base"], kind, d[kind]) for d in checklist.get("dir") or []
                    for kind in ("negation", "historical") if d.get(kind)],
            "tolerance": float(checklist.get("tolerance", 0.05))}


def run_checklist(cases: dict, score: Scorer, cf_result: dict | None = None) -> dict:
    """Score every case and summarise pass rates per test and suite; list the failures."""
    tol = cases["tolerance"]
    texts = [t for _, t in cases["mft"]]
    texts += [x for pairs in cases["inv"].values() for p in pairs for x in p]
    texts += [x for c in cases["dir"] for x in (c[1], c[3])]
    uniq = list(dict.fromkeys(texts))
    got = dict(zip(uniq, score(uniq), strict=True))
    tests: list[dict] = []
    failures: list[dict] = []

    def record(suite: str, name: str, results: list[tuple[bool, str, str, str]]) -> None:
        ok = sum(r[0] for r in results)
        tests.append({"suite": suite, "name": name, "cases": len(results), "passed": ok,
                      "pass_rate": ok / len(results) if results else 1.0})
        failures.extend({"suite": suite, "test": name, "case": c, "expected": e, "got": g}
                        for passed, c, e, g in results if not passed)

    by_cat: dict[str, list] = defaultdict(list)
    for cat, text in cases["mft"]:
        flags = got[text][1]
        if cat:
            by_cat[cat].append((cat in flags, text, f"suggests {cat}", ", ".join(sorted(flags)) or "nothing"))
        else:
            by_cat["(no signal)"].append((not flags, text, "suggests nothing", ", ".join(sorted(flags))))
    for cat, res in by_cat.items():
        record("mft", cat, res)
    for kind, pairs in cases["inv"].items():
        res = []
        for a, b in pairs:
            change, _ = _change(got[a], got[b])
            same = bool(got[a][1]) == bool(got[b][1]) and change <= tol
            res.append((same, f"{a}  ⇄  {b}", f"same flag, |Δ| <= {tol}",
                        f"flag {bool(got[a][1])} → {bool(got[b][1])}, |Δ| {change:.3f}"))
        record("inv", kind, res)
    if cf_result is not None:
        res = [(not p["flip"] and p["abs_change"] <= tol, f"{p['template']}: {p['attribute']} {p['reference']} → "
                f"{p['group']}", f"same flag, |Δ| <= {tol}", f"flag {p['flag_ref']} → {p['flag']}, |Δ| "
                f"{p['abs_change']:.3f}") for p in cf_result["_pairs"]]
        record("inv", "identity swap (templates)", res)
    by_kind: dict[str, list] = defaultdict(list)
    for cat, base, kind, text in cases["dir"]:
        b, p = got[base][0].get(cat, 0.0), got[text][0].get(cat, 0.0)
        by_kind[kind].append((p < b, f"{base}  →  {text}", f"{cat} score below {b:.3f}", f"{p:.3f}"))
    for kind, res in by_kind.items():
        record("dir", f"{kind} lowers the score", res)
    suites = {}
    for suite in ("mft", "inv", "dir"):
        ts = [t for t in tests if t["suite"] == suite]
        n, ok = sum(t["cases"] for t in ts), sum(t["passed"] for t in ts)
        suites[suite] = {"cases": n, "passed": ok, "pass_rate": ok / n if n else 1.0}
    return {"tests": tests, "suites": suites, "failures": failures}


# -- running ----------------------------------------------------------------------------------------------------


def flagger_scorer(flagger: Any, batch_size: int = 128, n_process: int = 1) -> Scorer:
    """A scorer over a :class:`~flagging.suggest.Flagger`, caching by text (templates repeat across tests)."""
    cache: dict[str, Scored] = {}

    def score(texts: Sequence[str]) -> list[Scored]:
        todo = [t for t in dict.fromkeys(texts) if t not in cache]
        if todo:
            for t, s in zip(todo, flagger.scan_many(todo, batch_size=batch_size, n_process=n_process), strict=True):
                cache[t] = (dict(s.scores), set(s.categories))
        return [cache[t] for t in texts]

    return score


def run_bias(score: Scorer, *, redactor: Any, data_notes: list[dict] | None, data_name: str = "",
             templates: dict | None = None, checklist: dict | None = None, names: dict | None = None,
             names_per_cell: int = 1, seed: int = 13, progress: Callable[[str], None] | None = None) -> dict:
    """All four views. ``data_notes``: labelled notes for the per-group metrics (``None`` skips them)."""
    say = progress or (lambda _msg: None)
    templates = templates or load_templates()
    checklist = checklist or load_checklist()
    names = names or load_names()
    origins = sorted(names)
    cf = build_counterfactual_set(templates, names, names_per_cell=names_per_cell, seed=seed, origins=origins)
    say(f"counterfactual: {len(cf.rows)} notes, {len(cf.pairs)} pairs")
    cf_scored = score(cf.texts)
    cf_res = counterfactual_metrics(cf, cf_scored, templates)
    cf_pairs = []
    for p in cf.pairs:
        a, b = cf_scored[p["ref"]], cf_scored[p["var"]]
        change, _ = _change(a, b)
        cf_pairs.append({**p, "flip": bool(a[1]) != bool(b[1]), "abs_change": change, "flag_ref": bool(a[1]),
                         "flag": bool(b[1])})
    say("subgroup AUCs")
    sub = subgroup_aucs(cf.rows, cf_scored)
    groups: dict[str, Any] = {"skipped": True}
    if data_notes:
        say(f"per-group metrics: {len(data_notes)} notes x {len(origins)} name origins")
        ds = group_dataset(data_notes, redactor, names, origins, seed)
        g_scored = score([r["text"] for r in ds["rows"]])
        groups = {**group_metrics(ds["rows"], g_scored), "notes": len(ds["rows"]), "mentions": ds["mentions"],
                  "notes_with_names": ds["notes_with_names"], "source_notes": ds["source_notes"], "data": data_name,
                  "groups": origins}
    say("CheckList suites")
    ck = run_checklist(checklist_cases(checklist, templates, names, seed), score, {"_pairs": cf_pairs})
    return {"counterfactual": cf_res, "groups": groups, "subgroup_auc": sub, "checklist": ck,
            "params": {"names_per_cell": names_per_cell, "seed": seed, "templates_version": templates["version"],
                       "checklist_version": checklist["version"], "origins": origins}}


def flat_metrics(result: dict) -> dict[str, float]:
    """Scalar bias figures under stable names (MLflow metrics)."""
    out: dict[str, float] = {}
    for a, v in result["counterfactual"]["by_attribute"].items():
        out[f"cf_flip_rate_{a}"] = v["flip_rate"]
        out[f"cf_max_change_{a}"] = v["max_abs_change"]
        out[f"cf_mean_change_{a}"] = v["mean_abs_change"]
    attrs = result["counterfactual"]["by_attribute"].values()
    out["cf_flip_rate_max"] = max((v["flip_rate"] for v in attrs), default=0.0)
    out["cf_max_change_max"] = max((v["max_abs_change"] for v in attrs), default=0.0)
    g = result["groups"]
    if not g.get("skipped"):
        for k in ("fpr_gap_pp", "tpr_gap_pp", "equalized_odds_difference", "demographic_parity_difference"):
            out[f"group_{k}"] = g[k]
    s = result["subgroup_auc"]
    if s["overall_auc"] is not None:
        out["auc_overall"] = s["overall_auc"]
    for m in ("subgroup_auc", "bpsn_auc", "bnsp_auc"):
        vals = [v[m] for v in s["groups"].values() if v[m] is not None]
        if vals:
            out[f"min_{m}"] = min(vals)
    for suite, v in result["checklist"]["suites"].items():
        out[f"checklist_{suite}_pass_rate"] = v["pass_rate"]
    return {k: float(v) for k, v in out.items()}
