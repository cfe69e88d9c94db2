"""Model inputs: redacted, normalised, identity-neutral text, and rule evidence.

Features are computed on redacted text only, after every identity word has
been replaced by a neutral token (:mod:`flagging.identity`), and with
placeholder numbers dropped ("[PERSOON-2]" -> "persoon"), so that no model
can learn who a client is, only what the note says happened.
"""

from __future__ import annotations

import re
import unicodedata

from flagging.identity import neutralize

_PLACEHOLDER = re.compile(r"\[([A-Z_]+)-([0-9a-f]+|[A-Z_]+)\]")


def model_text(redacted: str) -> str:
    """The text a model sees: lowercase, no diacritics, placeholders without numbers, identity neutral."""
    text = _PLACEHOLDER.sub(lambda m: " " + (m.group(1) if m.group(1) != "CTX" else "ctx" + m.group(2)).lower()
                            + " ", redacted)
    text = unicodedata.normalize("NFKD", text.lower())
    if not text.isascii():  # no ASCII character is a combining mark
        marks = [c for c in set(text) if unicodedata.combining(c)]
        if marks:
            text = text.translate(dict.fromkeys(map(ord, marks)))
    return neutralize(text)


def context_masked_text(text: str, evidence, redaction) -> str:
    """The redacted note with every *cancelled* lexicon match replaced by its context kind.

    "Geen wietlucht waargenomen" reaches the model as "Geen [CTX-NEGATED] waargenomen", so word
    n-grams of negated, hypothetical, historical, other-person, general or explained mentions
    cannot raise a score; uncancelled matches stay as written.
    """
    from flagging.redact.anonymize import Entity, render

    spans = list(redaction.entities)
    taken = [(e.start, e.end) for e in spans]
    for ev in evidence:
        kinds = ev.cancel_kinds
        if kinds and all(ev.char_end <= a or ev.char_start >= b for a, b in taken):
            spans.append(Entity("CTX", ev.char_start, ev.char_end, 1.0, f"[CTX-{kinds[0].upper()}]"))
            taken.append((ev.char_start, ev.char_end))
    return render(text, sorted(spans, key=lambda e: e.start))


def model_input(text: str, evidence, redaction, note_context: tuple[str, ...] = ()
                ) -> tuple[str, dict[str, float]]:
    """One model input: context-masked, redacted, identity-neutral text, and rule features."""
    return model_text(context_masked_text(text, evidence, redaction)), rule_features(evidence, note_context)


def rule_features(evidence, note_context: tuple[str, ...] = ()) -> dict[str, float]:
    """Rule evidence as sparse features: uncancelled entry weights, category sums, context kinds
    per category, and ``note:<kind>`` = 1.0 for each context kind triggered anywhere in the note
    (:func:`flagging.pipeline.note_context`)."""
    feats: dict[str, float] = {f"note:{k}": 1.0 for k in note_context or ()}
    for ev in evidence:
        kinds = ev.cancel_kinds
        if kinds:
            for k in kinds:
                key = f"ctx:{ev.category}:{k}"
                feats[key] = feats.get(key, 0.0) + 1.0
            continue
        feats[f"entry:{ev.entry.id}"] = max(feats.get(f"entry:{ev.entry.id}", 0.0), ev.entry.weight)
        key = f"cat:{ev.category}"
        feats[key] = 1.0 - (1.0 - feats.get(key, 0.0)) * (1.0 - ev.entry.weight)
    return feats
