"""The optional transformer backend: train a tiny model locally, reload it with TransformerScorer.

Skipped when torch or transformers is missing (``pip install "flagging[transformers]"``). No model
or tokenizer is downloaded: a tiny BERT is built from a config and a word-piece vocabulary
written here, and every step runs with network connections made to fail.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import block_network

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from flagging.lexicon.loader import CATEGORIES  # noqa: E402
from flagging.score import transformer as backend  # noqa: E402
from flagging.score.transformer import THRESHOLDS_FILE, TransformerScorer  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "models" / "train_transformer.py"
TARGET = "drug_cultivation"
OTHER = "debt_pressure"
EPOCHS = 60

WORDS = """
de het een en van in op met voor aan bij naar uit over om te is was zijn heeft hebben had wordt
werd kan wil moet zal niet geen wel ook nog al er hier daar die dat dit deze wat wie waar hoe
ik je jij hij zij ze we wij mij me hem haar ons hun cl client clienten moeder vader zoon dochter
broer zus kind kinderen gezin familie buurman buurvrouw vriend collega wijkteam
huis woning zolder kelder schuur slaapkamer woonkamer keuken gang deur raam ramen trap tuin
hennep kwekerij plantage planten lampen stroom meter folie warm warmte zoemend geluid geur lucht
ventilator ventilatie afzuiging kweek toppen knippen potten aarde
schuld schulden deurwaarder incasso aanmaning rekening rekeningen huur achterstand betalen
geld lening bank beslag brief brieven afsluiting energie gas boete boetes
school boodschappen fiets werk baan afspraak gesprek koffie thee weer zon regen wandelen
voetbal sport les huiswerk rapport juf meester ouders avond bezoek bezocht gebeld telefoon
goed blij rustig netjes schoon gezond ziek moe druk nerveus bang boos stil opgeruimd
gaat ging komt kwam zegt zei vertelt vertelde ziet zag ruikt rook hoort hoorde staat stond
vandaag gisteren morgen week maand jaar dag avond ochtend middag
veel weinig meer minder groot klein nieuw oud hoog laag
""".split()
SUBWORDS = ["##en", "##s", "##je", "##jes", "##heid", "##t", "##d", "##e", "##er", "##ing", "##st"]
PUNCT = [".", ",", ":", "'", "-", "?", "!"]

POS = [  # drug_cultivation
    "hennep op zolder , lampen en folie voor de ramen .",
    "zoemend geluid en warmte op zolder , hennep planten gezien .",
    "cl zegt dat de hennep kwekerij van broer is .",
    "geur van hennep in de gang , ventilator op zolder .",
    "stroom meter loopt hoog , hennep plantage in de schuur .",
    "hennep toppen knippen in de kelder gezien .",
    "lampen en potten met hennep in de slaapkamer .",
    "afzuiging en folie op zolder , hennep lucht in huis .",
]
DEBT = [  # debt_pressure
    "deurwaarder kwam langs , schulden en beslag op de bank .",
    "aanmaning en incasso brieven , huur achterstand van een maand .",
    "cl kan de rekeningen niet betalen , afsluiting gas en energie .",
    "veel schulden , lening bij vriend , boetes niet betalen .",
]
NEG = [  # no signal
    "kinderen gaan naar school , moeder is blij en rustig .",
    "afspraak op het werk , koffie gedronken , gesprek ging goed .",
    "zoon doet aan voetbal , huiswerk en rapport goed .",
    "cl fietst naar de boodschappen , huis is netjes en schoon .",
    "vader heeft een nieuwe baan , gezin gaat het goed .",
    "dochter is ziek , juf heeft gebeld over de les .",
    "bezoek in de middag , woning opgeruimd , sfeer goed .",
    "wandelen met de buurvrouw , het weer was goed .",
]
DEV = [
    ("hennep en lampen op zolder , warm en zoemend .", [TARGET]),
    ("planten met folie in de schuur , geur van hennep .", [TARGET]),
    ("deurwaarder en incasso , schulden bij de bank .", [OTHER]),
    ("kinderen naar school , moeder rustig en blij .", []),
    ("koffie en gesprek , werk gaat goed .", []),
    ("huis netjes , vader blij met baan .", []),
]


def _load_script():
    spec = importlib.util.spec_from_file_location("train_transformer", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps({"text": t, "labels": ls}, ensure_ascii=False) + "\n" for t, ls in rows),
                    encoding="utf-8")
    return path


def _tiny_base(folder: Path) -> Path:
    """A randomly initialised tiny BERT and its word-piece tokenizer, saved locally."""
    folder.mkdir(parents=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + PUNCT + list(dict.fromkeys(WORDS)) + SUBWORDS
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=True)
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2,
                                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                                     initializer_range=0.2)  # wider than BERT's 0.02: learns in fewer steps
    torch.manual_seed(0)
    transformers.BertModel(config).save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    return folder


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    # A tiny model gains nothing from threads, and OpenMP spinning on a busy 2-core machine
    # makes each step up to 100x slower.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Train the tiny model once on a separable toy task; return (out_dir, summary)."""
    tmp = tmp_path_factory.mktemp("transformer")
    with pytest.MonkeyPatch.context() as mp:
        block_network(mp)
        base = _tiny_base(tmp / "base")
        train_rows = [(t, [TARGET]) for t in POS] + [(t, [OTHER]) for t in DEBT] + [(t, []) for t in NEG]
        train_file = _write_jsonl(tmp / "train.jsonl", train_rows)
        dev_file = _write_jsonl(tmp / "dev.jsonl", DEV)
        script = _load_script()
        summary = script.train(train_file, dev_file, base, tmp / "out", epochs=EPOCHS, lr=5e-3, batch_size=4,
                               max_length=32, seed=7, warmup=0.0, log=lambda msg: None)
    return tmp / "out", summary


def test_train_writes_model_tokenizer_and_thresholds(trained):
    out, summary = trained
    assert (out / "config.json").is_file()
    assert (out / "tokenizer_config.json").is_file() or (out / "tokenizer.json").is_file()
    saved = json.loads((out / THRESHOLDS_FILE).read_text(encoding="utf-8"))
    assert set(saved["thresholds"]) == set(CATEGORIES)
    assert saved["thresholds"] == summary["thresholds"]
    assert saved["dev_positives"][TARGET] == 2
    assert saved["dev_f1"]["sudden_wealth"] is None  # no dev positives: nothing tuned
    assert saved["thresholds"]["sudden_wealth"] == 0.5
    assert len(saved["epochs"]) == EPOCHS and 1 <= saved["best_epoch"] <= EPOCHS
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["problem_type"] == "multi_label_classification"
    assert [config["id2label"][str(i)] for i in range(len(CATEGORIES))] == list(CATEGORIES)


def test_scorer_reloads_and_separates(trained, no_network):
    out, summary = trained
    scorer = TransformerScorer(out, batch_size=3, max_length=32)
    assert scorer._model is None  # nothing heavy before it is needed
    assert scorer.categories == CATEGORIES
    assert scorer.thresholds == summary["thresholds"]
    assert scorer.thresholds != {c: 0.5 for c in CATEGORIES}  # tuned values came from the file

    texts = ["hennep planten en lampen op zolder , folie voor de ramen .",
             "moeder blij , kinderen naar school , koffie gedronken .",
             "deurwaarder , schulden en aanmaning , huur achterstand .",
             "een onbekend woord xyzzy .",
             "stroom"]
    probs = scorer.predict_proba(texts)
    assert probs.shape == (len(texts), 13)
    assert np.all((probs >= 0.0) & (probs <= 1.0))
    t = CATEGORIES.index(TARGET)
    assert probs[0, t] > probs[1, t]
    assert probs[0, t] > probs[2, t]
    # Batching does not change the scores.
    one_by_one = np.vstack([scorer.predict_proba([x]) for x in texts])
    np.testing.assert_allclose(one_by_one, probs, atol=1e-5)
    assert scorer.predict_proba([]).shape == (0, 13)
    with pytest.raises(TypeError):
        scorer.predict_proba("one string")


def test_thresholds_default_without_file(trained, tmp_path, no_network):
    out, _ = trained
    copy = shutil.copytree(out, tmp_path / "model")
    (copy / THRESHOLDS_FILE).unlink()
    assert TransformerScorer(copy).thresholds == {c: 0.5 for c in CATEGORIES}


def test_columns_follow_categories_whatever_the_output_order(trained, tmp_path, no_network):
    out, _ = trained
    model = transformers.AutoModelForSequenceClassification.from_pretrained(str(out), local_files_only=True)
    order = list(reversed(range(len(CATEGORIES))))
    with torch.no_grad():
        model.classifier.weight.copy_(model.classifier.weight[order].clone())
        model.classifier.bias.copy_(model.classifier.bias[order].clone())
    model.config.id2label = {i: CATEGORIES[j] for i, j in enumerate(order)}
    model.config.label2id = {c: i for i, c in model.config.id2label.items()}
    copy = tmp_path / "permuted"
    model.save_pretrained(str(copy))
    transformers.AutoTokenizer.from_pretrained(str(out), local_files_only=True).save_pretrained(str(copy))
    texts = ["hennep op zolder .", "koffie en school ."]
    np.testing.assert_allclose(TransformerScorer(copy).predict_proba(texts),
                               TransformerScorer(out).predict_proba(texts), atol=1e-5)


def test_missing_dir_is_refused_without_network(tmp_path, no_network):
    scorer = TransformerScorer(tmp_path / "nope")
    with pytest.raises(FileNotFoundError, match="local directory"):
        scorer.predict_proba(["x"])


def test_clear_import_error_when_backend_missing(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    with pytest.raises(ImportError, match=r'pip install "flagging\[transformers\]"'):
        backend.require_backend()
    with pytest.raises(ImportError, match="torch"):
        TransformerScorer("/nowhere").load()


def test_best_threshold_maximises_f1():
    script = _load_script()
    p = np.array([0.9, 0.8, 0.7, 0.4, 0.3, 0.1])
    y = np.array([1, 1, 0, 1, 0, 0])
    thr, f1 = script.best_threshold(p, y)
    assert f1 == pytest.approx(2 * 3 / (4 + 3))  # flag the top four
    assert 0.3 < thr <= 0.4
    assert script.best_threshold(np.array([0.2, 0.1]), np.array([0, 0]))[0] == 0.5
    thr, f1 = script.best_threshold(np.array([0.9, 0.2]), np.array([1, 0]))
    assert f1 == 1.0 and 0.2 < thr < 0.9


def test_bad_labels_name_file_and_line(tmp_path):
    script = _load_script()
    bad = _write_jsonl(tmp_path / "bad.jsonl", [("ok", []), ("tekst", ["not_a_category"])])
    with pytest.raises(ValueError, match=r"bad\.jsonl:2: unknown categories"):
        script.read_jsonl(bad)
