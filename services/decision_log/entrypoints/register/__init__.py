"""The public register of algorithms (CRPA L312-1-3): pages, open-data exports, and the
« Signaler une erreur » form. One blueprint; each module adds its routes."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("register", __name__)

from services.decision_log.entrypoints.register import (  # noqa: E402  (routes register on bp)
    exports,
    pages,
    reports,
)

__all__ = ["bp", "exports", "pages", "reports"]
