"""Load lexicon and context-rule YAML files, validate them, fail loudly.

Every error names the file and the entry, as medspaCy's ``ConTextRule`` and
Presidio's ``Pattern`` checks do: a broken data file must stop the program at
start-up, not silently match nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jsonschema
import yaml

from flagging.match.patterns import PatternError, parse_pattern

#: The 13 category ids of ``shared/spec/signals.md``: stable API, in spec order.
CATEGORIES: tuple[str, ...] = (
    "sudden_wealth", "unknown_visitors", "debt_pressure", "drug_cultivation", "drug_dealing",
    "exploitation", "criminal_recruitment", "identity_misuse", "benefit_fraud", "care_fraud",
    "property_fraud", "intimidation", "child_abuse",
)
CONTEXT_KINDS: tuple[str, ...] = (
    "negated", "hypothetical", "historical", "other_experiencer", "general", "explained",
)


class LexiconError(ValueError):
    """A data file is invalid. The message names the file and the entry."""


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: the patterns that fire it, its weight and its examples."""

    id: str
    category: str
    kind: str
    weight: float
    patterns: tuple[str, ...]
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class Lexicon:
    """All entries of one category, from one versioned file."""

    category: str
    label: str
    version: str
    entries: tuple[Entry, ...]
    source: str = ""


@dataclass(frozen=True)
class ContextRule:
    """A ConText trigger, pseudo-trigger or terminator (see ``lexicons/nl/context.yaml``)."""

    id: str
    kind: str
    patterns: tuple[str, ...]
    direction: str = "forward"
    max_tokens: int = 8
    sentences: int = 0
    ends: tuple[str, ...] = ()
    examples: tuple[dict, ...] = field(default_factory=tuple)
    #: when set, the rule applies only to matches of these categories (an occasion explains visitors,
    #: not a billing of care hours); empty: every category
    categories: tuple[str, ...] = ()


def packaged_dir() -> Path:
    """The folder of packaged lexicons (``lexicons/`` in the repo, inside the wheel when installed).

    Importing ``flagging`` from a source checkout (tests run from the repo root) finds no
    ``flagging.lexicons`` package, which only the install maps: then it is the repo's ``lexicons/``.
    """
    try:
        return Path(str(resources.files("flagging.lexicons")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent.parent / "lexicons"


@lru_cache(maxsize=4)
def _schema(name: str) -> dict:
    return json.loads(resources.files("flagging").joinpath("schemas", name).read_text("utf-8"))


def _read_yaml(path: Path, schema: str) -> dict:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LexiconError(f"{path}: cannot read YAML: {exc}") from exc
    validator = jsonschema.Draft202012Validator(_schema(schema))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = "/".join(str(p) for p in err.absolute_path) or "(top)"
        entry = _entry_id(data, err.absolute_path)
        raise LexiconError(f"{path}: {where}{entry}: {err.message}")
    return data


def _entry_id(data, path) -> str:
    parts = list(path)
    if len(parts) >= 2 and parts[0] in ("entries", "rules") and isinstance(parts[1], int):
        try:
            return f" (entry {data[parts[0]][parts[1]].get('id', '?')})"
        except (AttributeError, IndexError, KeyError, TypeError):
            return ""
    return ""


def _check_patterns(path: Path, entry_id: str, patterns) -> tuple[str, ...]:
    for p in patterns:
        try:
            parse_pattern(p)
        except PatternError as exc:
            raise LexiconError(f"{path}: entry {entry_id}: {exc}") from exc
    return tuple(patterns)


def load_lexicon_file(path: Path) -> Lexicon:
    """Load and validate one category file."""
    data = _read_yaml(path, "lexicon.schema.json")
    category = data["category"]
    if category not in CATEGORIES:
        raise LexiconError(f"{path}: unknown category {category!r}; expected one of {', '.join(CATEGORIES)}")
    if path.stem != category:
        raise LexiconError(f"{path}: file name must be {category}.yaml")
    entries, seen = [], set()
    for raw in data["entries"]:
        eid = raw["id"]
        if not eid.startswith(category + "."):
            raise LexiconError(f"{path}: entry {eid}: id must start with '{category}.'")
        if eid in seen:
            raise LexiconError(f"{path}: entry {eid}: duplicate id")
        seen.add(eid)
        entries.append(Entry(
            id=eid, category=category, kind=raw["kind"], weight=float(raw["weight"]),
            patterns=_check_patterns(path, eid, raw["patterns"]),
            positive=tuple(raw["examples"]["positive"]), negative=tuple(raw["examples"]["negative"]),
            description=raw.get("description", ""),
        ))
    return Lexicon(category, data["label"], data["version"], tuple(entries), str(path))


def load_lexicons(directory: str | Path | None = None, categories=None) -> tuple[Lexicon, ...]:
    """Load every ``<category>.yaml`` in ``directory`` (default: the packaged ``nl`` lexicons)."""
    root = Path(directory) if directory else packaged_dir() / "nl"
    wanted = set(categories) if categories else None
    if wanted and not wanted <= set(CATEGORIES):
        raise LexiconError(f"unknown categories: {', '.join(sorted(wanted - set(CATEGORIES)))}")
    out = []
    for cat in CATEGORIES:
        if wanted and cat not in wanted:
            continue
        path = root / f"{cat}.yaml"
        if not path.exists():
            raise LexiconError(f"{path}: lexicon file for category {cat!r} is missing")
        out.append(load_lexicon_file(path))
    return tuple(out)


def load_abbreviations(path: str | Path | None = None) -> frozenset[str]:
    """Abbreviations whose period does not end a sentence (one per line, ``#`` comments)."""
    path = Path(path) if path else packaged_dir() / "nl" / "abbreviations.txt"
    lines = path.read_text("utf-8").splitlines()
    return frozenset(ln.strip() for ln in lines if ln.strip() and not ln.startswith("#"))


def load_context_rules(path: str | Path | None = None) -> tuple[ContextRule, ...]:
    """Load and validate the context rules (default: packaged ``nl/context.yaml``)."""
    path = Path(path) if path else packaged_dir() / "nl" / "context.yaml"
    data = _read_yaml(path, "context.schema.json")
    rules, seen = [], set()
    for raw in data["rules"]:
        rid = raw["id"]
        if rid in seen:
            raise LexiconError(f"{path}: rule {rid}: duplicate id")
        seen.add(rid)
        if raw.get("ends") and raw["kind"] not in ("terminate", "pseudo"):
            raise LexiconError(f"{path}: rule {rid}: only terminators and pseudo-triggers take 'ends'")
        if raw["kind"] == "terminate" and not raw.get("ends"):
            raise LexiconError(f"{path}: rule {rid}: a terminator must say which kinds it 'ends'")
        if raw.get("categories") and raw["kind"] in ("terminate", "pseudo"):
            raise LexiconError(f"{path}: rule {rid}: terminators and pseudo-triggers take no 'categories'")
        unknown = set(raw.get("categories", ())) - set(CATEGORIES)
        if unknown:
            raise LexiconError(f"{path}: rule {rid}: unknown categories {', '.join(sorted(unknown))}")
        rules.append(ContextRule(
            id=rid, kind=raw["kind"], patterns=_check_patterns(path, rid, raw["patterns"]),
            direction=raw.get("direction", "forward"), max_tokens=int(raw.get("max_tokens", 8)),
            sentences=int(raw.get("sentences", 0)), ends=tuple(raw.get("ends", ())),
            examples=tuple(raw.get("examples", ())), categories=tuple(raw.get("categories", ())),
        ))
    ids = {r.id for r in rules}
    for r in rules:
        bad = [e for e in r.ends if e not in CONTEXT_KINDS and e not in ids]
        if bad:
            raise LexiconError(f"{path}: rule {r.id}: 'ends' names no kind or rule: {', '.join(bad)}")
    return tuple(rules)
