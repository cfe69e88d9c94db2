"""``flagging serve``, ``flagging keys``, ``flagging audit verify``, ``flagging review export``.

The review service's commands (extra ``service``). Keys are printed once, on
creation, to stdout; everything else about them stays hashed in the store.
"""

from __future__ import annotations

import argparse
import json
import sys

from flagging.service import ROLES
from flagging.service.settings import DEFAULT_DB


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=None,
                   help=f"SQLAlchemy database URL (default: $FLAGGING_SERVICE_DATABASE_URL or {DEFAULT_DB})")


def add_parsers(sub) -> None:
    serve = sub.add_parser("serve", help="run the review service (extra 'service'): API, review page, audit")
    _db(serve)
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--model", default=None, help="scoring model (default: 'default')")
    serve.add_argument("--store-raw-text", action="store_true",
                       help="also store raw note text (off by default: only redacted text is stored)")
    serve.add_argument("--routekaart", default=None, help="YAML with the organisation's route per category")
    serve.add_argument("--max-body-bytes", type=int, default=None)
    serve.add_argument("--rate-limit", type=int, default=None, help="requests per minute per key or address")
    serve.add_argument("--min-cell-count", type=int, default=None, help="suppress area cells below this")
    serve.add_argument("--secure-cookies", action="store_true", help="mark cookies Secure (behind HTTPS)")

    keys = sub.add_parser("keys", help="manage API keys of the review service")
    ks = keys.add_subparsers(dest="keys_command")
    create = ks.add_parser("create", help="create a key and print it once")
    _db(create)
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--name", required=True, help="who or what holds the key")
    create.add_argument("--json", action="store_true", help="print a JSON object instead of the bare key")
    lst = ks.add_parser("list", help="list keys (never the keys themselves)")
    _db(lst)
    rev = ks.add_parser("revoke", help="revoke a key by id")
    _db(rev)
    rev.add_argument("id", type=int)

    audit = sub.add_parser("audit", help="audit log of the review service")
    aus = audit.add_subparsers(dest="audit_command")
    ver = aus.add_parser("verify", help="recompute the hash chain; exit 1 on any edit or deletion")
    _db(ver)

    review = sub.add_parser("review", help="reviewed decisions")
    rs = review.add_subparsers(dest="review_command")
    exp = rs.add_parser("export", help="reviewed notes as a labelled JSONL set for 'flagging evaluate'")
    _db(exp)
    exp.add_argument("-o", "--output", default="-")


def _store(args):
    from flagging.service.settings import ServiceSettings
    from flagging.service.store import Store

    return Store(ServiceSettings.from_env(database_url=args.db).database_url).create_all()


def dispatch(args, parser) -> int | None:
    """Run a service command; None when ``args`` is not one."""
    cmd = args.command
    if cmd == "serve":
        return cmd_serve(args)
    if cmd == "keys":
        if args.keys_command is None:
            parser.parse_args(["keys", "--help"])
        return cmd_keys(args)
    if cmd == "audit":
        if args.audit_command is None:
            parser.parse_args(["audit", "--help"])
        return cmd_audit_verify(args)
    if cmd == "review":
        if args.review_command is None:
            parser.parse_args(["review", "--help"])
        return cmd_review_export(args)
    return None


def cmd_serve(args) -> int:
    try:
        import uvicorn
    except ImportError:
        print("flagging serve needs the 'service' extra: pip install 'flagging[service]'", file=sys.stderr)
        return 1
    from flagging.service.app import create_app
    from flagging.service.settings import ServiceSettings

    settings = ServiceSettings.from_env(
        database_url=args.db, model=args.model, store_raw_text=True if args.store_raw_text else None,
        routekaart_path=args.routekaart, max_body_bytes=args.max_body_bytes,
        rate_limit_per_minute=args.rate_limit, min_cell_count=args.min_cell_count,
        secure_cookies=True if args.secure_cookies else None)
    print(f"flagging serve: http://{args.host}:{args.port} (store {_safe_url(settings.database_url)}; "
          f"raw text stored: {'yes' if settings.store_raw_text else 'no'})", file=sys.stderr)
    # access logs carry paths and ids only (never bodies); they go to stderr like every log here
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning",
                server_header=False, proxy_headers=False)
    return 0


def cmd_keys(args) -> int:
    from sqlalchemy import select

    from flagging.service import keys as keylib
    from flagging.service.store import ApiKey

    store = _store(args)
    if args.keys_command == "create":
        row, key = keylib.create_key(store, args.name, args.role)
        print(json.dumps({"id": row.id, "name": row.name, "role": row.role, "key": key}) if args.json else key)
        print(f"created key {row.id} ({row.role}); it is shown only now", file=sys.stderr)
        return 0
    if args.keys_command == "list":
        with store.read_session() as s:
            for r in s.execute(select(ApiKey).order_by(ApiKey.id)).scalars():
                print(json.dumps({"id": r.id, "name": r.name, "role": r.role, "prefix": r.prefix,
                                  "created_at": r.created_at.isoformat() + "Z", "revoked": r.revoked_at is not None}))
        return 0
    if args.keys_command == "revoke":
        ok = keylib.revoke_key(store, args.id)
        print(f"key {args.id} {'revoked' if ok else 'not found or already revoked'}", file=sys.stderr)
        return 0 if ok else 1
    return 2


def cmd_audit_verify(args) -> int:
    from flagging.service.audit import verify

    result = verify(_store(args))
    print(json.dumps(result.as_dict(), ensure_ascii=False))
    if not result.ok:
        print(f"flagging audit verify: {len(result.problems)} problem(s) in the audit chain", file=sys.stderr)
    return 0 if result.ok else 1


def cmd_review_export(args) -> int:
    from flagging.service.review import export_reviewed

    rows = export_reviewed(_store(args), actor="cli")
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    try:
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"exported {len(rows)} reviewed notes", file=sys.stderr)
    return 0


def _safe_url(url: str) -> str:
    """The URL without a password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return "?"
