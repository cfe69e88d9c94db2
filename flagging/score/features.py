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

_PLACEHOLDER = re.compile(r"\[([A-Z_]+)-[0-9a-f]+\]")


def model_text(redacted: str) -> str:
    """The text a model sees: lowercase, no diacritics, placeholders without numbers, identity neutral."""
    text = _PLACEHOLDER.sub(lambda m: " " + m.group(1).lower() + " ", redacted)
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return neutralize(text)


def rule_features(evidence) -> dict[str, float]:
    """Rule evidence as sparse features: uncancelled entry weights, category sums, context kinds."""
    feats: dict[str, float] = {}
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
