"""``flagging``: scan, redact and check lexicons from the command line.

Exit codes (stable):
  0  every input line gave a result
  1  fatal: input unreadable, invalid configuration or lexicon, lexicon check failed
  2  usage error (bad arguments)
  3  finished, but some input lines gave error records (see their ``error.code``)
Records go to stdout (or ``-o``); progress, the summary line and logs go to stderr only,
so stdout stays pure JSON Lines and no log line can leak note content.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from flagging.lexicon.loader import CATEGORIES

EXIT_OK, EXIT_FATAL, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


def _add_io(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", metavar="IN", help="JSON Lines file with 'id' and 'text' per line ('-' = stdin)")
    p.add_argument("-o", "--output", default="-", help="output JSON Lines file (default: stdout)")
    p.add_argument("--max-chars", type=int, default=None, help="longest accepted note in characters")
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary line")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flagging",
        description="Suggest review flags for signals of undermining in Dutch case notes. "
                    "Suggests only: a person decides; nothing is reported, filed or sent.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command")

    scan = sub.add_parser("scan", help="scan notes and suggest review flags (JSONL in, JSONL out)")
    _add_io(scan)
    scan.add_argument("--threshold", type=float, default=None, help="operating threshold in (0, 1] (default: the model's per-category thresholds; 0.4 for the rule score)")
    scan.add_argument("--categories", nargs="+", choices=CATEGORIES, metavar="CATEGORY",
                      help="only these categories (default: all 13)")
    scan.add_argument("--config", help="YAML config merged over the defaults")
    scan.add_argument("--lexicon-dir", help="folder with <category>.yaml lexicons (default: packaged)")
    scan.add_argument("--context-rules", help="context rules YAML (default: packaged)")
    scan.add_argument("--no-redact", action="store_true",
                      help="skip redaction: records carry offsets only, no text or snippets")
    scan.add_argument("--n-process", type=int, default=1, help="worker processes (default 1)")
    scan.add_argument("--model", default=None,
                      help="'rules' (rule score only), 'default' (packaged model), a model folder, "
                           "or models:/NAME@ALIAS from MLflow (default: config scoring.model)")

    redact = sub.add_parser("redact", help="redact personal data (JSONL in, JSONL out)")
    _add_io(redact)
    redact.add_argument("--key-env", metavar="VAR",
                        help="environment variable holding an HMAC key: placeholders become pseudonyms "
                             "that are stable across notes (the key is never stored)")

    train = sub.add_parser("train", help="train the learned scorer (extra 'eval' for MLflow logging)")
    train.add_argument("corpus", help="labelled JSONL (text, labels, split = train|dev)")
    train.add_argument("-o", "--out", required=True, help="output model folder")
    train.add_argument("--target-precision", type=float, default=0.9,
                       help="per-category thresholds are chosen on dev for this precision")
    train.add_argument("--no-rules", action="store_true", help="text features only (no rule evidence)")
    train.add_argument("--no-text", action="store_true", help="rule evidence only")
    train.add_argument("--C", type=float, default=4.0, help="inverse regularisation of the linear models")
    train.add_argument("--name", default="flagging-default", help="registered model name in MLflow")
    train.add_argument("--alias", default="candidate", help="alias set on the registered version")
    train.add_argument("--tracking-uri", default=None, help="MLflow tracking URI (default sqlite:///mlflow.db)")
    train.add_argument("--no-mlflow", action="store_true", help="do not log to MLflow")

    lex = sub.add_parser("lexicon", help="lexicon tools")
    lex_sub = lex.add_subparsers(dest="lexicon_command")
    check = lex_sub.add_parser("check", help="validate every lexicon and context file and run all examples")
    check.add_argument("--lexicon-dir")
    check.add_argument("--context-rules")
    check.add_argument("-v", "--verbose", action="store_true", help="list every failure")

    ev = sub.add_parser("evaluate", help="measure a model on labelled notes: P/R/F1 with bootstrap intervals, "
                                         "PR curves, calibration, hard-negative FPR; HTML/Markdown/JSON report")
    ev.add_argument("data", metavar="DATA", help="labelled JSONL (id, text, labels, negative_type)")
    ev.add_argument("--model", default=None,
                    help="'rules', 'default', a model folder or models:/NAME@ALIAS (default: rules)")
    ev.add_argument("--predictions", metavar="FILE",
                    help="an external model's predictions (JSONL: id, scores, optional flags/threshold)")
    ev.add_argument("--compare", nargs="+", metavar="SPEC",
                    help="several model specs or prediction files, one side-by-side table")
    ev.add_argument("--threshold", type=float, default=None, help="operating threshold for this library's models")
    _add_eval_common(ev)
    ev.add_argument("--bootstrap", type=int, default=1000, help="bootstrap draws (default 1000)")
    ev.add_argument("--seed", type=int, default=20261129, help="bootstrap seed")

    bias = sub.add_parser("bias", help="identity bias: counterfactual swaps, per-group metrics, subgroup AUCs, "
                                       "CheckList suites; HTML/Markdown/JSON report")
    bias.add_argument("--model", default="rules",
                      help="'rules', 'default', a model folder or models:/NAME@ALIAS (default: rules)")
    bias.add_argument("--data", default=None,
                      help="labelled JSONL for the per-group metrics (default: evaluation/data/dev.jsonl)")
    bias.add_argument("--no-groups", action="store_true", help="skip the per-group metrics on labelled notes")
    bias.add_argument("--templates", help="counterfactual templates (default: lexicons/identity/templates.yaml)")
    bias.add_argument("--checklist", help="CheckList cases (default: lexicons/identity/checklist.yaml)")
    bias.add_argument("--names-per-cell", type=int, default=1,
                      help="names per template, origin and gender (default 1)")
    bias.add_argument("--seed", type=int, default=13, help="seed of the name sampling")
    bias.add_argument("--n-process", type=int, default=1, help="worker processes for scanning")
    _add_eval_common(bias)

    from flagging.cli.service_cmds import add_parsers as add_service_parsers

    add_service_parsers(sub)
    return parser


def _add_eval_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--report", required=True, metavar="DIR", help="report folder (index.html, summary.md, JSON)")
    p.add_argument("--gate", action="store_true", help="exit 4 when a threshold of the gate config is missed")
    p.add_argument("--gate-config", help="gate thresholds (default: evaluation/gate.yaml)")
    p.add_argument("--no-mlflow", action="store_true", help="do not log to MLflow")
    p.add_argument("--tracking-uri", default=None, help="MLflow tracking URI (default sqlite:///mlflow.db)")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--quiet", action="store_true", help="no progress lines")


@contextmanager
def _open_in(path: str) -> Iterator[tuple[IO[bytes], int | None]]:
    if path == "-":
        yield sys.stdin.buffer, None
    else:
        with open(path, "rb") as fh:
            yield fh, os.fstat(fh.fileno()).st_size


@contextmanager
def _open_out(path: str) -> Iterator[IO[str]]:
    if path == "-":
        yield sys.stdout
    else:
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            yield fh


def _write(out: IO[str], rec: dict[str, Any]) -> None:
    out.write(json.dumps(rec, ensure_ascii=False) + "\n")


def _scan_error(err) -> dict[str, Any]:
    return {"id": err.id, "status": "error", "flag": False, "categories": [], "signals": [],
            "redacted_text": None, "error": err.as_dict()}


def _redact_error(err) -> dict[str, Any]:
    return {"id": err.id, "status": "error", "redacted_text": None, "entities": [], "error": err.as_dict()}


class _Progress:
    """tqdm over input bytes on stderr for files; silent for pipes or --quiet."""

    def __init__(self, total: int | None, quiet: bool, desc: str):
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit="B", unit_scale=True, desc=desc, file=sys.stderr,
                        disable=quiet or total is None, leave=False)

    def lines(self, stream: IO[bytes]) -> Iterator[bytes]:
        for raw in stream:
            self.bar.update(len(raw))
            yield raw[:-1] if raw.endswith(b"\n") else raw

    def close(self) -> None:
        self.bar.close()


def _run_batches(args, make_record, make_error, process_batch, desc: str, max_chars: int,
                 max_line_bytes: int) -> int:
    from flagging.io.jsonl import InputError, Note, parse_stream

    counts = {"notes": 0, "errors": 0, "flagged": 0}
    started = time.perf_counter()
    with _open_in(args.input) as (stream, size), _open_out(args.output) as out:
        progress = _Progress(size, args.quiet, desc)
        batch: list[Note | InputError] = []

        def flush() -> None:
            notes = [b for b in batch if isinstance(b, Note)]
            results: dict[int, Any] = {}
            if notes:
                try:
                    for note, res in zip(notes, process_batch([n.text for n in notes]), strict=True):
                        results[note.line] = res
                except Exception:  # one bad batch must not kill the run: retry note by note
                    for note in notes:
                        try:
                            results[note.line] = next(iter(process_batch([note.text])))
                        except Exception as exc:  # noqa: BLE001 - reported as a record, never dropped
                            logging.getLogger("flagging").debug("note on line %d failed", note.line,
                                                                exc_info=True)
                            results[note.line] = InputError(note.line, "internal_error",
                                                            f"line {note.line}: {type(exc).__name__}", note.id)
            for item in batch:
                counts["notes"] += 1
                res = results.get(item.line, item) if isinstance(item, Note) else item
                if isinstance(res, InputError):
                    counts["errors"] += 1
                    _write(out, make_error(res))
                else:
                    rec = make_record(item, res)
                    counts["flagged"] += bool(rec.get("flag"))
                    _write(out, rec)
            out.flush()
            batch.clear()

        for item in parse_stream(progress.lines(stream), max_chars, max_line_bytes):
            batch.append(item)
            if len(batch) >= args.batch_size:
                flush()
        flush()
        progress.close()
    elapsed = max(time.perf_counter() - started, 1e-9)
    if not args.quiet:
        flagged = f"{counts['flagged']} flagged, " if desc == "scan" else ""
        print(f"flagging {desc}: {counts['notes']} notes, {flagged}{counts['errors']} errors, "
              f"{counts['notes'] / elapsed:.1f} notes/s", file=sys.stderr)
    return EXIT_PARTIAL if counts["errors"] else EXIT_OK


def cmd_scan(args) -> int:
    from flagging.suggest import Flagger

    flagger = Flagger(threshold=args.threshold, categories=args.categories, config=args.config,
                      lexicon_dir=args.lexicon_dir, context_rules=args.context_rules,
                      redact=False if args.no_redact else None,
                      model="rules" if args.no_redact and args.model is None else args.model)
    limits = flagger.config["limits"]
    if flagger.redact:
        flagger.redactor.warm_up(progress=not args.quiet)

    def process(texts):
        return flagger.scan_many(texts, batch_size=args.batch_size, n_process=args.n_process)

    def record(note, suggestion):
        return suggestion.to_record(note.id, note.meta or None)

    return _run_batches(args, record, _scan_error, process, "scan",
                        args.max_chars or limits["max_chars"], limits["max_line_bytes"])


def cmd_redact(args) -> int:
    from flagging.config import default_config
    from flagging.redact.redactor import Redactor

    key = None
    if args.key_env:
        key = os.environ.get(args.key_env)
        if not key:
            print(f"flagging redact: environment variable {args.key_env} is empty or unset", file=sys.stderr)
            return EXIT_FATAL
    redactor = Redactor(key=key).warm_up(progress=not args.quiet)
    limits = default_config()["limits"]

    def process(texts):
        return [redactor.redact(t) for t in texts]

    def record(note, res):
        rec = {"id": note.id, "status": "ok", "redacted_text": res.text, "entities": res.entity_dicts(),
               "error": None}
        if note.meta:
            rec["meta"] = note.meta
        return rec

    return _run_batches(args, record, _redact_error, process, "redact",
                        args.max_chars or limits["max_chars"], limits["max_line_bytes"])


def cmd_train(args) -> int:
    from flagging import tracking
    from flagging.train import train_model

    summary = train_model(args.corpus, args.out, target_precision=args.target_precision,
                          use_text=not args.no_text, use_rules=not args.no_rules, C=args.C, name=args.name)
    m = summary["metrics"]
    print(f"flagging train: dev flag precision {m['flag_precision']:.3f}, recall {m['flag_recall']:.3f}, "
          f"macro-F1 {m['macro_f1']:.3f}, ECE {m['ece']:.3f} ({summary['seconds']} s) -> {args.out}",
          file=sys.stderr)
    if not args.no_mlflow:
        if not tracking.available():
            print('flagging train: MLflow not installed (pip install "flagging[eval]"); not logged',
                  file=sys.stderr)
        else:
            info = tracking.log_training(summary, args.out, registered_name=args.name, alias=args.alias,
                                         uri=args.tracking_uri, run_name=f"train-{args.name}")
            print(f"flagging train: MLflow run {info['run_id']}, registered {info['registered']} "
                  f"v{info['version']} @{info['alias']}", file=sys.stderr)
    return EXIT_OK


def cmd_lexicon_check(args) -> int:
    from flagging.lexicon.check import run_check

    report = run_check(args.lexicon_dir, args.context_rules)
    shown = report.failures if args.verbose else report.failures[:50]
    for f in shown:
        print(f"FAIL {f}", file=sys.stderr)
    if len(shown) < len(report.failures):
        print(f"... {len(report.failures) - len(shown)} more (use -v)", file=sys.stderr)
    print(f"flagging lexicon check: {report.summary()}", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_FATAL


EXIT_GATE = 4


def _eval_gate(args):
    """The gate config: required with --gate, shown in the report when the default one exists."""
    from flagging.evaluation import gate as gatemod

    if args.gate or args.gate_config:
        return gatemod.load_gate(args.gate_config)
    try:
        return gatemod.load_gate()
    except gatemod.GateError:
        return None


def _log_mlflow(args, prog: str, metrics: dict, run_name: str, params: dict) -> None:
    from flagging import tracking

    if args.no_mlflow:
        return
    if not tracking.available():
        print(f'flagging {prog}: MLflow not installed (pip install "flagging[eval]"); not logged', file=sys.stderr)
        return
    run_id = tracking.log_evaluation(metrics, args.report, run_name=run_name, params=params, uri=args.tracking_uri)
    print(f"flagging {prog}: MLflow run {run_id} ({run_name})", file=sys.stderr)


def _gate_exit(prog: str, checks, gate) -> int:
    from flagging.evaluation import gate as gatemod

    if all(c.ok for c in checks):
        print(f"flagging {prog}: gate passed (gate version {gate['version']})", file=sys.stderr)
        return EXIT_OK
    print(f"flagging {prog}: gate FAILED (gate version {gate['version']}, {gate['path']}):\n"
          f"{gatemod.failures_text(checks)}", file=sys.stderr)
    return EXIT_GATE


def cmd_evaluate(args) -> int:
    from flagging.evaluation import gate as gatemod
    from flagging.evaluation.metrics import evaluate_predictions, flat_metrics
    from flagging.evaluation.predictions import load_notes, resolve
    from flagging.evaluation.report import _slug, evaluation_report
    from flagging.redact.redactor import Redactor
    from flagging.train import data_hash

    notes = load_notes(args.data)
    specs = list(dict.fromkeys([s for s in (args.model, args.predictions) if s] + list(args.compare or [])))
    specs = specs or ["rules"]
    gate = _eval_gate(args)
    redactor = Redactor().warm_up(progress=not args.quiet)
    results, names = [], set()
    for spec in specs:
        if not args.quiet:
            print(f"flagging evaluate: {spec} on {len(notes)} notes", file=sys.stderr)
        preds = resolve(spec, notes, threshold=args.threshold, batch_size=args.batch_size, redactor=redactor)
        base, k = preds.name, 2
        while preds.name in names:
            preds.name, k = f"{base}-{k}", k + 1
        names.add(preds.name)
        results.append(evaluate_predictions(notes, preds, CATEGORIES, draws=args.bootstrap, seed=args.seed,
                                            redacted=preds.redacted))
    checks = [c for r in results for c in gatemod.check_evaluation(r, gate)] if gate else []
    gate_summary = gatemod.summary(checks, gate) if gate else None
    rep = evaluation_report(results, args.data, gate_summary)
    rep.write(args.report, {"data": args.data, "notes": len(notes), "models": results, "gate": gate_summary})
    for r in results:
        c = r["classification"]
        print(f"flagging evaluate: {r['model']}: flag P {c['flag']['precision']['value']:.3f} "
              f"R {c['flag']['recall']['value']:.3f} F1 {c['flag']['f1']['value']:.3f}, "
              f"macro-F1 {c['macro']['f1']['value']:.3f}, ECE {r['calibration']['all']['ece']:.3f}, "
              f"{len(r['errors'])} errors", file=sys.stderr)
    print(f"flagging evaluate: report {os.path.join(args.report, 'index.html')}", file=sys.stderr)
    if len(results) == 1:
        metrics = flat_metrics(results[0])
    else:
        metrics = {k: v for r in results for k, v in flat_metrics(r, _slug(r["model"]) + ".").items()}
    if gate_summary:
        metrics["gate_passed"] = float(gate_summary["passed"])
    run = "evaluate-" + "-vs-".join(_slug(r["model"]) for r in results)
    _log_mlflow(args, "evaluate", metrics, run[:200], {
        "data": os.path.basename(args.data), "data_hash": data_hash([args.data]), "notes": len(notes),
        "models": ",".join(specs)[:490], "bootstrap": args.bootstrap, "seed": args.seed,
        "gate_version": gate["version"] if gate else "none"})
    return _gate_exit("evaluate", checks, gate) if args.gate else EXIT_OK


def cmd_bias(args) -> int:
    from pathlib import Path

    from flagging.evaluation import bias as biasmod
    from flagging.evaluation import gate as gatemod
    from flagging.evaluation.predictions import display_name, load_notes
    from flagging.evaluation.report import bias_report
    from flagging.suggest import Flagger

    started = time.perf_counter()
    gate = _eval_gate(args)
    spec = args.model or "rules"
    # the rule score never sees redacted text, so it may run without redaction (fast); a learned model may not
    flagger = Flagger(model=spec, redact=spec != "rules")
    if flagger.redact:
        redactor = flagger.redactor
    else:
        from flagging.redact.redactor import Redactor

        redactor = Redactor()
    redactor.warm_up(progress=not args.quiet)
    data = args.data
    if data is None and not args.no_groups:
        # the source tree's dev split, else the working directory's (a non-editable install has no data)
        candidates = [Path(__file__).resolve().parents[2] / "evaluation" / "data" / "dev.jsonl",
                      Path.cwd() / "evaluation" / "data" / "dev.jsonl"]
        data = next((str(c) for c in candidates if c.exists()), None)
        if data is None:
            print("flagging bias: no --data and no evaluation/data/dev.jsonl: per-group metrics skipped",
                  file=sys.stderr)
    notes = load_notes(data) if data and not args.no_groups else None

    def say(msg: str) -> None:
        if not args.quiet:
            print(f"flagging bias: {msg} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    result = biasmod.run_bias(
        biasmod.flagger_scorer(flagger, args.batch_size, args.n_process), redactor=redactor, data_notes=notes,
        data_name=os.path.basename(data) if notes else "", templates=biasmod.load_templates(args.templates),
        checklist=biasmod.load_checklist(args.checklist), names_per_cell=args.names_per_cell, seed=args.seed,
        progress=say)
    result["model"] = display_name(spec)
    checks = gatemod.check_bias(result, gate) if gate else []
    gate_summary = gatemod.summary(checks, gate) if gate else None
    if gate:
        t = gatemod.thresholds(gate, "bias", result["model"])
        result["limits"] = {"flip_rate": t.get("max_counterfactual_flip_rate"),
                            "score_change": t.get("max_score_change")}
    bias_report(result, gate_summary).write(args.report, {**result, "gate": gate_summary})
    cf, g = result["counterfactual"], result["groups"]
    worst = max(cf["by_attribute"].items(), key=lambda kv: (kv[1]["flip_rate"], kv[1]["max_abs_change"]))
    print(f"flagging bias: {cf['notes']} counterfactual notes, {cf['pairs']} pairs; highest flip rate "
          f"{worst[1]['flip_rate']:.4f} ({worst[0]}), max |score change| "
          f"{max(v['max_abs_change'] for v in cf['by_attribute'].values()):.4f}"
          + ("" if g.get("skipped") else f"; per-group FPR gap {g['fpr_gap_pp']:.2f} pp")
          + "; CheckList " + ", ".join(f"{k} {v['pass_rate']:.2f}" for k, v in result["checklist"]["suites"].items()),
          file=sys.stderr)
    print(f"flagging bias: report {os.path.join(args.report, 'index.html')}", file=sys.stderr)
    metrics = biasmod.flat_metrics(result)
    if gate_summary:
        metrics["gate_passed"] = float(gate_summary["passed"])
    _log_mlflow(args, "bias", metrics, f"bias-{result['model']}", {
        "model": spec, "data": os.path.basename(data) if notes else "none", **{
            k: v if not isinstance(v, list) else ",".join(v) for k, v in result["params"].items()},
        "gate_version": gate["version"] if gate else "none"})
    return _gate_exit("bias", checks, gate) if args.gate else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    from flagging.lexicon.loader import LexiconError

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from flagging import __version__

        print(__version__)
        return EXIT_OK
    try:
        if args.command == "scan":
            return cmd_scan(args)
        if args.command == "redact":
            return cmd_redact(args)
        if args.command == "train":
            return cmd_train(args)
        if args.command == "lexicon" and args.lexicon_command == "check":
            return cmd_lexicon_check(args)
        if args.command == "evaluate":
            return cmd_evaluate(args)
        if args.command == "bias":
            return cmd_bias(args)
        from flagging.cli.service_cmds import dispatch

        code = dispatch(args, parser)
        if code is not None:
            return code
    except (LexiconError, ValueError) as exc:
        print(f"flagging: {exc}", file=sys.stderr)
        return EXIT_FATAL
    except FileNotFoundError as exc:
        print(f"flagging: cannot open {exc.filename}: {exc.strerror}", file=sys.stderr)
        return EXIT_FATAL
    except BrokenPipeError:
        return EXIT_OK
    parser.print_help(sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
