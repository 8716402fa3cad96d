"""One OpenAPI document for the public origin, merged from the three services' documents.

It belongs to the composition, not to a service: the embedded process serves it beside the
services' apps (`document_app`), and the distributed deployment's gateway serves the file
`explicite openapi` writes (deploy/gateway/openapi.json, kept equal by a test).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify

from services import catalog
from shared.config import SERVICES, Settings

PATH = "/api/v1/openapi.json"
TITLE = "Explicite"
DESCRIPTION = (
    "Log, explain and review algorithmic individual decisions. One origin serves "
    "the three services: decision_log, explainer and appeals."
)


class SpecConflict(ValueError):
    """Two services describe the same path."""


def merge(specs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Paths and components of every service's document, keyed by service name.

    A component two services define differently is renamed after its service in that
    service's document (`Outcome` becomes `AppealsOutcome`), references included; two
    services describing the same path is an error.
    """
    first = next(iter(specs.values()))
    merged: dict[str, Any] = {
        "openapi": first["openapi"],
        "info": {"title": TITLE, "version": "v1", "description": DESCRIPTION},
        "paths": {},
        "components": {},
    }
    for service, spec in specs.items():
        spec = _renamed_clashes(service, spec, merged["components"])
        for path, operations in spec.get("paths", {}).items():
            if path in merged["paths"]:
                raise SpecConflict(f"path {path} is described by two services")
            merged["paths"][path] = operations
        for kind, entries in spec.get("components", {}).items():
            merged["components"].setdefault(kind, {}).update(entries)
    merged["paths"] = dict(sorted(merged["paths"].items()))
    return merged


def _renamed_clashes(
    service: str, spec: dict[str, Any], known: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    prefix = "".join(part.capitalize() for part in service.split("_"))
    renames = {}
    for kind, entries in spec.get("components", {}).items():
        for name, value in entries.items():
            if name in known.get(kind, {}) and known[kind][name] != value:
                renames[f"#/components/{kind}/{name}"] = (kind, name, prefix + name)
    if not renames:
        return spec
    text = json.dumps(spec)
    for ref, (_kind, _name, new) in renames.items():
        text = text.replace(f'"{ref}"', f'"{ref.rsplit("/", 1)[0]}/{new}"')
    renamed: dict[str, Any] = json.loads(text)
    for kind, name, new in renames.values():
        renamed["components"][kind][new] = renamed["components"][kind].pop(name)
    return renamed


def service_spec(app: Flask) -> dict[str, Any]:
    spec: dict[str, Any] = app.extensions["explicite.api"].spec.to_dict()
    return spec


@functools.cache
def public_spec() -> dict[str, Any]:
    """The merged document, built once from apps that never touch a database."""
    settings = Settings(
        secret_key="openapi-" + "x" * 32, database_urls=dict.fromkeys(SERVICES, "sqlite://")
    )
    specs = {}
    for service in catalog.available():
        container = service.bootstrap(settings)
        specs[service.name] = service_spec(service.create_app(settings, container))
        container.engine.dispose()
    return merge(specs)


def render(spec: dict[str, Any]) -> str:
    """The document as the gateway's file holds it."""
    return json.dumps(spec, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def document_app(apps: Mapping[str, Flask]) -> Flask:
    """A WSGI app serving the document merged from these running services' apps."""
    document = merge({name: service_spec(app) for name, app in apps.items()})
    app = Flask(__name__)

    @app.get(PATH)
    def openapi() -> Response:
        return jsonify(document)

    return app
