"""The register's pages: the list, an algorithm with its versions and their differences, and
each version's entry with what it does in practice."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from flask import abort, redirect, render_template, request
from werkzeug.wrappers import Response

from services.decision_log.domain.register import legal
from services.decision_log.domain.register.differences import TOPICS, compare
from services.decision_log.domain.register.entries import Entry, count_text
from services.decision_log.entrypoints.api import service
from services.decision_log.entrypoints.register import bp
from services.decision_log.entrypoints.register.common import addresses, entries, now, versions_of
from services.decision_log.service_layer import register
from shared.contracts.register import STATUSES
from shared.contracts.register import TOPICS as REPORT_TOPICS
from shared.decision_model import PROTECTED_GROUNDS
from shared.french import format_date
from shared.routes import load_recourse
from shared.routes.wording import register_sentences

AUTOMATION = {
    "full": "Décision entièrement automatisée",
    "partial": "Aide à la décision : un agent décide",
}
STATUS = {"in_use": "En service", "retired": "Retirée"}


def _common() -> dict[str, Any]:
    return {
        "automation": AUTOMATION,
        "status": STATUS,
        "count_text": count_text,
        "fr_date": format_date,
    }


@bp.get("/register")
def index() -> str:
    found = entries()
    groups = [(name, list(items)) for name, items in groupby(found, key=lambda e: e.administration)]
    return render_template(
        "decision_log/register.html", groups=groups, total=len(found), **_common()
    )


@bp.get("/register/<string:first>/<string:second>")
def algorithm_or_legacy(first: str, second: str) -> Any:
    """An algorithm and its versions (`/register/{administration}/{id}`); the address of
    before ids were each administration's own (`/register/{id}/{version}`) still redirects
    while a single administration uses that id and version."""
    own = entries(first, second)
    if own:
        return _algorithm_page(own)
    matches = [e for e in entries() if (e.algorithm_id, e.version) == (first, second)]
    if len(matches) != 1:
        abort(404)
    return redirect(
        addresses().version(*matches[0].key).removeprefix(service().settings.public_url), 301
    )


def _algorithm_page(found: list[Entry]) -> tuple[str, int] | str:
    versions = versions_of(found[0].administration, found[0].algorithm_id)
    by_version = {v.version: v for v in versions}
    default_before = versions[-2].version if len(versions) > 1 else versions[0].version
    chosen = (request.args.get("de", default_before), request.args.get("a", versions[-1].version))
    changes = None
    if len(versions) > 1:
        if chosen[0] not in by_version or chosen[1] not in by_version:
            return render_template(
                "decision_log/versions.html",
                versions=versions,
                chosen=chosen,
                changes=None,
                unknown=True,
                topics=TOPICS,
                **_common(),
            ), 404
        changes = compare(by_version[chosen[0]].document, by_version[chosen[1]].document)
    return render_template(
        "decision_log/versions.html",
        versions=versions,
        chosen=chosen,
        changes=changes,
        unknown=False,
        topics=TOPICS,
        **_common(),
    )


@bp.get("/register/<string:administration>/<string:algorithm_id>/<string:version>")
def detail(administration: str, algorithm_id: str, version: str) -> str:
    return render_entry(administration, algorithm_id, version)


def render_entry(
    administration: str,
    algorithm_id: str,
    version: str,
    *,
    errors: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
) -> str:
    """A version's entry, with its figures and the error reports' public status."""
    versions = versions_of(administration, algorithm_id)
    entry = next((v for v in versions if v.version == version), None)
    if entry is None:
        abort(404)
    with service().uow() as uow:
        evidence = register.evidence(uow, entry.key, now())
        reports = uow.register.reports(entry.key)
    previous = [v for v in versions if v.registered_at < entry.registered_at]
    return render_template(
        "decision_log/algorithm.html",
        a=entry.document,
        entry=entry,
        versions=versions,
        previous=previous[-1] if previous else None,
        evidence=evidence,
        reports=reports,
        grounds=PROTECTED_GROUNDS,
        link=legal.link,
        basis_label=legal.label,
        report_topics=REPORT_TOPICS,
        report_statuses=STATUSES,
        errors=errors or {},
        form=form or {},
        filed=request.args.get("signalement"),
        addresses=addresses(),
        recourse=register_sentences(load_recourse(entry.document)),
        **_common(),
    )


def redirect_to_entry(entry_key: tuple[str, str, str], **params: str) -> Response:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    path = "/register/" + "/".join(entry_key)
    return redirect(f"{path}?{query}#signalements" if query else path, 303)
