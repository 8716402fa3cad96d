"""The public register of algorithms, in French, with open-data exports (CRPA L312-1-3)."""

from __future__ import annotations

import csv
import io
from itertools import groupby
from typing import Any

from flask import Blueprint, Response, abort, jsonify, redirect, render_template
from werkzeug.wrappers import Response as BaseResponse

from services.decision_log.entrypoints.api import service
from shared.decision_model import PROTECTED_GROUNDS

bp = Blueprint("register", __name__)

AUTOMATION = {"full": "Décision entièrement automatisée",
              "partial": "Aide à la décision : un agent décide"}
STATUS = {"in_use": "En service", "retired": "Retiré"}
CSV_COLUMNS = ("administration", "id", "version", "name", "purpose", "status",
               "automation_allowed", "model_kind", "legal_bases", "criteria",
               "protected_grounds", "responsible_service", "contact_email",
               "evaluation_published", "decisions_logged", "url")


def _entries() -> list[dict[str, Any]]:
    with service().uow() as uow:
        rows = uow.algorithms.listing(public_only=True)
        usage = uow.algorithms.usage_counts()
    return [{**row.document, "revision": row.revision,
             "decisions_logged": usage.get((row.administration, row.algorithm_id,
                                            row.version), 0)}
            for row in rows]


@bp.get("/register")
def index() -> str:
    entries = _entries()
    by_administration = [(name, list(items)) for name, items in
                         groupby(entries, key=lambda e: e["administration"])]
    return render_template("decision_log/register.html", groups=by_administration,
                           automation=AUTOMATION, status=STATUS, total=len(entries))


@bp.get("/register/<string:administration>/<string:algorithm_id>/<string:version>")
def detail(administration: str, algorithm_id: str, version: str) -> str:
    versions = [e for e in _entries()
                if (e["administration"], e["id"]) == (administration, algorithm_id)]
    entry = next((e for e in versions if e["version"] == version), None)
    if entry is None:
        abort(404)
    return render_template("decision_log/algorithm.html", a=entry, versions=versions,
                           automation=AUTOMATION, status=STATUS, grounds=PROTECTED_GROUNDS)


@bp.get("/register/<string:algorithm_id>/<string:version>")
def unqualified_detail(algorithm_id: str, version: str) -> BaseResponse:
    """The address of before ids were each administration's own: kept while unambiguous."""
    matches = [e for e in _entries() if e["id"] == algorithm_id and e["version"] == version]
    if len(matches) != 1:
        abort(404)
    return redirect(f"/register/{matches[0]['administration']}/{algorithm_id}/{version}", 301)


@bp.get("/register/algorithms.json")
def export_json() -> Response:
    response = jsonify(algorithms=_entries())
    response.headers["Content-Disposition"] = "attachment; filename=algorithmes.json"
    return response


@bp.get("/register/algorithms.csv")
def export_csv() -> Response:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    public_url = service().settings.public_url
    for entry in _entries():
        writer.writerow(_csv_row(entry, public_url))
    response = Response(buffer.getvalue(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = "attachment; filename=algorithmes.csv"
    return response


def _csv_row(entry: dict[str, Any], public_url: str) -> dict[str, Any]:
    row = {
        "administration": entry["administration"], "id": entry["id"],
        "version": entry["version"], "name": entry["name"],
        "purpose": entry["purpose"], "status": entry["status"],
        "automation_allowed": entry["automation_allowed"],
        "model_kind": entry["model"]["kind"],
        "legal_bases": " | ".join(
            " ".join(filter(None, (b["title"], b.get("article")))) for b in entry["legal_bases"]),
        "criteria": " | ".join(c["label"] for c in entry["criteria"]),
        "protected_grounds": " | ".join(sorted({c["protected_ground"] for c in entry["criteria"]
                                                if c.get("protected_ground")})),
        "responsible_service": entry["responsible_service"]["name"],
        "contact_email": entry["responsible_service"]["email"],
        "evaluation_published": "oui" if entry.get("evaluation") else "non",
        "decisions_logged": entry["decisions_logged"],
        "url": f"{public_url}/register/{entry['administration']}/{entry['id']}/"
               f"{entry['version']}",
    }
    # Every text cell, whatever its column (an e-mail address may start with = too).
    return {key: _cell(value) if isinstance(value, str) else value
            for key, value in row.items()}


def _cell(text: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet; a tab or a carriage
    # return before one is skipped by some spreadsheets, so they count too.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
