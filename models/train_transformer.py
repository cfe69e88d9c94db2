"""Fine-tune a transformer as flagging's optional learned scorer (multi-label, 13 categories).

    python models/train_transformer.py --train TRAIN.jsonl --dev DEV.jsonl \\
        --base LOCAL_MODEL_DIR --out OUT_DIR [--epochs 4 --lr 3e-5 --batch-size 16 \\
        --max-length 256 --seed 13 --device cpu --threads 0]

Needs the ``transformers`` extra: ``pip install "flagging[transformers]"``.

Input: JSONL files, one note a line, ``{"text": "...", "labels": ["drug_cultivation", ...]}``;
``labels`` holds category ids of ``flagging.lexicon.loader.CATEGORIES`` (empty for a note with no
signal); other fields are ignored.

**The notes must be redacted first** (``flagging.Redactor``, or the redaction step of the
pipeline) so that no name, address, BSN or other personal data goes into the training data or
the model's weights. This script does not redact.

**The base model must be on local disk**: a real run needs a Dutch pretrained checkpoint, e.g. a
RobBERT or BERTje checkpoint that the operator has copied into a local directory (with its
tokenizer files) beforehand. The script never downloads anything: ``--base`` is loaded with
``local_files_only=True`` and must be a directory.

What it does: a plain torch loop (AdamW with linear warm-up and decay, ``BCEWithLogitsLoss``,
gradient clipping) over the training notes; after each epoch it scores dev, prints per-category
F1 at 0.5 and at the per-category thresholds that maximise F1 on dev, and keeps the weights of
the epoch with the best dev macro-F1 (over the categories that have dev positives; ties go to the
lower dev loss). It then
writes ``OUT_DIR`` with ``save_pretrained`` (model and tokenizer; ``id2label`` = category ids,
``problem_type="multi_label_classification"``) and ``OUT_DIR/flagging_thresholds.json``
(thresholds, dev F1 and a short training log), which ``flagging.score.transformer.
TransformerScorer`` reads. A category with no positive note in dev keeps the threshold 0.5.

The dev F1 printed is optimistic (thresholds and epoch are picked on dev): report scores on a
held-out test set that took no part in training or selection.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from flagging.lexicon.loader import CATEGORIES
from flagging.score.transformer import DEFAULT_THRESHOLD, PROBLEM_TYPE, THRESHOLDS_FILE, require_backend


def read_jsonl(path: str | Path) -> list[tuple[str, list[str]]]:
    """``(text, labels)`` of each line of a JSONL file; errors name the file and the line."""
    path = Path(path)
    out = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc
            text, labels = rec.get("text") if isinstance(rec, dict) else None, rec.get("labels", [])
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"{path}:{n}: 'text' must be a non-empty string")
            if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                raise ValueError(f"{path}:{n}: 'labels' must be a list of category ids")
            unknown = sorted(set(labels) - set(CATEGORIES))
            if unknown:
                raise ValueError(f"{path}:{n}: unknown categories {unknown}")
            out.append((text, sorted(set(labels), key=CATEGORIES.index)))
    if not out:
        raise ValueError(f"{path}: no records")
    return out


def label_matrix(records: Sequence[tuple[str, list[str]]],
                 categories: Sequence[str] = CATEGORIES) -> np.ndarray:
    """0/1 matrix ``(n_records, n_categories)``."""
    index = {c: j for j, c in enumerate(categories)}
    y = np.zeros((len(records), len(categories)), dtype=np.float32)
    for i, (_, labels) in enumerate(records):
        for c in labels:
            y[i, index[c]] = 1.0
    return y


def f1_scores(probs: np.ndarray, y: np.ndarray, thresholds: Sequence[float]) -> np.ndarray:
    """Per-category F1 of ``probs >= threshold`` against ``y`` (0.0 where nothing is predicted or true)."""
    pred = probs >= np.asarray(thresholds, dtype=np.float64)[None, :]
    true = y > 0.5
    tp = (pred & true).sum(0).astype(np.float64)
    denom = pred.sum(0) + true.sum(0)
    return np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0)


def best_threshold(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """``(threshold, F1)`` maximising F1 of ``p >= threshold`` for one category.

    Candidates are cuts between distinct scores, placed halfway between the lowest flagged score
    and the next one down (0 below the lowest), so that a small numeric change of a score does not
    flip a dev decision. Among equal F1 the highest threshold wins (fewest suggestions). With no
    positive in ``y`` there is nothing to tune: ``(0.5, nan)``.
    """
    p, y = np.asarray(p, dtype=np.float64), np.asarray(y) > 0.5
    n_pos = int(y.sum())
    if n_pos == 0:
        return DEFAULT_THRESHOLD, float("nan")
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order]
    tp = np.cumsum(ys)
    k = np.arange(1, len(ps) + 1)
    f1 = 2 * tp / (k + n_pos)
    # Only cut where the next score is strictly lower (ties are flagged together).
    valid = np.append(ps[:-1] > ps[1:], True)
    best_f1, best_k = -1.0, None
    for i in np.flatnonzero(valid):
        if f1[i] > best_f1 + 1e-12:
            best_f1, best_k = float(f1[i]), i
    assert best_k is not None
    below = ps[best_k + 1] if best_k + 1 < len(ps) else 0.0
    return float((ps[best_k] + below) / 2), best_f1


def set_seed(seed: int) -> None:
    torch, transformers = require_backend()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    transformers.set_seed(seed)


def _batches(n: int, batch_size: int, rng: random.Random | None) -> list[list[int]]:
    idx = list(range(n))
    if rng is not None:
        rng.shuffle(idx)
    return [idx[i:i + batch_size] for i in range(0, n, batch_size)]


def predict(model: Any, tokenizer: Any, texts: Sequence[str], batch_size: int, max_length: int,
            device: Any) -> np.ndarray:
    """Sigmoid probabilities ``(n, num_labels)`` in the model's output order."""
    torch, _ = require_backend()
    model.eval()
    out = []
    with torch.inference_mode():
        for batch in _batches(len(texts), batch_size, None):
            enc = tokenizer([texts[i] for i in batch], padding=True, truncation=True, max_length=max_length,
                            return_tensors="pt").to(device)
            out.append(torch.sigmoid(model(**enc).logits.float()).cpu().numpy())
    return np.concatenate(out, axis=0).astype(np.float64)


def _macro(values: np.ndarray, mask: np.ndarray) -> float:
    return float(values[mask].mean()) if mask.any() else float("nan")


def train(train_path: str | Path, dev_path: str | Path, base: str | Path, out: str | Path, *,
          epochs: int = 4, lr: float = 3e-5, batch_size: int = 16, max_length: int = 256, seed: int = 13,
          weight_decay: float = 0.01, warmup: float = 0.1, max_grad_norm: float = 1.0, device: str = "cpu",
          log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Fine-tune ``base`` on ``train_path``, select on ``dev_path``, save to ``out``; return the summary.

    The summary is what ``out/flagging_thresholds.json`` holds: ``thresholds``, ``dev_f1`` (at
    those thresholds, best epoch), ``dev_positives``, ``best_epoch`` and ``epochs`` (a log line
    each).
    """
    say = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    torch, transformers = require_backend()
    base, out = Path(base), Path(out)
    if not base.is_dir():
        raise FileNotFoundError(f"base model directory not found: {base} (a local directory is needed; "
                                "nothing is downloaded)")
    if epochs < 1 or batch_size < 1 or lr <= 0:
        raise ValueError("epochs and batch_size must be >= 1 and lr > 0")
    train_recs, dev_recs = read_jsonl(train_path), read_jsonl(dev_path)
    y_train, y_dev = label_matrix(train_recs), label_matrix(dev_recs)
    train_texts, dev_texts = [t for t, _ in train_recs], [t for t, _ in dev_recs]
    missing = [c for j, c in enumerate(CATEGORIES) if y_train[:, j].sum() == 0]
    if missing:
        say(f"warning: no training positives for {missing}")
    dev_pos = y_dev.sum(0) > 0
    if not dev_pos.any():
        say("warning: dev has no positive for any category: thresholds stay 0.5, epoch picked on dev loss")

    set_seed(seed)
    dev = torch.device(device)
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(base), local_files_only=True)
    model = transformers.AutoModelForSequenceClassification.from_pretrained(
        str(base), local_files_only=True, num_labels=len(CATEGORIES), problem_type=PROBLEM_TYPE,
        id2label=dict(enumerate(CATEGORIES)), label2id={c: i for i, c in enumerate(CATEGORIES)},
        ignore_mismatched_sizes=True,
    )
    model.to(dev)

    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight", "norm.weight")
    params = [
        {"params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
         "weight_decay": weight_decay},
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(params, lr=lr)
    steps = epochs * len(_batches(len(train_texts), batch_size, None))
    warm = int(warmup * steps)

    def schedule(step: int) -> float:
        if step < warm:
            return (step + 1) / (warm + 1)
        return max(0.0, (steps - step) / max(1, steps - warm))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    rng = random.Random(seed)
    y_train_t = torch.from_numpy(y_train)

    history: list[dict[str, Any]] = []
    best: dict[str, Any] | None = None
    for epoch in range(1, epochs + 1):
        model.train()
        started, total, count = time.monotonic(), 0.0, 0
        for batch in _batches(len(train_texts), batch_size, rng):
            enc = tokenizer([train_texts[i] for i in batch], padding=True, truncation=True,
                            max_length=max_length, return_tensors="pt").to(dev)
            logits = model(**enc).logits
            loss = loss_fn(logits.float(), y_train_t[batch].to(dev))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if max_grad_norm > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
            optimizer.step()
            scheduler.step()
            total += float(loss.detach()) * len(batch)
            count += len(batch)

        probs = predict(model, tokenizer, dev_texts, batch_size, max_length, dev)
        f1_half = f1_scores(probs, y_dev, [DEFAULT_THRESHOLD] * len(CATEGORIES))
        tuned = [best_threshold(probs[:, j], y_dev[:, j]) for j in range(len(CATEGORIES))]
        thresholds = [t for t, _ in tuned]
        f1_tuned = f1_scores(probs, y_dev, thresholds)
        clipped = np.clip(probs, 1e-7, 1 - 1e-7)
        dev_loss = float(-(y_dev * np.log(clipped) + (1 - y_dev) * np.log(1 - clipped)).mean())
        row = {
            "epoch": epoch, "train_loss": round(total / max(1, count), 6), "dev_loss": round(dev_loss, 6),
            "dev_macro_f1_at_0.5": round(_macro(f1_half, dev_pos), 6),
            "dev_macro_f1_tuned": round(_macro(f1_tuned, dev_pos), 6),
            "seconds": round(time.monotonic() - started, 1),
        }
        history.append(row)
        say(f"epoch {epoch}/{epochs}: loss {row['train_loss']:.4f}, dev loss {dev_loss:.4f}, dev macro-F1 "
            f"{row['dev_macro_f1_at_0.5']:.3f} at 0.5, {row['dev_macro_f1_tuned']:.3f} tuned")
        for j, c in enumerate(CATEGORIES):
            if dev_pos[j]:
                say(f"  {c:<22} F1 {f1_half[j]:.3f} at 0.5, {f1_tuned[j]:.3f} at {thresholds[j]:.3f} "
                    f"({int(y_dev[:, j].sum())} dev positives)")
        # Keep the epoch with the best tuned dev macro-F1, then the lowest dev loss.
        score = (row["dev_macro_f1_tuned"] if dev_pos.any() else 0.0, -dev_loss)
        if best is None or score > best["score"]:
            best = {
                "score": score, "epoch": epoch, "thresholds": thresholds, "f1": f1_tuned,
                "state": {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()},
            }

    assert best is not None
    model.load_state_dict(best["state"])
    out.mkdir(parents=True, exist_ok=True)
    model.config.problem_type = PROBLEM_TYPE
    model.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    summary = {
        "thresholds": {c: round(float(best["thresholds"][j]), 6) for j, c in enumerate(CATEGORIES)},
        "dev_f1": {c: (round(float(best["f1"][j]), 6) if dev_pos[j] else None) for j, c in enumerate(CATEGORIES)},
        "dev_positives": {c: int(y_dev[:, j].sum()) for j, c in enumerate(CATEGORIES)},
        "best_epoch": best["epoch"],
        "epochs": history,
        "settings": {"epochs": epochs, "lr": lr, "batch_size": batch_size, "max_length": max_length,
                     "seed": seed, "weight_decay": weight_decay, "warmup": warmup,
                     "n_train": len(train_recs), "n_dev": len(dev_recs)},
    }
    (out / THRESHOLDS_FILE).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    say(f"saved to {out} (best epoch {best['epoch']})")
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", required=True, help="training JSONL (redacted notes)")
    ap.add_argument("--dev", required=True, help="dev JSONL (redacted notes), for thresholds and epoch")
    ap.add_argument("--base", required=True, help="LOCAL directory of the pretrained base model")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--max-length", type=int, default=256)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--warmup", type=float, default=0.1, help="fraction of steps of linear warm-up")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    args = ap.parse_args(argv)
    try:
        if args.threads > 0:
            require_backend()[0].set_num_threads(args.threads)
        train(args.train, args.dev, args.base, args.out, epochs=args.epochs, lr=args.lr,
              batch_size=args.batch_size, max_length=args.max_length, seed=args.seed,
              weight_decay=args.weight_decay, warmup=args.warmup, device=args.device)
    except (ImportError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
