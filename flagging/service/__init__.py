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

__all__ = ["create_app", "ServiceSettings", "ROLES", "DECISIONS", "STATUS_OF", "STATUSES"]

# The service's vocabulary, here so that the CLI parser can use it without importing SQLAlchemy.
ROLES = ("integrator", "reviewer", "analyst", "admin")
DECISIONS = ("confirm", "reject", "unsure")
#: suggestion status after each decision
STATUS_OF = {"confirm": "confirmed", "reject": "rejected", "unsure": "unsure"}
#: every status a suggestion can have
STATUSES = ("open", *STATUS_OF.values())


def __getattr__(name: str):
    if name == "create_app":
        from flagging.service.app import create_app

        return create_app
    if name == "ServiceSettings":
        from flagging.service.settings import ServiceSettings

        return ServiceSettings
    raise AttributeError(name)
