"""The review service (extra ``service``): a FastAPI app over a SQL store.

Integrators scan and redact through it, reviewers decide on suggestions on a
server-rendered page, analysts read area summaries of confirmed decisions.
It stores redacted text only (unless the operator turns raw storage on),
checks an API-key role on every endpoint and appends every scan, view and
decision to a hash-chained audit log. It suggests; a person decides; it
sends nothing anywhere.

``create_app(settings)`` builds the app; ``flagging serve`` runs it.
"""

from __future__ import annotations

__all__ = ["create_app", "ServiceSettings"]


def __getattr__(name: str):
    if name == "create_app":
        from flagging.service.app import create_app

        return create_app
    if name == "ServiceSettings":
        from flagging.service.settings import ServiceSettings

        return ServiceSettings
    raise AttributeError(name)
