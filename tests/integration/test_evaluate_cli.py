"""`flagging evaluate` end to end: report files, metrics JSON, no raw text, MLflow run, compare and gate."""

import json
import os
import subprocess
import sys

import pytest

NOTES = [
    {"id": "t1", "labels": ["drug_cultivation"], "negative_type": None,
     "text": "HB bij dhr. Pieter Jansen, tel. 06-12345678. Er hing een sterke wietlucht in de gang en de ramen "
             "boven waren afgeplakt met zwart plastic."},
    {"id": "t2", "labels": ["debt_pressure"], "negative_type": None,
     "text": "Mw. Samira Haddou heeft geld geleend van iemand uit de buurt en wordt nu onder druk gezet om "
             "contant terug te betalen."},
    {"id": "t3", "labels": [], "negative_type": "negated",
     "text": "Gesprek met mw. Anna de Boer in de woning: geen wietlucht, geen afgeplakte ramen, niets bijzonders."},
    {"id": "t4", "labels": [], "negative_type": "plain",
     "text": "Dhr. Kees Smit vraagt hulp bij de aanvraag van huurtoeslag, bereikbaar op 06-87654321."},
    {"id": "t5", "labels": ["care_fraud"], "negative_type": None,
     "text": "Mw. Ilse Mulder moet elke maand urenbriefjes tekenen voor zorg die ze niet krijgt."},
    {"id": "t6", "labels": [], "negative_type": "ordinary_hardship",
     "text": "Dhr. Ahmed Bakkali heeft een huurachterstand en een betalingsregeling met de energieleverancier."},
    {"id": "t7", "labels": ["unknown_visitors"], "negative_type": None,
     "text": "Tijdens het HB bij mw. Eva Visser kwamen twee onbekende mannen binnen met een eigen sleutel."},
    {"id": "t8", "labels": [], "negative_type": "explained",
     "text": "Dhr. Jan de Vries heeft een nieuwe auto gekocht van de erfenis van zijn vader."},
]


def _data(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text("\n".join(json.dumps(n, ensure_ascii=False) for n in NOTES) + "\n", "utf-8")
    return path


def _run(args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "flagging.cli.main", *args], capture_output=True, cwd=cwd,
                          timeout=600, env={**os.environ, **(env or {})})


def _assert_report(rep, prefix=""):
    for name in ("index.html", "summary.md", "figures.json", "metrics.json", f"{prefix}pr_note.png",
                 f"{prefix}reliability.png", f"{prefix}f1_per_category.png"):
        assert (rep / name).is_file(), name
    html = (rep / "index.html").read_text("utf-8")
    assert "<script" not in html and "http://" not in html and "https://" not in html  # opens offline
    everything = "".join(p.read_text("utf-8") for p in rep.iterdir() if p.suffix in (".html", ".md", ".json"))
    for note in NOTES:  # never the raw note in a report
        assert note["text"] not in everything, note["id"]
    assert "06-12345678" not in everything and "06-87654321" not in everything
    return json.loads((rep / "metrics.json").read_text("utf-8"))


def test_evaluate_rules_writes_the_report_and_metrics(tmp_path):
    data, rep = _data(tmp_path), tmp_path / "report"
    res = _run(["evaluate", str(data), "--model", "rules", "--report", str(rep), "--no-mlflow", "--bootstrap", "200"],
               cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    m = _assert_report(rep)
    r = m["models"][0]
    assert r["model"] == "rules" and r["notes"] == len(NOTES)
    c = r["classification"]
    for lvl in ("flag", "micro", "macro"):
        for k in ("precision", "recall", "f1"):
            lo, hi = c[lvl][k]["ci"]
            assert 0.0 <= lo <= c[lvl][k]["value"] <= hi <= 1.0
    assert len(c["per_category"]) == 13
    assert set(r["fpr_by_negative_type"]) == {"negated", "plain", "ordinary_hardship", "explained"}
    assert 0.0 <= r["calibration"]["all"]["ece"] <= 1.0
    figs = json.loads((rep / "figures.json").read_text("utf-8"))
    assert {"pr_note", "pr_categories", "reliability", "f1_per_category", "fpr_negative_type"} <= set(figs)
    for e in r["errors"]:
        assert "[PERSOON-" in e["redacted_text"]
    assert not (tmp_path / "mlflow.db").exists()


def test_evaluate_logs_a_run_with_metrics_and_the_report_to_mlflow(tmp_path):
    mlflow = pytest.importorskip("mlflow")
    data, rep = _data(tmp_path), tmp_path / "report"
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    res = _run(["evaluate", str(data), "--model", "rules", "--report", str(rep), "--bootstrap", "100"],
               cwd=tmp_path, env={"MLFLOW_TRACKING_URI": uri})
    assert res.returncode == 0, res.stderr.decode()
    mlflow.set_tracking_uri(uri)
    runs = mlflow.search_runs(experiment_names=["flagging-eval"], output_format="list")
    assert len(runs) == 1
    run = runs[0]
    assert run.info.run_name == "evaluate-rules"
    for key in ("flag_precision", "flag_recall", "macro_f1", "ece", "brier"):
        assert key in run.data.metrics, key
    assert run.data.params["data"] == "notes.jsonl"
    arts = [a.path for a in mlflow.MlflowClient().list_artifacts(run.info.run_id, "report")]
    assert "report/index.html" in arts and "report/metrics.json" in arts


def _predictions(path, flag_everything: bool):
    lines = []
    for n in NOTES:
        if flag_everything:
            scores = {"drug_dealing": 0.8}
        else:
            scores = {c: 0.9 for c in n["labels"]}
        lines.append(json.dumps({"id": n["id"], "scores": scores}))
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_compare_prediction_files_and_the_gate_exit_code(tmp_path, capsys):
    from flagging.cli.main import main

    data = _data(tmp_path)
    good, bad = _predictions(tmp_path / "good.jsonl", False), _predictions(tmp_path / "bad.jsonl", True)
    gate = tmp_path / "gate.yaml"
    gate.write_text("version: test-1\nevaluate:\n  min_flag_precision: 0.9\n  max_fpr_per_negative_type: 0.15\n",
                    "utf-8")
    rep = tmp_path / "cmp"
    rc = main(["evaluate", str(data), "--compare", str(good), str(bad), "--report", str(rep), "--gate",
               "--gate-config", str(gate), "--no-mlflow", "--bootstrap", "100", "--quiet"])
    err = capsys.readouterr().err
    assert rc == 4, err
    assert "gate FAILED" in err and "bad: flag precision" in err and "good:" not in err.split("gate FAILED")[1]
    m = _assert_report(rep, prefix="bad_")
    assert (rep / "good_pr_note.png").is_file() and (rep / "compare_f1.png").is_file()
    assert [r["model"] for r in m["models"]] == ["good", "bad"]
    assert m["models"][0]["classification"]["flag"]["f1"]["value"] == 1.0
    assert m["gate"]["passed"] is False and m["gate"]["version"] == "test-1"
    assert "## Comparison" in (rep / "summary.md").read_text("utf-8")
    rc = main(["evaluate", str(data), "--predictions", str(good), "--report", str(tmp_path / "one"), "--gate",
               "--gate-config", str(gate), "--no-mlflow", "--bootstrap", "100", "--quiet"])
    assert rc == 0, capsys.readouterr().err
