"""Request limits and response headers, as plain ASGI middleware.

- :class:`BodyLimit` answers 413 when a body is larger than the limit, from
  ``Content-Length`` or, for chunked uploads, while reading the body (which
  it then replays to the app).
- :class:`RateLimit` allows N requests per minute per API key (hashed) or,
  without one, per client address; 429 with ``Retry-After`` above it.
- :class:`SecurityHeaders` adds a strict CSP (scripts and styles from the
  app only), no framing, no sniffing, no referrer and no caching of pages
  that show notes.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time

SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                 b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


async def _send_json(send, status: int, body: dict, extra_headers: list | None = None) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra_headers or [])})
    await send({"type": "http.response.body", "body": data})


class BodyLimit:
    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    too_big = True
                if too_big:
                    return await _send_json(send, 413, {"detail": f"request body over {self.max_bytes} bytes"})
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
            return await self.app(scope, receive, send)
        # no (trusted) length: read the body here, up to the limit, then replay it to the app
        chunks, seen, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # client went away
            chunks.append(message.get("body", b""))
            seen += len(chunks[-1])
            if seen > self.max_bytes:
                return await _send_json(send, 413, {"detail": f"request body over {self.max_bytes} bytes"})
            more = message.get("more_body", False)
        body, replayed = b"".join(chunks), False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class RateLimit:
    """Fixed one-minute windows per client identity; memory only (per process)."""

    def __init__(self, app, per_minute: int):
        self.app, self.per_minute = app, per_minute
        self._windows: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def _identity(self, scope) -> str:
        for name, value in scope.get("headers", []):
            if name in (b"x-api-key", b"authorization", b"cookie"):
                return "k:" + hashlib.sha256(value).hexdigest()[:32]
        client = scope.get("client") or ("?", 0)
        return f"a:{client[0]}"

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.per_minute <= 0 or scope.get("path") == "/health":
            return await self.app(scope, receive, send)
        ident, window = self._identity(scope), int(time.time() // 60)
        with self._lock:
            start, count = self._windows.get(ident, (window, 0))
            if start != window:
                start, count = window, 0
                if len(self._windows) > 10000:
                    self._windows = {k: v for k, v in self._windows.items() if v[0] == window}
            count += 1
            self._windows[ident] = (start, count)
        if count > self.per_minute:
            retry = str(60 - int(time.time()) % 60).encode()
            return await _send_json(send, 429, {"detail": "rate limit exceeded"}, [(b"retry-after", retry)])
        return await self.app(scope, receive, send)


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in present]
            await send(message)

        await self.app(scope, receive, with_headers)
