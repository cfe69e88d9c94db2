"""Scan batches of notes in forked worker processes, results in input order.

Each worker inherits the parent's loaded :class:`~flagging.suggest.Flagger`
through ``fork`` (lexicons, engine and redactor lookups are built once, in
the parent), so no worker loads anything again.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterable, Iterator
from itertools import islice

_WORKER_FLAGGER = None


def _scan_batch(texts: list[str]):
    return list(_WORKER_FLAGGER.scan_many(texts, batch_size=len(texts) or 1))


def _batches(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    it = iter(texts)
    while batch := list(islice(it, size)):
        yield batch


def scan_parallel(flagger, texts: Iterable[str], batch_size: int, n_process: int):
    global _WORKER_FLAGGER
    if n_process < 1:
        n_process = mp.cpu_count()
    if flagger.redact:
        flagger.redactor.warm_up()
    _WORKER_FLAGGER = flagger
    ctx = mp.get_context("fork")
    with ctx.Pool(n_process) as pool:
        for results in pool.imap(_scan_batch, _batches(texts, batch_size)):
            yield from results
