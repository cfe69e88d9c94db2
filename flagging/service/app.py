"""The FastAPI app: JSON API for integrators, review pages for people.

Every endpoint checks a role (see :data:`flagging.service.keys.PERMISSIONS`):
the API takes the key in ``X-API-Key`` (or ``Authorization: Bearer``); the
pages take a login cookie created from a key on ``/login``, and every form
carries a CSRF token bound to that login. No key: 401. Wrong role: 403.
Interactive API docs are served by the app itself (``/docs`` renders
``/openapi.json``), not from a CDN: nothing here calls out.
"""


import hmac
import secrets
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs

import yaml
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field

from flagging import __version__
from flagging.lexicon.loader import CATEGORIES
from flagging.service import DECISIONS, ROLES, STATUSES
from flagging.service import keys as keylib
from flagging.service.pages import area_chart_svg, highlight_segments
from flagging.service.review import ReviewService
from flagging.service.security import BodyLimit, RateLimit, SecurityHeaders
from flagging.service.settings import ServiceSettings
from flagging.service.store import ApiKey, Store, WebSession, utcnow

HERE = Path(__file__).parent
SESSION_COOKIE = "flagging_session"
LOGIN_CSRF_COOKIE = "flagging_login_csrf"


class NoteIn(BaseModel):
    id: str = Field(min_length=1, max_length=200, description="the note's id in the registration system")
    text: str = Field(min_length=1, description="the note text (raw; only its redacted form is stored)")
    area: str | None = Field(default=None, max_length=100, description="area code for area summaries")
    date: str | None = Field(default=None, max_length=40, description="note date, YYYY-MM-DD")


class RedactIn(BaseModel):
    id: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1)


class DecisionIn(BaseModel):
    decision: Literal[DECISIONS]
    reason: str = Field(default="", max_length=2000)


class KeyIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    role: Literal[ROLES]


def load_routekaart(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    default = data.get("default") or {}
    routes = {cat: {**default, **(data.get("categories") or {}).get(cat, {})} for cat in CATEGORIES}
    return {"organisation": data.get("organisation", ""), "version": data.get("version", ""), "routes": routes}


def create_app(settings: ServiceSettings | None = None, flagger=None) -> FastAPI:
    """Build the app. ``flagger`` defaults to ``Flagger(model=settings.model)``, loaded at startup."""
    settings = settings or ServiceSettings.from_env()
    store = Store(settings.database_url).create_all()
    routekaart = load_routekaart(settings.routekaart_file())
    state: dict[str, Any] = {"service": None}
    templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))

    def service() -> ReviewService:
        if state["service"] is None:
            from flagging.suggest import Flagger

            f = flagger or Flagger(model=settings.model)
            if f.redact:
                f.redactor.warm_up(progress=False)
            state["service"] = ReviewService(store, f, store_raw_text=settings.store_raw_text,
                                             min_cell_count=settings.min_cell_count)
        return state["service"]

    @asynccontextmanager
    async def lifespan(_app):
        await run_in_threadpool(service)  # load lexicons, model and redaction lookups before serving
        yield
        store.dispose()

    app = FastAPI(title="flagging review service", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None,
                  description="Suggests review flags for signals of undermining in Dutch case notes. "
                              "It suggests; a person decides. Nothing is reported, filed or sent.")
    app.state.store, app.state.settings = store, settings
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    # -- authentication ---------------------------------------------------------------------------
    def api_key(permission: str):
        def dependency(request: Request) -> ApiKey:
            presented = request.headers.get("x-api-key", "")
            auth = request.headers.get("authorization", "")
            if not presented and auth.lower().startswith("bearer "):
                presented = auth[7:].strip()
            if not presented:
                raise HTTPException(401, "missing API key (X-API-Key header)",
                                    headers={"WWW-Authenticate": "ApiKey"})
            with store.read_session() as s:
                row = keylib.lookup(s, presented)
            if row is None:
                raise HTTPException(401, "invalid or revoked API key", headers={"WWW-Authenticate": "ApiKey"})
            if not keylib.allowed(row.role, permission):
                raise HTTPException(403, f"role '{row.role}' may not use this endpoint")
            return row

        return dependency

    ScanKey = Annotated[ApiKey, Depends(api_key("scan"))]
    RedactKey = Annotated[ApiKey, Depends(api_key("redact"))]
    ReviewKey = Annotated[ApiKey, Depends(api_key("review"))]
    ExportKey = Annotated[ApiKey, Depends(api_key("export"))]
    AreasKey = Annotated[ApiKey, Depends(api_key("areas"))]
    AdminKey = Annotated[ApiKey, Depends(api_key("keys"))]

    class _LoginRequired(Exception):
        """A page needs a login: answered with a redirect to /login."""

    def page_login(request: Request) -> tuple[ApiKey, WebSession] | None:
        token = request.cookies.get(SESSION_COOKIE, "")
        if not token:
            return None
        with store.read_session() as s:
            ws = s.get(WebSession, keylib.hash_key(token))
            if ws is None or ws.expires_at < utcnow():
                return None
            key = s.get(ApiKey, ws.key_id)
            if key is None or key.revoked_at is not None:
                return None
            return key, ws

    def page_auth(request: Request, permission: str) -> tuple[ApiKey, WebSession]:
        login = page_login(request)
        if login is None:
            raise _LoginRequired()
        if not keylib.allowed(login[0].role, permission):
            raise HTTPException(403, f"role '{login[0].role}' may not open this page")
        return login

    @app.exception_handler(_LoginRequired)
    async def _to_login(request: Request, _exc):
        return RedirectResponse("/login?next=" + request.url.path, status_code=303)

    def render(template: str, status_code: int = 200, **ctx) -> HTMLResponse:
        return HTMLResponse(templates.get_template(template).render(**ctx), status_code=status_code)

    async def form_data(request: Request) -> dict[str, str]:
        body = (await request.body()).decode("utf-8", "replace")
        return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}

    def csrf_ok(expected: str, given: str) -> bool:
        return bool(expected) and bool(given) and hmac.compare_digest(expected, given)

    # -- health and docs --------------------------------------------------------------------------
    @app.get("/health", tags=["service"])
    def health() -> dict[str, Any]:
        """Liveness and readiness: database reachable, pipeline loaded."""
        counts = store_ok = None
        try:
            counts = service().counts() if state["service"] else None
            store_ok = True
        except Exception:  # noqa: BLE001 - health reports, never raises
            store_ok = False
        return {"status": "ok" if store_ok and state["service"] else "starting", "version": __version__,
                "database": "ok" if store_ok else "error", "counts": counts}

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> HTMLResponse:
        return render("docs.html", schema=app.openapi(), title="API")

    # -- integrator API ---------------------------------------------------------------------------
    @app.post("/api/v1/scan", tags=["integrator"])
    def scan(note: NoteIn, key: ScanKey) -> dict[str, Any]:
        """Scan one note: the contract's scan record plus the ids of the stored suggestions.

        Only the redacted text and evidence offsets are stored (raw text only when the
        operator set ``store_raw_text``). The response goes to the caller only.
        """
        if not note.text.strip():
            raise HTTPException(422, "text is empty or only whitespace")
        limit = int(service().flagger.config["limits"]["max_chars"])
        if len(note.text) > limit:
            raise HTTPException(413, f"text is longer than {limit} characters")
        return service().scan(key, note.id, note.text, note.area, note.date)

    @app.post("/api/v1/redact", tags=["integrator"])
    def redact(note: RedactIn, key: RedactKey) -> dict[str, Any]:
        """Redact one note (the contract's redact record). Nothing is stored but an audit entry."""
        return service().redact(key, note.id, note.text)

    # -- reviewer API -----------------------------------------------------------------------------
    @app.get("/api/v1/suggestions", tags=["reviewer"])
    def list_suggestions(key: ReviewKey,
                         status: Literal[(*STATUSES, "all")] = "open",
                         category: str | None = Query(default=None), limit: int = Query(50, ge=1, le=500),
                         offset: int = Query(0, ge=0)):
        """Suggestions to review, highest score first (no note text in the list)."""
        if category is not None and category not in CATEGORIES:
            raise HTTPException(422, f"unknown category {category!r}")
        return service().list_suggestions(key, None if status == "all" else status, category, limit, offset)

    @app.get("/api/v1/suggestions/{suggestion_id}", tags=["reviewer"])
    def get_suggestion(suggestion_id: int, key: ReviewKey):
        """One suggestion: redacted note, evidence (offsets into the redacted text), context, route."""
        out = service().get_suggestion(key, suggestion_id)
        if out is None:
            raise HTTPException(404, "no such suggestion")
        out["route"] = routekaart["routes"].get(out["category"])
        return out

    @app.post("/api/v1/suggestions/{suggestion_id}/decision", status_code=201, tags=["reviewer"])
    def decide(suggestion_id: int, body: DecisionIn, key: ReviewKey):
        """Record a reviewer's decision (confirm / reject / unsure, with a reason)."""
        out = service().decide(key, suggestion_id, body.decision, body.reason)
        if out is None:
            raise HTTPException(404, "no such suggestion")
        return out

    @app.get("/api/v1/export/decisions", tags=["reviewer"])
    def export(key: ExportKey) -> Response:
        """Reviewed notes as JSON Lines for ``flagging evaluate`` (precision in practice)."""
        import json

        rows = service().export_decisions(key)
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        return PlainTextResponse(body, media_type="application/x-ndjson")

    # -- analyst API ------------------------------------------------------------------------------
    @app.get("/api/v1/areas/summary", tags=["analyst"])
    def areas(key: AreasKey, since: str | None = Query(default=None, pattern=r"^\d{4}-\d{2}"),
              until: str | None = Query(default=None, pattern=r"^\d{4}-\d{2}")):
        """Confirmed suggestions per category, area and month; small cells suppressed."""
        return service().area_summary(key, since, until)

    # -- admin API --------------------------------------------------------------------------------
    @app.post("/api/v1/keys", status_code=201, tags=["admin"])
    def create_key(body: KeyIn, key: AdminKey):
        """Create an API key; the key is in this response only."""
        row, secret = keylib.create_key(store, body.name, body.role, actor=f"key:{key.id}:{key.role}")
        return {"id": row.id, "name": row.name, "role": row.role, "key": secret}

    @app.get("/api/v1/keys", tags=["admin"])
    def list_keys(key: AdminKey):
        from sqlalchemy import select

        with store.read_session() as s:
            rows = s.execute(select(ApiKey).order_by(ApiKey.id)).scalars().all()
            return [{"id": r.id, "name": r.name, "role": r.role, "prefix": r.prefix,
                     "created_at": r.created_at.isoformat() + "Z",
                     "revoked": r.revoked_at is not None} for r in rows]

    @app.delete("/api/v1/keys/{key_id}", tags=["admin"])
    def revoke(key_id: int, key: AdminKey):
        if not keylib.revoke_key(store, key_id, actor=f"key:{key.id}:{key.role}"):
            raise HTTPException(404, "no such active key")
        return {"id": key_id, "revoked": True}

    # -- pages ------------------------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def home(request: Request):
        login = page_login(request)
        if login is None:
            return RedirectResponse("/login", status_code=303)
        return RedirectResponse("/areas" if login[0].role in ("analyst", "admin") else "/review", status_code=303)

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str = "/", error: str = ""):
        token = secrets.token_urlsafe(24)
        resp = render("login.html", csrf_token=token, next=_safe_next(next), error=error, title="Inloggen")
        resp.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=settings.secure_cookies,
                        max_age=1800)
        return resp

    @app.post("/login", include_in_schema=False)
    async def login(request: Request):
        form = await form_data(request)
        nxt = _safe_next(form.get("next", "/"))
        if not csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE, ""), form.get("csrf_token", "")):
            raise HTTPException(403, "CSRF token missing or wrong; reload the login page")

        def check():
            with store.write_session() as s:
                key = keylib.lookup(s, form.get("key", "").strip())
                if key is None:
                    return None
                token = secrets.token_urlsafe(32)
                s.add(WebSession(token_hash=keylib.hash_key(token), key_id=key.id,
                                 csrf_token=secrets.token_urlsafe(32),
                                 expires_at=utcnow() + timedelta(minutes=settings.session_minutes)))
                from flagging.service import audit

                audit.append(s, f"key:{key.id}:{key.role}", "login", "", {})
                return token

        token = await run_in_threadpool(check)
        if token is None:
            return RedirectResponse("/login?error=1&next=" + nxt, status_code=303)
        resp = RedirectResponse(nxt, status_code=303)
        resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", secure=settings.secure_cookies,
                        max_age=settings.session_minutes * 60)
        resp.delete_cookie(LOGIN_CSRF_COOKIE)
        return resp

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request):
        form = await form_data(request)
        login = page_login(request)
        if login is not None and csrf_ok(login[1].csrf_token, form.get("csrf_token", "")):
            def drop():
                with store.write_session() as s:
                    ws = s.get(WebSession, login[1].token_hash)
                    if ws is not None:
                        s.delete(ws)
            await run_in_threadpool(drop)
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(SESSION_COOKIE)
        return resp

    @app.get("/review", response_class=HTMLResponse, include_in_schema=False)
    def review_list(request: Request, status: str = "open", done: int | None = None):
        key, ws = page_auth(request, "review")
        if status not in (*STATUSES, "all"):
            status = "open"
        rows = service().list_suggestions(key, None if status == "all" else status, None, 200, 0)
        return render("review_list.html", rows=rows, status=status, done=done, csrf_token=ws.csrf_token,
                      role=key.role, labels=_labels(routekaart), title="Te beoordelen")

    @app.get("/review/{suggestion_id}", response_class=HTMLResponse, include_in_schema=False)
    def review_page(request: Request, suggestion_id: int, done: int | None = None):
        key, ws = page_auth(request, "review")
        item = service().get_suggestion(key, suggestion_id)
        if item is None:
            raise HTTPException(404, "no such suggestion")
        segments = highlight_segments(item["redacted_text"], item["category"], item["evidence"],
                                      item["other_suggestions"])
        return render("review.html", item=item, segments=segments, route=routekaart["routes"][item["category"]],
                      organisation=routekaart["organisation"], labels=_labels(routekaart),
                      csrf_token=ws.csrf_token, done=done, role=key.role, decisions=DECISIONS,
                      title=f"Suggestie {item['id']}")

    @app.post("/review/{suggestion_id}/decision", include_in_schema=False)
    async def review_decide(request: Request, suggestion_id: int):
        key, ws = page_auth(request, "review")
        form = await form_data(request)
        if not csrf_ok(ws.csrf_token, form.get("csrf_token", "")):
            raise HTTPException(403, "CSRF token missing or wrong; reload the page")
        decision = form.get("decision", "")
        if decision not in DECISIONS:
            raise HTTPException(422, f"decision must be one of {', '.join(DECISIONS)}")
        out = await run_in_threadpool(service().decide, key, suggestion_id, decision, form.get("reason", ""))
        if out is None:
            raise HTTPException(404, "no such suggestion")
        nxt = await run_in_threadpool(service().next_open, suggestion_id)
        target = f"/review/{nxt}?done={suggestion_id}" if nxt else f"/review?done={suggestion_id}"
        return RedirectResponse(target, status_code=303)

    @app.get("/areas", response_class=HTMLResponse, include_in_schema=False)
    def areas_page(request: Request):
        key, ws = page_auth(request, "areas")
        summary = service().area_summary(key)
        return render("areas.html", summary=summary, chart=area_chart_svg(summary["cells"], _labels(routekaart)),
                      labels=_labels(routekaart), csrf_token=ws.csrf_token, role=key.role, title="Gebieden")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return render("error.html", status_code=exc.status_code, code=exc.status_code, detail=exc.detail,
                      title="Fout")

    app.add_middleware(RateLimit, per_minute=settings.rate_limit_per_minute)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    return app


def _labels(routekaart: dict) -> dict[str, str]:
    return {c: r.get("label", c) for c, r in routekaart["routes"].items()}


def _safe_next(value: str) -> str:
    """Only local paths after login (no open redirect)."""
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value
