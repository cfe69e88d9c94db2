"""Static evaluation reports: ``index.html`` + PNG plots, ``summary.md``, ``figures.json``, ``metrics.json``.

Why static files: reports are read on locked-down workstations and attached to
review tickets, so they must open offline from a folder: no JavaScript, no CDN,
no server. Plots are drawn with matplotlib's Agg canvas (no display, no global
pyplot state). Every plotted number is also written to ``figures.json`` so a
figure can be checked or redrawn without the PNG.

Nothing here writes raw note text: error lists carry the *redacted* text only.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flagging.evaluation import require

Draw = Callable[[Any], None]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1100px;color:#222;
line-height:1.45;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em}
th,td{border:1px solid #ddd;padding:.25em .55em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.fail td{background:#fde8e8}tr.pass td:first-child{border-left:4px solid #3a3}tr.fail td:first-child{border-left:4px solid #c33}
figure{margin:1em 0}figure img{max-width:100%;border:1px solid #eee}figcaption{font-size:.85em;color:#555}
.note{font-size:.85em;color:#555}.redacted{font-family:ui-monospace,monospace;font-size:.82em;white-space:pre-wrap;
max-width:560px}
.banner{background:#fff8e1;border:1px solid #f0d890;padding:.5em .8em;font-size:.9em}
"""


def fmt(v: Any, digits: int = 3) -> str:
    """A figure for a table cell: floats rounded, ``{"value", "ci"}`` as ``v [lo, hi]``."""
    if isinstance(v, dict) and "value" in v:
        ci = v.get("ci")
        base = fmt(v["value"], digits)
        return f"{base} [{fmt(ci[0], digits)}, {fmt(ci[1], digits)}]" if ci else base
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return "–" if math.isnan(v) else f"{v:.{digits}f}"
    if v is None:
        return "–"
    if isinstance(v, (list, tuple, set)):
        return ", ".join(str(x) for x in v) or "–"
    return str(v)


@dataclass
class _Figure:
    name: str
    caption: str
    data: Any
    draw: Draw
    size: tuple[float, float]


@dataclass
class Report:
    """Blocks in reading order (headings, text, tables, figures) rendered to HTML and Markdown."""

    title: str
    subtitle: str = ""
    blocks: list[tuple[str, Any]] = field(default_factory=list)
    figures: dict[str, _Figure] = field(default_factory=dict)

    def heading(self, text: str, level: int = 2) -> None:
        self.blocks.append(("heading", (level, text)))

    def text(self, text: str, css: str = "") -> None:
        self.blocks.append(("text", (text, css)))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[Any]], caption: str = "",
              row_class: Sequence[str] | None = None, pre_cols: Sequence[int] = (), where: str = "both") -> None:
        """``where``: "both", "html" (long tables, e.g. redacted error texts) or "md" (their short form)."""
        kind = {"both": "table", "html": "table_html", "md": "table_md"}[where]
        self.blocks.append((kind, (list(header), [list(r) for r in rows], caption, row_class, set(pre_cols))))

    def figure(self, name: str, caption: str, data: Any, draw: Draw, size: tuple[float, float] = (7.0, 4.5)) -> None:
        if name in self.figures:
            raise ValueError(f"duplicate figure name {name!r}")
        self.figures[name] = _Figure(name, caption, data, draw, size)
        self.blocks.append(("figure", name))

    # -- writing --------------------------------------------------------------------------------------------

    def write(self, out_dir: str | Path, metrics: dict) -> dict[str, Path]:
        """Write PNGs, ``figures.json``, ``metrics.json``, ``summary.md`` and ``index.html`` to ``out_dir``."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        self._draw_all(out)
        fig_json = {n: {"caption": f.caption, "file": f"{n}.png", "data": f.data} for n, f in self.figures.items()}
        paths = {"figures": out / "figures.json", "metrics": out / "metrics.json", "summary": out / "summary.md",
                 "html": out / "index.html"}
        paths["figures"].write_text(json.dumps(_jsonable(fig_json), indent=1, ensure_ascii=False), "utf-8")
        paths["metrics"].write_text(json.dumps(_jsonable(metrics), indent=1, ensure_ascii=False), "utf-8")
        paths["summary"].write_text(self.markdown(), "utf-8")
        paths["html"].write_text(self.html(), "utf-8")
        return paths

    def _draw_all(self, out: Path) -> None:
        require("matplotlib")
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        for f in self.figures.values():
            fig = Figure(figsize=f.size, dpi=100)
            FigureCanvasAgg(fig)
            f.draw(fig)
            fig.tight_layout()
            fig.savefig(out / f"{f.name}.png", dpi=100)

    def markdown(self) -> str:
        lines = [f"# {self.title}", ""]
        if self.subtitle:
            lines += [self.subtitle, ""]
        for kind, payload in self.blocks:
            if kind == "heading":
                lines += ["#" * payload[0] + " " + payload[1], ""]
            elif kind == "text":
                lines += [payload[0], ""]
            elif kind in ("table", "table_md"):
                header, rows, caption, _, _ = payload
                if caption:
                    lines += [f"*{caption}*", ""]
                lines.append("| " + " | ".join(header) + " |")
                lines.append("|" + "---|" * len(header))
                for r in rows:
                    cells = [fmt(c).replace("|", "\\|").replace("\n", " ") for c in r]
                    lines.append("| " + " | ".join(cells) + " |")
                lines.append("")
            elif kind == "figure":
                f = self.figures[payload]
                lines += [f"![{f.caption}]({f.name}.png)", ""]
        return "\n".join(lines)

    def html(self) -> str:
        e = html.escape
        made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
                 f"<title>{e(self.title)}</title><style>{_CSS}</style></head><body>", f"<h1>{e(self.title)}</h1>",
                 f'<p class="note">{e(self.subtitle)} Generated {made}.</p>']
        for kind, payload in self.blocks:
            if kind == "heading":
                level = min(max(payload[0], 2), 4)
                parts.append(f"<h{level}>{e(payload[1])}</h{level}>")
            elif kind == "text":
                css = f' class="{e(payload[1])}"' if payload[1] else ""
                parts.append(f"<p{css}>{e(payload[0])}</p>")
            elif kind in ("table", "table_html"):
                parts.append(_html_table(*payload))
            elif kind == "figure":
                f = self.figures[payload]
                parts.append(f'<figure><img src="{e(f.name)}.png" alt="{e(f.caption)}">'
                             f"<figcaption>{e(f.caption)} (data: figures.json, key {e(f.name)})</figcaption></figure>")
        parts.append("</body></html>")
        return "\n".join(parts)


def _html_table(header, rows, caption, row_class, pre_cols) -> str:
    e = html.escape
    out = ["<table>"]
    if caption:
        out.append(f"<caption>{e(caption)}</caption>")
    out.append("<tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr>")
    for i, r in enumerate(rows):
        cls = f' class="{e(row_class[i])}"' if row_class and row_class[i] else ""
        cells = []
        for j, c in enumerate(r):
            if j in pre_cols:
                cells.append(f'<td class="redacted">{e(fmt(c))}</td>')
            else:
                num = ' class="num"' if isinstance(c, (int, float)) and not isinstance(c, bool) else ""
                cells.append(f"<td{num}>{e(fmt(c))}</td>")
        out.append(f"<tr{cls}>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set)):
        return [_jsonable(v) for v in (sorted(x) if isinstance(x, set) else x)]
    if hasattr(x, "item") and callable(x.item):  # numpy scalars
        return _jsonable(x.item())
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return None
    return x


# -- plots (each takes a matplotlib Figure and fills it) --------------------------------------------------------


def draw_pr_curves(curves: dict[str, dict], title: str) -> Draw:
    """One axes, one line per curve (label -> pr_curve output)."""

    def draw(fig) -> None:
        ax = fig.add_subplot(1, 1, 1)
        for label, c in curves.items():
            if c.get("recall"):
                ap = c.get("average_precision")
                ax.step(c["recall"], c["precision"], where="post",
                        label=f"{label} (AP {ap:.2f})" if ap is not None else label)
        ax.set(xlabel="recall", ylabel="precision", xlim=(0, 1.01), ylim=(0, 1.02), title=title)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower left")

    return draw


def draw_pr_grid(curves: dict[str, dict], title: str) -> Draw:
    """Small multiples: one PR curve per category."""

    def draw(fig) -> None:
        names = list(curves)
        cols = 4
        rows = max(1, math.ceil(len(names) / cols))
        for i, name in enumerate(names):
            ax = fig.add_subplot(rows, cols, i + 1)
            c = curves[name]
            if c.get("recall"):
                ax.step(c["recall"], c["precision"], where="post", color="C0")
            ap = c.get("average_precision")
            ax.set_title(f"{name}\nAP {ap:.2f}" if ap is not None else f"{name}\n(no positives)", fontsize=8)
            ax.set(xlim=(0, 1.01), ylim=(0, 1.05))
            ax.tick_params(labelsize=6)
            ax.grid(alpha=0.3)
        fig.suptitle(title, fontsize=10)

    return draw


def draw_reliability(bins: list[dict], title: str) -> Draw:
    """Reliability diagram: observed positive rate against mean score per bin, with bin counts below."""

    def draw(fig) -> None:
        ax = fig.add_subplot(2, 1, 1)
        xs = [b["mean_score"] for b in bins if b["count"]]
        ys = [b["positive_rate"] for b in bins if b["count"]]
        ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfect calibration")
        ax.plot(xs, ys, marker="o", label="model")
        ax.set(ylabel="observed positive rate", xlim=(0, 1), ylim=(0, 1.02), title=title)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
        ax2 = fig.add_subplot(2, 1, 2)
        ax2.bar([(b["low"] + b["high"]) / 2 for b in bins], [b["count"] for b in bins],
                width=[(b["high"] - b["low"]) * 0.9 for b in bins])
        ax2.set(xlabel="score", ylabel="pairs (log)", xlim=(0, 1))
        if any(b["count"] for b in bins):
            ax2.set_yscale("log")

    return draw


def draw_hbars(labels: Sequence[str], series: dict[str, Sequence[float]], title: str, xlabel: str,
               ci: dict[str, Sequence[Sequence[float]]] | None = None, limit: float | None = None,
               xlim: tuple[float, float] | None = (0, 1.0), annotate: bool = False) -> Draw:
    """Horizontal bars, one group per label, one bar per series; optional intervals and a gate line."""

    def draw(fig) -> None:
        import numpy as np

        ax = fig.add_subplot(1, 1, 1)
        n = max(1, len(series))
        height = 0.8 / n
        y = np.arange(len(labels))
        for k, (name, vals) in enumerate(series.items()):
            err = None
            if ci and name in ci:
                lo = [max(0.0, v - c[0]) for v, c in zip(vals, ci[name], strict=True)]
                hi = [max(0.0, c[1] - v) for v, c in zip(vals, ci[name], strict=True)]
                err = [lo, hi]
            bars = ax.barh(y + k * height - 0.4 + height / 2, vals, height=height, xerr=err, label=name,
                           error_kw={"elinewidth": 0.8, "capsize": 2})
            if annotate:
                ax.bar_label(bars, fmt="%.3g", fontsize=7, padding=2)
        if limit is not None:
            ax.axvline(limit, color="red", ls="--", lw=1, label=f"gate {limit:g}")
        ax.set_yticks(y, labels, fontsize=8)
        ax.invert_yaxis()
        ax.set(xlabel=xlabel, title=title)
        if xlim:
            ax.set_xlim(*xlim)
        ax.grid(axis="x", alpha=0.3)
        if len(series) > 1 or limit is not None:
            ax.legend(fontsize=8)

    return draw


def draw_dots(labels: Sequence[str], series: dict[str, Sequence[float | None]], title: str, xlabel: str,
              reference: float | None = None) -> Draw:
    """One row per label, one marker per series; the x axis zooms to the data (AUCs near 1 stay readable)."""

    def draw(fig) -> None:
        ax = fig.add_subplot(1, 1, 1)
        vals = [v for vs in series.values() for v in vs if v is not None]
        markers = "os^dv"
        for k, (name, vs) in enumerate(series.items()):
            pts = [(v, i) for i, v in enumerate(vs) if v is not None]
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], marker=markers[k % len(markers)], s=22,
                       label=name, alpha=0.8)
        if reference is not None:
            ax.axvline(reference, color="grey", ls="--", lw=1, label=f"overall {reference:.3f}")
        low = min([*vals, reference if reference is not None else 1.0], default=0.0)
        ax.set_xlim(max(0.0, low - 0.05), 1.005)
        ax.set_yticks(range(len(labels)), labels, fontsize=7)
        ax.set_ylim(len(labels) - 0.5, -0.5)
        ax.set(xlabel=xlabel, title=title)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower left")

    return draw


# -- the two reports -------------------------------------------------------------------------------------------


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name).strip("_") or "model"


def _gate_section(rep: Report, gate_result: dict | None) -> None:
    if not gate_result:
        return
    rep.heading("Gate")
    status = "PASSED" if gate_result["passed"] else "FAILED"
    rep.text(f"Gate config {gate_result['config']} (version {gate_result['version']}): {status}.")
    checks = gate_result["checks"]
    rep.table(["check", "value", "limit", "result"],
              [[c["name"], c["value"], f"{c['op']} {c['limit']}", "pass" if c["ok"] else "FAIL"] for c in checks],
              row_class=["pass" if c["ok"] else "fail" for c in checks])


def evaluation_report(results: list[dict], data_name: str, gate_result: dict | None = None) -> Report:
    """The ``flagging evaluate`` report: comparison (when several models), then one section per model."""
    rep = Report("flagging evaluate", f"Data: {data_name}. {results[0]['notes']} notes. "
                 "Suggestions only: a person decides. Error lists show redacted text only.")
    rep.text("Intervals are 95% percentile bootstrap intervals over notes "
             f"({results[0]['classification']['bootstrap']['draws']} draws, fixed seed); FPR intervals per "
             "hard-negative type are Wilson intervals.", "note")
    _gate_section(rep, gate_result)
    if len(results) > 1:
        rep.heading("Comparison")
        rows = []
        for r in results:
            c = r["classification"]
            worst = max((v["fpr"] for v in r["fpr_by_negative_type"].values()), default=None)
            rows.append([r["model"], c["flag"]["precision"], c["flag"]["recall"], c["flag"]["f1"], c["macro"]["f1"],
                         c["micro"]["f1"], r["pr_curves"]["note"]["average_precision"],
                         r["calibration"]["all"]["ece"], r["calibration"]["all"]["brier"], worst])
        rep.table(["model", "flag P", "flag R", "flag F1", "macro-F1", "micro-F1", "note AP", "ECE", "Brier",
                   "max hard-neg FPR"], rows)
        cats = list(results[0]["classification"]["per_category"])
        rep.figure("compare_f1", "F1 per category, side by side", {
            r["model"]: {c: r["classification"]["per_category"][c]["f1"]["value"] for c in cats} for r in results},
            draw_hbars(cats, {r["model"]: [r["classification"]["per_category"][c]["f1"]["value"] for c in cats]
                              for r in results}, "F1 per category", "F1"), size=(8, 6))
        rep.figure("compare_pr", "Note-level precision-recall (note score = highest category score)",
                   {r["model"]: r["pr_curves"]["note"] for r in results},
                   draw_pr_curves({r["model"]: r["pr_curves"]["note"] for r in results}, "note level"))
    for r in results:
        _model_section(rep, r, prefix=_slug(r["model"]) + "_" if len(results) > 1 else "")
    return rep


def _model_section(rep: Report, r: dict, prefix: str) -> None:
    c = r["classification"]
    rep.heading(f"Model: {r['model']}")
    thr = r.get("thresholds") or {}
    thr_text = (f"threshold {next(iter(set(thr.values())))}" if thr and len(set(thr.values())) == 1
                else "per-category thresholds" if thr else "flags from the predictions file")
    rep.text(f"Spec {r['spec']} ({r['kind']}), {thr_text}.")
    rep.heading("Precision, recall, F1", 3)
    rows = [[lvl, c[lvl]["precision"], c[lvl]["recall"], c[lvl]["f1"]] for lvl in ("flag", "micro", "macro")]
    rep.table(["level", "precision", "recall", "F1"], rows,
              caption=f"flag level: tp {c['flag']['tp']}, fp {c['flag']['fp']}, fn {c['flag']['fn']}")
    cats = list(c["per_category"])
    rep.table(["category", "support", "precision", "recall", "F1", "tp", "fp", "fn", "AP"],
              [[k, v["support"], v["precision"], v["recall"], v["f1"], v["tp"], v["fp"], v["fn"],
                r["pr_curves"]["per_category"][k]["average_precision"]] for k, v in c["per_category"].items()])
    rep.figure(f"{prefix}f1_per_category", "F1 per category with 95% bootstrap intervals",
               {k: c["per_category"][k]["f1"] for k in cats},
               draw_hbars(cats, {"F1": [c["per_category"][k]["f1"]["value"] for k in cats]}, "F1 per category", "F1",
                          ci={"F1": [c["per_category"][k]["f1"]["ci"] for k in cats]}), size=(7, 5.5))
    rep.heading("Precision-recall curves and precision@k", 3)
    rep.figure(f"{prefix}pr_note", "Precision-recall: note level (any label vs highest score) and micro "
               "(all note-category pairs)", {"note": r["pr_curves"]["note"], "micro": r["pr_curves"]["micro"]},
               draw_pr_curves({"note": r["pr_curves"]["note"], "micro": r["pr_curves"]["micro"]}, "precision-recall"))
    rep.figure(f"{prefix}pr_categories", "Precision-recall per category", r["pr_curves"]["per_category"],
               draw_pr_grid(r["pr_curves"]["per_category"], "precision-recall per category"), size=(10, 8))
    ks = sorted({k for v in [r["precision_at_k"]["note"]] for k in v})
    rep.table(["ranking", *[f"P@{k}" for k in ks]],
              [["notes (highest category score)", *[r["precision_at_k"]["note"].get(k) for k in ks]]] +
              [[k, *[v.get(kk) for kk in ks]] for k, v in r["precision_at_k"]["per_category"].items()])
    rep.heading("Calibration", 3)
    cal = r["calibration"]["all"]
    rep.text(f"Over all {cal['pairs']} note-category pairs: ECE {cal['ece']:.4f}, Brier {cal['brier']:.4f}. "
             "Rule scores are evidence strengths, not probabilities: read their calibration as a diagnostic.")
    rep.figure(f"{prefix}reliability", "Reliability diagram (10 equal-width bins) over all note-category pairs",
               cal["bins"], draw_reliability(cal["bins"], "reliability"), size=(6, 6))
    rep.table(["category", "ECE", "Brier"],
              [[k, v["ece"], v["brier"]] for k, v in r["calibration"]["per_category"].items()])
    rep.heading("False-positive rate per hard-negative type", 3)
    neg = r["fpr_by_negative_type"]
    if neg:
        rep.table(["negative type", "notes", "flagged", "FPR", "95% interval"],
                  [[t, v["n"], v["flagged"], v["fpr"], f"[{v['ci'][0]:.3f}, {v['ci'][1]:.3f}]"] for t, v in neg.items()])
        rep.figure(f"{prefix}fpr_negative_type", "False-positive rate per hard-negative type (Wilson 95%)", neg,
                   draw_hbars(list(neg), {"FPR": [v["fpr"] for v in neg.values()]}, "FPR per hard-negative type",
                              "false-positive rate", ci={"FPR": [v["ci"] for v in neg.values()]}))
    else:
        rep.text("The data has no notes with a negative_type.")
    rep.heading(f"Errors ({len(r['errors'])})", 3)
    rep.text("Notes whose suggested categories differ from the labels. Text is redacted by the library's "
             "redactor; raw note text is never written to a report.", "note")
    if r["errors"]:
        rows = [[e["id"], e["error"], e["labels"], e["suggested"], e["negative_type"],
                 ", ".join(f"{k} {v:.2f}" for k, v in e["top_scores"].items())] for e in r["errors"]]
        header = ["id", "error", "labels", "suggested", "negative type", "top scores"]
        rep.table([*header, "redacted text"], [[*row, e["redacted_text"]] for row, e in zip(rows, r["errors"],
                                                                                            strict=True)],
                  pre_cols=[6], where="html")
        rep.table(header, rows, caption="redacted texts: index.html and metrics.json", where="md")


def bias_report(result: dict, gate_result: dict | None = None) -> Report:
    """The ``flagging bias`` report: counterfactual swaps, per-group metrics, subgroup AUCs, CheckList."""
    rep = Report("flagging bias", f"Model: {result['model']}. Identity must never move a score "
                 "(signals.md): the same observation about 'Jan' and about 'Mohammed' gets the same suggestion.")
    _gate_section(rep, gate_result)
    cf = result["counterfactual"]
    rep.heading("1. Counterfactual identity swaps")
    rep.text(f"{cf['templates']} templates ({cf['positive_templates']} with a signal), {cf['notes']} filled notes, "
             f"{cf['pairs']} swap pairs. Each pair changes one attribute against the template's reference "
             "filling; flip = the note-level flag changes; |score change| = largest change of any category score.")
    attrs = list(cf["by_attribute"])
    rep.table(["attribute", "pairs", "flips", "flip rate", "category-set changes", "mean |Δscore|", "max |Δscore|"],
              [[a, v["pairs"], v["flips"], v["flip_rate"], v["category_changes"], v["mean_abs_change"],
                v["max_abs_change"]] for a, v in cf["by_attribute"].items()], caption="per attribute")
    rep.figure("cf_flip_rate", "Counterfactual flip rate per attribute", {a: cf["by_attribute"][a] for a in attrs},
               draw_hbars(attrs, {"flip rate": [cf["by_attribute"][a]["flip_rate"] for a in attrs]},
                          "flip rate per attribute", "flip rate", limit=result.get("limits", {}).get("flip_rate"),
                          annotate=True,
                          xlim=(0, max(0.05, *[cf["by_attribute"][a]["flip_rate"] * 1.1 for a in attrs]))))
    rep.figure("cf_score_change", "Largest |score change| per attribute",
               {a: cf["by_attribute"][a]["max_abs_change"] for a in attrs},
               draw_hbars(attrs, {"max |Δ|": [cf["by_attribute"][a]["max_abs_change"] for a in attrs],
                                  "mean |Δ|": [cf["by_attribute"][a]["mean_abs_change"] for a in attrs]},
                          "score change per attribute", "|Δ score|", limit=result.get("limits", {}).get("score_change"),
                          annotate=True,
                          xlim=(0, max(0.1, *[cf["by_attribute"][a]["max_abs_change"] * 1.1 for a in attrs]))))
    rows = [[a, g, v["pairs"], v["flips"], v["flip_rate"], v["mean_abs_change"], v["max_abs_change"]]
            for a, groups in cf["by_group"].items() for g, v in groups.items()]
    rep.table(["attribute", "group", "pairs", "flips", "flip rate", "mean |Δscore|", "max |Δscore|"], rows,
              caption="per group (against the reference value of the attribute)")
    if cf["worst"]:
        rep.table(["template", "attribute", "reference", "swapped to", "flag", "|Δscore|", "category"],
                  [[w["template"], w["attribute"], w["reference"], w["group"], f"{w['flag_ref']} → {w['flag']}",
                    w["abs_change"], w["category"]] for w in cf["worst"]], caption="largest changes")
    if any(cf["not_identity_terms"].values()):
        rep.text("Fill values that lexicons/identity/terms.yaml does not list (a learned model sees them as "
                 "written): " + "; ".join(f"{a}: {', '.join(v)}" for a, v in cf["not_identity_terms"].items() if v),
                 "note")
    g = result["groups"]
    rep.heading("2. Per-group metrics (name origin)")
    if g.get("skipped"):
        rep.text("Skipped: no labelled data given (--data).")
    else:
        _group_section(rep, g)
    _subgroup_and_checklist(rep, result)
    return rep


def _group_section(rep: Report, g: dict) -> None:
    rep.text(f"{g['source_notes']} labelled notes from {g['data']}; every PERSON mention found by the redactor "
             f"({g['mentions']} mentions in {g['notes_with_names']} notes) replaced by names of each origin group, "
             f"so only the names differ: {g['notes']} notes. fairlearn MetricFrame.")
    groups = list(g["by_group"])
    rep.table(["name origin", "notes", "selection rate", "FPR", "TPR"],
              [[k, v["n"], v["selection_rate"], v["false_positive_rate"], v["true_positive_rate"]]
               for k, v in g["by_group"].items()])
    rep.table(["figure", "value"], [["FPR gap (max-min), percentage points", g["fpr_gap_pp"]],
                                    ["TPR gap (max-min), percentage points", g["tpr_gap_pp"]],
                                    ["equalized odds difference", g["equalized_odds_difference"]],
                                    ["selection rate difference", g["demographic_parity_difference"]],
                                    ["source notes whose flag differs between groups",
                                     g["notes_whose_flag_depends_on_names"]]])
    rep.figure("group_rates", "FPR and TPR per name-origin group", g["by_group"],
               draw_hbars(groups, {"FPR": [g["by_group"][k]["false_positive_rate"] for k in groups],
                                   "TPR": [g["by_group"][k]["true_positive_rate"] for k in groups]},
                          "rates per name origin", "rate", annotate=True), size=(7, 6))


def _subgroup_and_checklist(rep: Report, result: dict) -> None:
    s = result["subgroup_auc"]
    rep.heading("3. Identity-term subgroup AUCs (Borkan et al. 2019)")
    rep.text("On the counterfactual set, label = template has a signal, score = highest category score. Subgroup "
             "AUC within the group; BPSN: background positives vs subgroup negatives; BNSP: background negatives "
             "vs subgroup positives. Compare groups of the same attribute: they share their templates, so a "
             "difference between them comes from identity alone (attributes use different templates, so their "
             "levels differ).")
    rep.text(f"Overall AUC {fmt(s['overall_auc'])}.")
    rep.table(["group", "notes", "subgroup AUC", "BPSN AUC", "BNSP AUC"],
              [[k, v["n"], v["subgroup_auc"], v["bpsn_auc"], v["bnsp_auc"]] for k, v in s["groups"].items()])
    names = list(s["groups"])
    rep.figure("subgroup_auc", "Subgroup, BPSN and BNSP AUC per identity group (axis zoomed to the data)",
               s["groups"], draw_dots(names, {m: [s["groups"][k][m] for k in names]
                                              for m in ("subgroup_auc", "bpsn_auc", "bnsp_auc")},
                                      "subgroup AUCs", "AUC", s["overall_auc"]),
               size=(7.5, max(4.0, 0.16 * len(names) + 1.5)))
    ck = result["checklist"]
    rep.heading("4. CheckList suites")
    rep.table(["suite", "test", "cases", "passed", "pass rate"],
              [[t["suite"], t["name"], t["cases"], t["passed"], t["pass_rate"]] for t in ck["tests"]])
    if ck["failures"]:
        rep.table(["suite", "test", "case", "expected", "got"],
                  [[f["suite"], f["test"], f["case"], f["expected"], f["got"]] for f in ck["failures"][:60]],
                  caption=f"failures (first 60 of {len(ck['failures'])}); texts are synthetic templates",
                  pre_cols=[2])
