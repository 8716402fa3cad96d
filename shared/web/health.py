"""Liveness, readiness and Prometheus metrics, the same on every service."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping

from flask import Blueprint, Response, jsonify
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)

log = logging.getLogger(__name__)


def _metrics_registry() -> CollectorRegistry:
    # Under gunicorn each worker counts on its own; the multiprocess directory adds them up.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


def health_blueprint(checks: Mapping[str, Callable[[], None]]) -> Blueprint:
    """`/healthz` (the process answers), `/readyz` (its dependencies answer), `/metrics`."""
    blueprint = Blueprint("health", __name__)

    @blueprint.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @blueprint.get("/readyz")
    def readyz() -> tuple[Response, int]:
        failures = {}
        for name, check in checks.items():
            try:
                check()
            except Exception as exc:
                log.warning("not ready", extra={"check": name, "error": repr(exc)})
                failures[name] = "unavailable"
        status = 503 if failures else 200
        return jsonify(
            status="unavailable" if failures else "ready",
            checks={name: failures.get(name, "ok") for name in checks},
        ), status

    @blueprint.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(_metrics_registry()), mimetype=CONTENT_TYPE_LATEST)

    return blueprint
