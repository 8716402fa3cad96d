"""The application factory every service starts from: config, security, errors, health."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import flask_smorest
from flask import Blueprint, Flask, g, request
from jinja2 import ChoiceLoader, FileSystemLoader
from prometheus_client import Counter, Histogram
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from shared.config import Settings
from shared.web.errors import ExpliciteApi, ValidationParser, register_error_handlers
from shared.web.health import health_blueprint
from shared.web.limits import BodyLimits, guard_api_bodies
from shared.web.security import install_security

log = logging.getLogger(__name__)
_SHARED = Path(__file__).parent

REQUESTS = Counter(
    "explicite_http_requests_total", "HTTP requests", ["service", "method", "status"]
)
LATENCY = Histogram(
    "explicite_http_request_seconds",
    "HTTP request duration",
    ["service"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)


class DatabaseId(IntegerConverter):
    """`<int:…>` in our routes: an id the databases can hold, else simply 404."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(url_map, *args, **kwargs)


def small_number(value: str) -> int:
    """A query string's positive number that an INTEGER column holds (a version, a page);
    ValueError otherwise, so that `request.args.get(name, type=small_number)` ignores it."""
    number = int(value)
    if not 1 <= number <= 2**31 - 1:
        raise ValueError(f"{value} is not a number between 1 and 2^31 - 1")
    return number


class ApiBlueprint(flask_smorest.Blueprint):
    """A flask-smorest blueprint whose validation errors are 400, as contract v1 says."""

    ARGUMENTS_PARSER = ValidationParser()


def create_service_app(
    import_name: str,
    settings: Settings,
    *,
    service: str,
    title: str,
    readiness: Mapping[str, Callable[[], None]],
    max_body_bytes: int | None = None,
) -> tuple[Flask, ExpliciteApi]:
    """A Flask app with the project's conventions and a flask-smorest Api under /api/v1."""
    app = Flask(import_name, static_folder=None)
    app.url_map.converters["int"] = DatabaseId
    max_bytes = max_body_bytes or settings.max_body_bytes
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=max_bytes,
        MAX_FORM_MEMORY_SIZE=max_bytes,
        EXPLICITE_SETTINGS=settings,
        API_TITLE=title,
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=f"/api/v1/openapi/{service}",
        OPENAPI_JSON_PATH="openapi.json",
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(Path(app.root_path) / "templates")),
            FileSystemLoader(str(_SHARED / "templates")),
        ]
    )
    install_security(app, secure_cookies=settings.public_url.startswith("https://"))
    if settings.trusted_proxies:
        # Only the gateway's own X-Forwarded-For entries are believed; a client's are not.
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    guard_api_bodies(app, BodyLimits(max_bytes))
    register_error_handlers(app)

    @app.context_processor
    def _accessibility() -> dict[str, str]:
        # RGAA asks every page to say its conformity status, linking to the statement.
        return {"accessibility_status": f"{settings.accessibility_status} conforme"}

    app.register_blueprint(
        Blueprint(
            "shared", __name__, static_folder=str(_SHARED / "static"), static_url_path="/static"
        )
    )
    app.register_blueprint(health_blueprint(readiness))
    _instrument(app, service)
    api = ExpliciteApi(app, spec_kwargs={"info": {"description": title}})
    app.extensions["explicite.api"] = api
    return app, api


def _instrument(app: Flask, service: str) -> None:
    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _count(response):  # type: ignore[no-untyped-def]
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        REQUESTS.labels(service, request.method, response.status_code).inc()
        LATENCY.labels(service).observe(elapsed)
        return response
