"""Shared fixtures: one Flagger and one Redactor per session (loading is the slow part)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def flagger():
    from flagging import Flagger

    return Flagger(redact=False)


@pytest.fixture(scope="session")
def redactor():
    from flagging.redact.redactor import Redactor

    return Redactor().warm_up(progress=False)


@pytest.fixture(scope="session")
def full_flagger(redactor):
    from flagging import Flagger

    return Flagger(redactor=redactor)


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test on any attempt to open a network connection."""

    def guard(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", guard)
    monkeypatch.setattr(socket.socket, "connect_ex", guard)
    monkeypatch.setattr(socket, "create_connection", guard)
    monkeypatch.setattr(socket, "getaddrinfo", guard)
    yield


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory):
    os.environ.setdefault("FLAGGING_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
