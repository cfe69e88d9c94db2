"""Identity terms (``lexicons/identity/terms.yaml``): words that say who a client is.

Principle 3: origin, nationality, religion, language, gender, age,
neighbourhood or benefit status must not move a score. :func:`neutralize`
rewrites every such word to a neutral token of its group (gendered words to
a neutral word of the same role: "zoon"/"dochter" -> "kind") before any model
feature is computed, so no model can learn them. The bias harness uses the
same lists to swap them.

A swap of one identity value for another must leave the *whole* model text
unchanged, not only the identity word, so besides the word itself
:func:`neutralize` also rewrites what grammar makes it drag along:

* a group may list ``articles`` (income: "een", "de", "het"): an article right
  before a term is part of the term ("inkomen uit een WW-uitkering" and
  "inkomen uit salaris" both read "inkomen uit inkomensbron");
* gendered pronouns map by form, not by role, because "haar" is both object
  and possessive and "zijn" both possessive and verb: "hij", "zij" -> "ze" (already
  neutral: she and they); "hem", "haar", "zijn", "z'n", "d'r" -> "diens";
* a term may span words ("niet gelovig", "de heer"), so a negation or article
  that belongs to the identity value goes with it;
* ages written as numbers ("38 jaar", "15-jarige", "82 jr", "(38)", "(38, ...)",
  "leeftijd: 38", "hij is 38, ...") become the one word "leeftijd" ("5 jaar geleden"
  is no age and stays);
* a gender letter in a bracketed description ("(v, 38)", "(m)") becomes "x".
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
    articles: tuple[str, ...] = ()


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
    return tuple(IdentityGroup(name, g["token"], tuple(g["terms"]), dict(g.get("map") or {}),
                               tuple(g.get("articles") or ()))
                 for name, g in data["groups"].items())


def _first_char(term: str) -> str | None:
    """The character a match of ``term`` starts with; ``None``: any (a leading wildcard)."""
    first = term.split()[0]
    return None if first.startswith("*") or not first.strip("*") else first.strip("*")[0]


def _literal(term: str) -> str:
    """The longest word of ``term`` without its wildcards: a text without it cannot match the term."""
    return max((w.strip("*") for w in term.split()), key=len)


@lru_cache(maxsize=2)
def _pieces(path: str | None = None):
    """The alternatives in the order one flat alternation tries them: ``(regex, group, article or None,
    first character of the term or None, literal)`` (per group, longer terms first, each first with
    and then without one of its group's articles)."""
    groups = load_identity_groups(path)
    pieces = []
    for g in groups:
        for term in sorted(g.terms, key=len, reverse=True):
            regex, first, lit = _term_regex(term), _first_char(term), _literal(term)
            # "(?:(?:een|de)\s+)?T" tries "een\s+T", "de\s+T", "T" in this order
            pieces += [(rf"{re.escape(a)}\s+{regex}", g, a, first, lit) for a in g.articles]
            pieces.append((regex, g, None, first, lit))
    if any(not a or any(c.isspace() for c in a) for p in pieces if (a := p[2]) is not None):
        # an article of several words could start another's: articles go into the term's regex
        pieces = [(rf"(?:(?:{'|'.join(map(re.escape, g.articles))})\s+)?{_term_regex(term)}" if g.articles
                   else _term_regex(term), g, None, None if g.articles else _first_char(term), _literal(term))
                  for g in groups for term in sorted(g.terms, key=len, reverse=True)]
    literals = sorted({p[4] for p in pieces})
    return tuple(pieces), literals


@lru_cache(maxsize=4096)
def _compiled(path: str | None = None, present: frozenset[str] | None = None):
    r"""One regex for the terms; ``owners[i]`` is the group of the term whose match is capture group ``i``.

    ``present``: only the terms whose literal (:func:`_literal`) is in it; the others cannot match the
    text at hand, so leaving them out changes no match. A note holds few identity words, so its regex
    is small (cached per set of literals).

    It matches what one flat alternation matches: at a word start the alternatives are tried in order
    (per group, longer terms first, each first with and then without one of its group's articles) and
    the first that ends a word wins. Only that is slow (some 300 alternatives at every word start), so
    the alternatives are dispatched on what the text at the word start can be: an article and the
    first character after it (``(?=de\s+m)``), or else the first character (``(?=m)``). Each branch
    holds, in their original order, every alternative that can match there; the branches exclude each
    other, except that a word start in an article branch whose alternatives all fail goes on to its
    first character's branch, whose alternatives it has tried already.
    """
    pieces = [p for p in _pieces(path)[0] if present is None or p[4] in present]
    articles = sorted({p[2] for p in pieces if p[2] is not None})
    owners: list[IdentityGroup | None] = [None]  # capture groups count from 1

    def branch(lookahead: str, selected) -> str:
        parts = []
        for regex, g, *_ in selected:
            parts.append(f"({regex})")
            owners.append(g)
        return f"{lookahead}(?:{'|'.join(parts)})" if parts else ""

    def plain(p, c: str) -> bool:  # an alternative without an article that can start with ``c``
        return p[2] is None and (p[3] is None or p[3] == c)

    branches = []
    for a in articles:
        after = sorted({p[3] for p in pieces if p[2] == a and p[3] is not None})
        for c in after:
            branches.append(branch(rf"(?={re.escape(a)}\s+{re.escape(c)})",
                                   [p for p in pieces if (p[2] == a and p[3] in (None, c)) or plain(p, a[0])]))
        branches.append(branch(rf"(?={re.escape(a)}\s)",
                               [p for p in pieces if (p[2] == a and p[3] is None) or plain(p, a[0])]))
    chars = sorted({p[3] for p in pieces if p[2] is None and p[3] is not None})
    for c in chars:
        branches.append(branch(rf"(?={re.escape(c)})", [p for p in pieces if plain(p, c)]))
    not_listed = rf"(?![{''.join(map(re.escape, chars))}])" if chars else ""
    branches.append(branch(not_listed, [p for p in pieces if p[2] is None and p[3] is None]))
    body = "|".join(b for b in branches if b)
    rx = re.compile(r"(?<!\w)(?:" + body + r")(?!\w)") if body else None
    return rx, owners


# ages written as numbers: "15-jarige", "15 jaar", "82 jr", "(15)", "(38, moslim)", "(v, 38)", "leeftijd: 38",
# "hij is 38, ..." (a bare number of two digits after "is"/"was", closed by punctuation or "en")
_AGE = re.compile(r"(?<![\w-])\d{1,3}\s*(?:-?\s*jarige?|jaar oud|jaar|jr\.?)(?!\w)(?!\s+geleden)"
                  r"|(?<=\()\s*\d{1,3}(?=\s*[,;)])"
                  r"|(?<=[,;] )\d{1,3}(?=\))"
                  r"|(?<!\w)leeftijd\s*:?\s*\d{1,3}(?!\w)"
                  r"|(?<=(?<!\w)is )\d{1,2}(?![.,]\d)(?=\s*[,.;)]|\s+en\s)"
                  r"|(?<=(?<!\w)was )\d{1,2}(?![.,]\d)(?=\s*[,.;)]|\s+en\s)")

# a gender letter in a bracketed description: "(v, 38)", "(m)", "(38, v)"
_GENDER_LETTER = re.compile(r"(?<=\()\s*[mv](?=\s*[,;)])|(?<=[,;] )[mv](?=\))")


def neutralize(text: str, path: str | None = None) -> str:
    """Replace identity words in a *normalised* (lowercase, no diacritics) text with neutral tokens.

    Origin, religion and language words -> "identiteit", neighbourhood types -> "wijktype", income
    sources -> "inkomensbron" (each with a preceding article, where its group lists ``articles``),
    age words and numeric ages -> "leeftijd", gendered words -> the neutral word of their role from
    the group's ``map`` (see the module docstring for pronouns). Longer terms win over shorter ones;
    matches are whole words.
    """
    text = _GENDER_LETTER.sub("x", _AGE.sub("leeftijd", text))
    rx, owners = _compiled(path, frozenset(lit for lit in _pieces(path)[1] if lit in text))
    if rx is None:
        return text

    def repl(m: re.Match) -> str:
        group = owners[m.lastindex]
        return group.mapping.get(" ".join(m.group(0).split()), group.token.lower())

    return rx.sub(repl, text)
