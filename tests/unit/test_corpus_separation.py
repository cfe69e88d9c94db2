"""The training corpus of the learned scorer shares no note and no sentence with the evaluation dev/test notes."""

import importlib.util
import json

from tests.conftest import REPO


def _load(path):
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]


def _build_module():
    spec = importlib.util.spec_from_file_location("build_corpus", REPO / "models" / "data" / "build_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_no_note_and_no_sentence_in_both():
    mod = _build_module()
    corpus = _load(REPO / "models" / "data" / "corpus.jsonl")
    held_out = []
    for split in ("dev", "test"):
        held_out += _load(REPO / "evaluation" / "data" / f"{split}.jsonl")
    assert not {n["id"] for n in corpus} & {n["id"] for n in held_out}
    assert not {n["text"] for n in corpus} & {n["text"] for n in held_out}
    held_sentences = set().union(*(mod.sentences(n["text"]) for n in held_out))
    shared = [n["id"] for n in corpus if mod.sentences(n["text"]) & held_sentences]
    assert shared == []


def test_corpus_has_fixed_train_and_dev_splits_of_enough_notes():
    corpus = _load(REPO / "models" / "data" / "corpus.jsonl")
    splits = {n["split"] for n in corpus}
    assert splits == {"train", "dev"}
    assert len(corpus) >= 1500 - 20
