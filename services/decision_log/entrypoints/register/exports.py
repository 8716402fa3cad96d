"""Open data: the register in the ecosystem's formats, each at a versioned address with its
schema, the announced schema changes, and the first exports kept as they were."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Response, abort, jsonify, render_template, request

from services.decision_log.domain.register.entries import Addresses, Entry, published_count
from services.decision_log.domain.register.exports import (
    algoritmeregister,
    atrs,
    changelog,
    dcat,
    inventory,
)
from services.decision_log.domain.register.exports.text import spreadsheet_safe
from services.decision_log.entrypoints.api import service
from services.decision_log.entrypoints.register import bp
from services.decision_log.entrypoints.register.common import addresses, entries, now

JSON, JSON_LD, CSV = "application/json", "application/ld+json", "text/csv; charset=utf-8"


def _publisher() -> str:
    settings = service().settings
    host = urlsplit(settings.public_url).netloc
    return settings.accessibility_publisher or f"Registre des algorithmes publics ({host})"


def _selected() -> list[Entry]:
    """All public versions, or those of `?algorithme=adm/id` or `?administration=adm`."""
    wanted = request.args.get("algorithme", "")
    if wanted:
        administration, _, algorithm_id = wanted.partition("/")
        return entries(administration, algorithm_id or None) if algorithm_id else []
    return entries(request.args.get("administration") or None)


# name → (media type, build(entries, addresses) → body)
EXPORTS: dict[str, tuple[str, Callable[[list[Entry], Addresses], Any]]] = {
    dcat.FILE: (JSON_LD, lambda found, at: dcat.catalogue(found, at, _publisher(), now())),
    inventory.FILE: (CSV, inventory.to_csv),
    inventory.SCHEMA_FILE: (JSON, lambda _found, at: inventory.table_schema(at)),
    algoritmeregister.FILE: (JSON, algoritmeregister.export),
    algoritmeregister.SCHEMA_FILE: (JSON, lambda _found, at: algoritmeregister.schema(at)),
    atrs.FILE: (JSON, atrs.export),
    atrs.SCHEMA_FILE: (JSON, lambda _found, at: atrs.schema(at)),
}
SCHEMA_VERSIONS = (1,)


@bp.get("/register/exports/v<int:schema_version>/<string:name>")
def export(schema_version: int, name: str) -> Response:
    if schema_version not in SCHEMA_VERSIONS or name not in EXPORTS:
        abort(404)
    media, build = EXPORTS[name]
    found = [] if name.endswith(".schema.json") else _selected()
    body = build(found, addresses())
    text = (
        body
        if isinstance(body, str)
        else json.dumps(body, ensure_ascii=False, indent=1, default=str)
    )
    response = Response(text, mimetype=media.split(";")[0])
    response.headers["Content-Type"] = media if "charset" in media else f"{media}; charset=utf-8"
    response.headers["Content-Disposition"] = f"inline; filename={name}"
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data, read by any site
    return response


@bp.get("/register/exports/changelog.json")
def export_changelog() -> Response:
    return jsonify(changes=changelog.as_json())


@bp.get("/register/donnees-ouvertes")
def open_data() -> str:
    at = addresses()
    files = [(name, at.export(name)) for name in EXPORTS]
    return render_template(
        "decision_log/open_data.html",
        files=files,
        changes=changelog.CHANGELOG,
        changelog_url=f"{at.base}/register/exports/changelog.json",
    )


# The first exports, kept at their addresses (small counts now withheld, see the changelog).
CSV_COLUMNS = (
    "administration",
    "id",
    "version",
    "name",
    "purpose",
    "status",
    "automation_allowed",
    "model_kind",
    "legal_bases",
    "criteria",
    "protected_grounds",
    "responsible_service",
    "contact_email",
    "evaluation_published",
    "decisions_logged",
    "url",
)


@bp.get("/register/algorithms.json")
def export_json() -> Response:
    response = jsonify(
        algorithms=[
            {
                **e.document,
                "revision": e.revision,
                "decisions_logged": published_count(e.decisions_logged),
            }
            for e in entries()
        ]
    )
    response.headers["Content-Disposition"] = "attachment; filename=algorithmes.json"
    return response


@bp.get("/register/algorithms.csv")
def export_csv() -> Response:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    at = addresses()
    for entry in entries():
        writer.writerow(_csv_row(entry, at))
    response = Response(buffer.getvalue(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = "attachment; filename=algorithmes.csv"
    return response


def _csv_row(entry: Entry, at: Addresses) -> dict[str, Any]:
    d = entry.document
    shown = published_count(entry.decisions_logged)
    row = {
        "administration": entry.administration,
        "id": entry.algorithm_id,
        "version": entry.version,
        "name": d["name"],
        "purpose": d["purpose"],
        "status": d["status"],
        "automation_allowed": d["automation_allowed"],
        "model_kind": d["model"]["kind"],
        "legal_bases": " | ".join(
            " ".join(filter(None, (b["title"], b.get("article")))) for b in d["legal_bases"]
        ),
        "criteria": " | ".join(c["label"] for c in d["criteria"]),
        "protected_grounds": " | ".join(
            sorted({c["protected_ground"] for c in d["criteria"] if c.get("protected_ground")})
        ),
        "responsible_service": d["responsible_service"]["name"],
        "contact_email": d["responsible_service"]["email"],
        "evaluation_published": "oui" if d.get("evaluation") else "non",
        "decisions_logged": "moins de 11" if shown is None else shown,
        "url": at.version(*entry.key),
    }
    # Every text cell, whatever its column (an e-mail address may start with = too).
    return {
        key: spreadsheet_safe(value) if isinstance(value, str) else value
        for key, value in row.items()
    }
