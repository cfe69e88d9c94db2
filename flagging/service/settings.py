"""Operator settings of the review service, from arguments or ``FLAGGING_SERVICE_*`` variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

DEFAULT_DB = "sqlite:///flagging-review.db"


@dataclass
class ServiceSettings:
    """What an operator may set. Defaults are the private, safe choice."""

    #: SQLAlchemy URL: a SQLite file by default, ``postgresql+psycopg://...`` works too.
    database_url: str = DEFAULT_DB
    #: Keep the raw note text next to the redacted one. Off: only redacted text is stored.
    store_raw_text: bool = False
    #: Largest accepted request body in bytes (413 above it).
    max_body_bytes: int = 256 * 1024
    #: Requests per minute per API key (or per client address before authentication); 429 above it.
    rate_limit_per_minute: int = 1200
    #: Area summary cells with fewer confirmed decisions than this are suppressed.
    min_cell_count: int = 5
    #: The organisation's route per category (YAML); empty: the packaged example routekaart.
    routekaart_path: str = ""
    #: Scoring model for the scan endpoint ("default", "rules", a folder, models:/NAME@ALIAS).
    model: str = "default"
    #: Minutes a review-page login stays valid.
    session_minutes: int = 480
    #: Mark cookies Secure (set when served over HTTPS behind a proxy).
    secure_cookies: bool = False

    @classmethod
    def from_env(cls, **overrides) -> ServiceSettings:
        """Defaults, then ``FLAGGING_SERVICE_<FIELD>`` variables, then explicit overrides (not None)."""
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f"FLAGGING_SERVICE_{f.name.upper()}")
            if raw is None:
                continue
            if f.type in ("bool", bool):
                values[f.name] = raw.strip().lower() in ("1", "true", "yes", "on")
            elif f.type in ("int", int):
                values[f.name] = int(raw)
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def routekaart_file(self) -> Path:
        return Path(self.routekaart_path) if self.routekaart_path else Path(__file__).with_name("routekaart.yaml")
