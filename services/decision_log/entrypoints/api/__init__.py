"""decision_log's HTTP API under /api/v1."""

from __future__ import annotations

from typing import cast

from flask import current_app

from services.decision_log.bootstrap import DecisionLog


def service() -> DecisionLog:
    return cast(DecisionLog, current_app.extensions["decision_log"])
