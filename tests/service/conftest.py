"""A real review server (uvicorn on 127.0.0.1, SQLite file) shared by the service tests."""

from __future__ import annotations

import os
import sqlite3

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
pytest.importorskip("sqlalchemy")
httpx = pytest.importorskip("httpx")

from flagging.service.localserver import LocalServer  # noqa: E402

# Notes that the rule scorer flags (real Dutch, fictional people), and one that it must not flag.
SIGNAL_NOTES = [
    "HB bij mw. Fatima El Idrissi, Lindelaan 12. In de woning hing een sterke wietlucht en de zolderramen "
    "waren van binnen afgeplakt met zwart plastic. Cl. wilde niet dat ik boven keek.",
    "Tel. contact met dhr. Pieter de Vries (06-12345678). Hij vertelt dat zijn zoon van 15 pakketjes moet "
    "wegbrengen voor oudere jongens uit de buurt en daar geld voor krijgt.",
    "Gesprek met cl. over de schulden. Ze moet geld terugbetalen aan een kennis en die dreigt dat er iets "
    "gebeurt als ze niet op tijd betaalt. Ze durft niet te zeggen wie het is.",
]
PLAIN_NOTE = "Cl. heeft een betalingsregeling met de Belastingdienst afgesproken en de huur is weer bij."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("service")
    # FLAGGING_SERVICE_TEST_MODEL=default runs these tests on the packaged model (slower start)
    srv = LocalServer(tmp / "review.db", model=os.environ.get("FLAGGING_SERVICE_TEST_MODEL", "rules"), extra_args=["--max-body-bytes", "65536", "--rate-limit", "100000",
                                                     "--min-cell-count", "3"])
    srv.keys = {role: srv.create_key(role) for role in ("integrator", "reviewer", "analyst", "admin")}
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


def headers(server, role: str) -> dict[str, str]:
    return {"X-API-Key": server.keys[role]}


def db_rows(server, sql: str, params: tuple = ()) -> list[tuple]:
    con = sqlite3.connect(server.db_path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()
