"""Identity terms (``lexicons/identity/terms.yaml``): words that say who a client is.

Principle 3: origin, nationality, religion, language, gender, age,
neighbourhood or benefit status must not move a score. :func:`neutralize`
rewrites every such word to a neutral token of its group (gendered words to
a neutral word of the same role: "zoon"/"dochter" -> "kind") before any model
feature is computed, so no model can learn them. The bias harness uses the
same lists to swap them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from flagging.lexicon.loader import packaged_dir


@dataclass(frozen=True)
class IdentityGroup:
    name: str
    token: str
    terms: tuple[str, ...]
    mapping: dict


def _term_regex(term: str) -> str:
    words = term.split()
    parts = []
    for w in words:
        core = re.escape(w.strip("*"))
        # wildcards run through hyphens: "wajong-uitkering", "ww-uitkering" are one identity word
        if w.startswith("*") and w.endswith("*"):
            parts.append(rf"[\w-]*{core}[\w-]*")
        elif w.startswith("*"):
            parts.append(rf"[\w-]*{core}")
        elif w.endswith("*"):
            parts.append(rf"{core}[\w-]*")
        else:
            parts.append(core)
    return r"\s+".join(parts)


@lru_cache(maxsize=2)
def load_identity_groups(path: str | None = None) -> tuple[IdentityGroup, ...]:
    file = Path(path) if path else packaged_dir() / "identity" / "terms.yaml"
    data = yaml.safe_load(file.read_text("utf-8"))
    return tuple(IdentityGroup(name, g["token"], tuple(g["terms"]), dict(g.get("map") or {}))
                 for name, g in data["groups"].items())


@lru_cache(maxsize=2)
def _compiled(path: str | None = None):
    groups = load_identity_groups(path)
    alternatives, owners = [], []
    for g in groups:
        for term in sorted(g.terms, key=len, reverse=True):
            alternatives.append(f"(?P<g{len(owners)}>{_term_regex(term)})")
            owners.append(g)
    rx = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")
    return rx, owners


# ages written as numbers: "15-jarige", "15 jaar", "(15)", "82 jr"
_AGE = re.compile(r"(?<![\w-])\d{1,3}\s*(?:-?\s*jarige?|jaar oud|jaar|jr\.?)(?!\w)|(?<=\()\d{1,2}(?=\))")


def neutralize(text: str, path: str | None = None) -> str:
    """Replace identity words in a *normalised* (lowercase, no diacritics) text with neutral tokens."""
    rx, owners = _compiled(path)
    text = _AGE.sub("leeftijd", text)

    def repl(m: re.Match) -> str:
        group = owners[int(m.lastgroup[1:])]
        return group.mapping.get(m.group(0), group.token.lower())

    return rx.sub(repl, text)
