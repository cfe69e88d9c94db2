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


def block_network(mp: pytest.MonkeyPatch) -> None:
    """Make any attempt to open a network connection fail the test (also for module-scoped patches)."""

    def guard(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    mp.setattr(socket.socket, "connect", guard)
    mp.setattr(socket.socket, "connect_ex", guard)
    mp.setattr(socket, "create_connection", guard)
    mp.setattr(socket, "getaddrinfo", guard)


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test on any attempt to open a network connection."""
    block_network(monkeypatch)
    yield


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory):
    os.environ.setdefault("FLAGGING_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
