"""Load test of the review service: N concurrent clients against 127.0.0.1 for a bounded time.

Starts ``flagging serve`` on a fresh SQLite file (or uses ``--url`` with keys
given), then runs ``--clients`` threads for ``--seconds``. Each client loops:
scan a note from the bundled examples (integrator key), list open
suggestions, open one and record a decision (reviewer key), and now and then
read the area summary (analyst key). Prints requests/s, latency p50/p95/max
per endpoint, errors by status, and checks that every decision the server
acknowledged (201) is in the database afterwards (lost decisions).

    python benchmarks/service_load.py --clients 20 --seconds 60
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

from flagging.service.localserver import LocalServer

REPO = Path(__file__).resolve().parent.parent


def load_notes() -> list[dict]:
    with open(REPO / "examples" / "notes.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.decisions: list[int] = []

    def add(self, name: str, seconds: float, status: int | str, ok: bool) -> None:
        with self.lock:
            self.latency[name].append(seconds)
            if not ok:
                self.errors[f"{name}:{status}"] += 1


def client_loop(url: str, keys: dict[str, str], notes: list[dict], stop: float, stats: Stats, seed: int) -> None:
    rng = random.Random(seed)
    areas = ["wijk-noord", "wijk-zuid", "wijk-oost", "wijk-west"]
    with httpx.Client(base_url=url, timeout=60) as c:

        def call(name, method, path, role, expect=200, **kw):
            t0 = time.perf_counter()
            try:
                r = c.request(method, path, headers={"X-API-Key": keys[role]}, **kw)
                stats.add(name, time.perf_counter() - t0, r.status_code, r.status_code == expect)
                return r if r.status_code == expect else None
            except httpx.HTTPError as exc:
                stats.add(name, time.perf_counter() - t0, type(exc).__name__, False)
                return None

        n = 0
        while time.monotonic() < stop:
            note = rng.choice(notes)
            n += 1
            call("scan", "POST", "/api/v1/scan", "integrator",
                 json={"id": f"{note['id']}-{seed}-{n}", "text": note["text"], "area": rng.choice(areas),
                       "date": f"2026-{rng.randint(1, 11):02d}-01"})
            r = call("list", "GET", "/api/v1/suggestions", "reviewer", params={"limit": 20})
            if r is not None and r.json():
                sid = rng.choice(r.json())["id"]
                call("view", "GET", f"/api/v1/suggestions/{sid}", "reviewer")
                d = call("decide", "POST", f"/api/v1/suggestions/{sid}/decision", "reviewer", expect=201,
                         json={"decision": rng.choice(["confirm", "confirm", "reject", "unsure"]),
                               "reason": "load test"})
                if d is not None:
                    with stats.lock:
                        stats.decisions.append(d.json()["id"])
            if n % 10 == 0:
                call("areas", "GET", "/api/v1/areas/summary", "analyst")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--model", default="rules", help="model of the started server (default rules)")
    ap.add_argument("--db", help="SQLite file for the started server (default: a temporary one)")
    args = ap.parse_args(argv)

    tmp = tempfile.TemporaryDirectory()
    db = Path(args.db) if args.db else Path(tmp.name) / "load.db"
    server = LocalServer(db, model=args.model, extra_args=["--rate-limit", "1000000"])
    keys = {role: server.create_key(role, f"load-{role}") for role in ("integrator", "reviewer", "analyst")}
    print(f"starting server ({args.model}) on {server.url} ...", file=sys.stderr)
    with server:
        notes, stats = load_notes(), Stats()
        stop = time.monotonic() + args.seconds
        t0 = time.perf_counter()
        threads = [threading.Thread(target=client_loop, args=(server.url, keys, notes, stop, stats, i))
                   for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
    con = sqlite3.connect(db)
    stored = {i for (i,) in con.execute("SELECT id FROM decisions")}
    audit_decisions = con.execute("SELECT count(*) FROM audit_log WHERE action = 'decision'").fetchone()[0]
    con.close()
    lost = [i for i in stats.decisions if i not in stored]

    total = sum(len(v) for v in stats.latency.values())
    print(f"clients {args.clients}, {elapsed:.1f} s, model {args.model}")
    print(f"requests {total}, {total / elapsed:.1f} requests/s, errors {sum(stats.errors.values())}")
    print(f"{'endpoint':<8} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, vals in sorted(stats.latency.items()):
        print(f"{name:<8} {len(vals):>6} {1000 * statistics.median(vals):>8.1f} {1000 * pct(vals, .95):>8.1f} "
              f"{1000 * max(vals):>8.1f}")
    every = [v for vals in stats.latency.values() for v in vals]
    print(f"{'all':<8} {len(every):>6} {1000 * statistics.median(every):>8.1f} {1000 * pct(every, .95):>8.1f} "
          f"{1000 * max(every):>8.1f}")
    if stats.errors:
        print("errors:", dict(stats.errors))
    print(f"decisions acknowledged {len(stats.decisions)}, stored {len(stored)}, lost {len(lost)}, "
          f"audit entries for decisions {audit_decisions}")
    ok = not stats.errors and not lost and audit_decisions == len(stored)
    print("result:", "OK (no errors, no lost decision)" if ok else "FAILED")
    tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
