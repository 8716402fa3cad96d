"""One public origin for the three services: the routing table and the embedded dispatcher.

The distributed deployment's nginx gateway (deploy/gateway/nginx.conf) routes the same
prefixes; a test keeps the two in step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from werkzeug.exceptions import NotFound

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# Longest prefix wins; a prefix ending in "/" also matches the path without it.
ROUTES: tuple[tuple[str, str], ...] = (
    ("/api/v1/decisions", "decision_log"),
    ("/api/v1/algorithms", "decision_log"),
    ("/api/v1/log", "decision_log"),
    ("/api/v1/quarantine", "decision_log"),
    ("/api/v1/openapi/decision_log", "decision_log"),
    ("/api/v1/audit/decision_log", "decision_log"),
    ("/register", "decision_log"),
    ("/healthz", "decision_log"),
    ("/readyz", "decision_log"),
    ("/metrics", "decision_log"),
    ("/static/", "decision_log"),
    ("/api/v1/explanations", "explainer"),
    ("/api/v1/openapi/explainer", "explainer"),
    ("/api/v1/audit/explainer", "explainer"),
    ("/d/", "explainer"),
    ("/", "explainer"),
    ("/api/v1/appeals", "appeals"),
    ("/api/v1/openapi/appeals", "appeals"),
    ("/api/v1/audit/appeals", "appeals"),
    ("/console/", "appeals"),
)

# Served to operators on each service's own port; the public gateway refuses them.
OPERATOR_ONLY = ("/metrics",)

# Checked before the prefixes: the person's contestation lives under their decision's page.
PATTERNS: tuple[tuple[str, str], ...] = ((r"^/d/[^/]+/(contester|recours)(/|$)", "appeals"),)


def service_for(path: str, routes: Iterable[tuple[str, str]] = ROUTES) -> str:
    """The service that owns `path`."""
    for pattern, service in PATTERNS:
        if re.match(pattern, path):
            return service
    best, owner = -1, "explainer"
    for prefix, service in routes:
        bare = prefix.rstrip("/") or "/"
        matches = path == bare or path.startswith(prefix) if prefix != "/" else True
        if matches and len(prefix) > best:
            best, owner = len(prefix), service
    return owner


class PathDispatcher:
    """A WSGI app that hands each request to the service owning its path."""

    def __init__(
        self,
        apps: Mapping[str, WsgiApp],
        routes: Iterable[tuple[str, str]] = ROUTES,
        overrides: Mapping[str, WsgiApp] | None = None,
    ) -> None:
        self._apps = dict(apps)
        self._routes = tuple(routes)
        self._overrides = dict(overrides or {})

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "/") or "/"
        if path in OPERATOR_ONLY:  # as the nginx gateway: operators use each service's port
            return NotFound()(environ, start_response)
        if path in self._overrides:
            return self._overrides[path](environ, start_response)
        service = service_for(path, self._routes)
        app = self._apps.get(service) or next(iter(self._apps.values()))
        return app(environ, start_response)
