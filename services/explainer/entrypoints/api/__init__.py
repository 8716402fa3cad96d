"""explainer's HTTP API under /api/v1/explanations."""

from __future__ import annotations

from typing import cast

from flask import current_app

from services.explainer.bootstrap import Explainer


def service() -> Explainer:
    return cast(Explainer, current_app.extensions["explainer"])
