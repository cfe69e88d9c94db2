"""Lookup structures for names, places, streets and institutions.

Built once from Deduce's raw lists (``items.txt`` minus ``exceptions.txt``)
and this project's lists in ``lexicons/``, tokenised with the same spaCy
tokenizer as the notes, then cached as JSON in the user cache dir, keyed by
package versions and a hash of every source file. The first build shows a
progress bar on stderr and takes a few seconds; every later process loads
the cache.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import logging
import os
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import platformdirs
import spacy

from flagging.lexicon.loader import packaged_dir
from flagging.normalize import normalize_token

log = logging.getLogger(__name__)

CACHE_FORMAT = 3
ORIGINS = ("dutch", "moroccan", "turkish", "surinamese", "antillean", "polish", "romanian", "bulgarian",
           "syrian", "eritrean", "somali", "afghan", "ukrainian", "chinese")

# Deduce list folders (relative to deduce/data/lookup/src) -> our lookup name
_DEDUCE_SOURCES = {
    "first_names": ["names/lst_first_name"],
    "surnames": ["names/lst_surname", "names/lst_interfix_surname"],
    "interfixes": ["names/lst_interfix"],
    "titles": ["names/lst_prefix"],
    "places": ["locations/lst_placename/lst_residence", "locations/lst_placename/lst_municipality",
               "locations/lst_placename/lst_province", "locations/lst_placename/lst_region"],
    "streets": ["locations/lst_street"],
    "institutions": ["institutions/lst_healthcare_institution", "institutions/lst_hospital",
                     "institutions/lst_hospital_abbr"],
    "common_words": ["whitelist/lst_stop_word", "whitelist/lst_common_word", "whitelist/lst_medical_term"],
}


@dataclass
class Lookups:
    """Normalised token sequences per list. Single tokens in sets, longer ones by first token."""

    single: dict[str, set[str]]
    multi: dict[str, dict[str, list[tuple[str, ...]]]]

    def has(self, name: str, norm: str) -> bool:
        return norm in self.single[name]

    def longest(self, name: str, norms: list[str], i: int, max_len: int = 6) -> int:
        """Length of the longest multi-token item of list ``name`` starting at ``norms[i]`` (0: none)."""
        best = 0
        for seq in self.multi[name].get(norms[i], ()):
            n = len(seq)
            if n > best and tuple(norms[i:i + n]) == seq:
                best = n
        if not best and norms[i] in self.single[name]:
            best = 1
        return best


def _deduce_root() -> Path | None:
    # find_spec, not import: ``import deduce`` sets the root logger to DEBUG on stdout.
    spec = importlib.util.find_spec("deduce")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "lookup" / "src"


def _read_list(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [ln.strip() for ln in path.read_text("utf-8").splitlines() if ln.strip() and not ln.startswith("#")]


def _deduce_items(folder: Path) -> list[str]:
    """items.txt minus exceptions.txt of one Deduce list folder (and its sub-lists)."""
    out: list[str] = []
    for items in sorted(folder.rglob("items.txt")):
        exceptions = set(_read_list(items.parent / "exceptions.txt"))
        out += [x for x in _read_list(items) if x not in exceptions]
    for extra in sorted(folder.glob("streets_bag.txt")):
        out += _read_list(extra)
    return out


def _project_sources() -> dict[str, list[Path]]:
    lex = packaged_dir()
    names = lex / "identity" / "names"
    return {
        "first_names": [names / o / f for o in ORIGINS for f in ("first_f.txt", "first_m.txt")],
        "surnames": [names / o / "surnames.txt" for o in ORIGINS],
        "titles": [lex / "redact" / "titles.txt"],
        "places": [lex / "redact" / "countries.txt"],
        "keep_words": [lex / "redact" / "keep" / "common_nouns.txt"],
        "keep_institutions": [lex / "redact" / "keep" / "institutions.txt", lex / "redact" / "keep" / "brands.txt",
                              lex / "redact" / "keep" / "identity_terms.txt"],
    }


def _dutch_words_path() -> Path:
    return packaged_dir() / "redact" / "dutch_words.txt.gz"


def load_dutch_words() -> frozenset[str]:
    """~400k Dutch word forms (spaCy lookups data, see lexicons/redact/SOURCES.md): not names."""
    with gzip.open(_dutch_words_path(), "rt", encoding="utf-8") as fh:
        return frozenset(fh.read().split())


def _fingerprint() -> str:
    h = hashlib.sha256()
    for pkg in ("flagging", "deduce", "spacy"):
        try:
            h.update(f"{pkg}={metadata.version(pkg)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{pkg}=?;".encode())
    h.update(str(CACHE_FORMAT).encode())
    paths = [p for ps in _project_sources().values() for p in ps] + [_dutch_words_path()]
    root = _deduce_root()
    if root:
        paths += sorted(root.rglob("*.txt"))
    for p in paths:
        if p.exists():
            h.update(p.name.encode())
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()[:20]


def cache_dir() -> Path:
    return Path(os.environ.get("FLAGGING_CACHE_DIR") or platformdirs.user_cache_dir("flagging"))


def _build(progress: bool) -> dict[str, list[list[str]]]:
    from tqdm import tqdm

    raw: dict[str, list[str]] = {k: [] for k in [*_DEDUCE_SOURCES, "keep_words", "keep_institutions"]}
    root = _deduce_root()
    if root is None:
        log.warning("deduce is not installed: redaction lookups use the project's lists only")
    else:
        for key, folders in _DEDUCE_SOURCES.items():
            for folder in folders:
                raw[key] += _deduce_items(root / folder)
    for key, paths in _project_sources().items():
        for p in paths:
            raw[key] += _read_list(p)
    tokenizer = spacy.blank("nl").tokenizer
    out: dict[str, list[list[str]]] = {}
    total = sum(len(v) for v in raw.values())
    with tqdm(total=total, desc="flagging: building redaction lookups (once)", unit="item",
              disable=not progress, file=sys.stderr) as bar:
        for key, items in raw.items():
            seqs = set()
            for doc in tokenizer.pipe(dict.fromkeys(items), batch_size=2000):
                norms = tuple(n for n in (normalize_token(t.text) for t in doc if not t.is_space) if n)
                if norms:
                    seqs.add(norms)
                    if len(norms) > 1 and key in ("surnames", "places"):
                        # "El-Amrani" and "El Amrani" are written both ways
                        seqs.add(("".join(norms),))
                bar.update(1)
            out[key] = sorted(list(s) for s in seqs)
    return out


def _to_lookups(data: dict[str, list[list[str]]]) -> Lookups:
    single: dict[str, set[str]] = {}
    multi: dict[str, dict[str, list[tuple[str, ...]]]] = {}
    for key, seqs in data.items():
        single[key] = {s[0] for s in seqs if len(s) == 1}
        m: dict[str, list[tuple[str, ...]]] = {}
        for s in seqs:
            if len(s) > 1:
                m.setdefault(s[0], []).append(tuple(s))
        multi[key] = m
    return Lookups(single, multi)


_LOADED: Lookups | None = None


def load_lookups(progress: bool | None = None) -> Lookups:
    """The process-wide lookups: from the disk cache, or built (once) and cached."""
    global _LOADED
    if _LOADED is not None:
        return _LOADED
    key = _fingerprint()
    path = cache_dir() / f"lookups-{key}.json"
    data = None
    if path.exists():
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            data = None
    if data is None:
        show = sys.stderr.isatty() if progress is None else progress
        data = _build(show)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(json.dumps(data), "utf-8")
            tmp.replace(path)
            for old in path.parent.glob("lookups-*.json"):
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError as exc:  # a read-only home still works, just slower at start-up
            log.warning("cannot write lookup cache %s: %s", path, exc)
    lookups = _to_lookups(data)
    lookups.single["dutch_words"] = set(load_dutch_words())
    lookups.multi["dutch_words"] = {}
    _LOADED = lookups
    return _LOADED
