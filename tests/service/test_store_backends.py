"""Concurrent scans and decisions keep the audit chain whole, on SQLite and (when given) PostgreSQL.

PostgreSQL runs when ``FLAGGING_TEST_POSTGRES_URL`` names an empty database, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/review`` (needs ``psycopg``).
"""

from __future__ import annotations

import os
import threading

import pytest

URLS = ["sqlite"] + ([os.environ["FLAGGING_TEST_POSTGRES_URL"]] if os.environ.get("FLAGGING_TEST_POSTGRES_URL")
                     else [])


@pytest.mark.parametrize("backend", URLS)
def test_concurrent_writes_keep_the_chain(tmp_path, redactor, backend):
    from fastapi.testclient import TestClient

    from flagging import Flagger
    from flagging.service.app import create_app
    from flagging.service.audit import verify
    from flagging.service.keys import create_key
    from flagging.service.settings import ServiceSettings

    url = f"sqlite:///{tmp_path}/c.db" if backend == "sqlite" else backend
    app = create_app(ServiceSettings(database_url=url), flagger=Flagger(model="rules", redactor=redactor))
    _, ik = create_key(app.state.store, "i", "integrator")
    _, rk = create_key(app.state.store, "r", "reviewer")
    codes: list[int] = []

    with TestClient(app) as client:
        def work(i: int) -> None:
            r = client.post("/api/v1/scan", headers={"X-API-Key": ik},
                            json={"id": f"n{i}", "text": "Bij binnenkomst een sterke wietlucht in de gang.",
                                  "area": "wijk", "date": "2026-10-01"})
            for sid in r.json()["suggestion_ids"]:
                codes.append(client.post(f"/api/v1/suggestions/{sid}/decision", headers={"X-API-Key": rk},
                                         json={"decision": "confirm"}).status_code)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert codes == [201] * 12
    result = verify(app.state.store)
    assert result.ok, result.problems
    assert result.entries >= 2 + 12 * 2  # two keys, then a scan and a decision per note
