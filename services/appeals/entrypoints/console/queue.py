"""The queue of an administration's appeals, its views, and the statistics."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request

from services.appeals.domain import deadlines as dl
from services.appeals.domain import rules
from services.appeals.domain.stats import compute
from services.appeals.entrypoints.common import service
from services.appeals.entrypoints.console import agent, bp

VIEWS = {
    "file": "Tous les recours ouverts",
    "a-attribuer": "À prendre en charge",
    "mes-dossiers": "Mes dossiers",
    "bientot": "Bientôt échus",
    "en-retard": "En retard",
    "validation": "À valider",
    "decides": "Décidés",
}
STATS_ROLES = ("supervisor", "algorithm_owner", "admin", "auditor")
# The explainer's own goal for its default wording (docs/explainer.md, Kandel-Moles score).
READABILITY_TARGET = 70


def _select(view: str, rows: list[Any], me: rules.Agent, now: Any) -> list[Any]:
    if view == "a-attribuer":
        return [r for r in rows if r.status == rules.RECEIVED]
    if view == "mes-dossiers":
        return [r for r in rows if r.assignee == me.id or r.drafted_by == me.id]
    if view == "bientot":
        return [r for r in rows if dl.is_soon_to_lapse(now, r.legal_due_at, r.internal_due_at)]
    if view == "en-retard":
        return [r for r in rows if dl.is_overdue(now, r.legal_due_at, r.internal_due_at)]
    if view == "validation":
        return [r for r in rows if r.status == rules.AWAITING_VALIDATION]
    return rows


@bp.get("/")
def queue() -> Any:
    me, app = agent(), service()
    try:
        rules.check_can_read(me, me.administration)
    except rules.RuleBroken:
        return render_template("appeals/console/welcome.html", agent=me)
    view = request.args.get("vue", "file")
    if view not in VIEWS:
        abort(404)
    algorithm = request.args.get("algorithme") or None
    now = app.now()
    with app.uow() as uow:
        row = uow.office.agent(me.id)
        teams = row.teams if row is not None and not me.has_any("supervisor", "admin") else None
        statuses = [rules.DECIDED] if view == "decides" else list(rules.OPEN_STATUSES)
        rows = uow.appeals.listing(
            me.administration,
            statuses=statuses,
            teams=teams,
            algorithm_id=algorithm,
            hidden_teams=me.kept_out_of,
            limit=500,
        )
        names = uow.read.algorithm_names(me.administration)
        counts = {name: len(_select(name, rows, me, now)) for name in VIEWS if name != "decides"}
    items = _select(view, rows, me, now)
    return render_template(
        "appeals/console/queue.html",
        agent=me,
        view=view,
        views=VIEWS,
        items=items,
        names=names,
        algorithm=algorithm,
        now=now,
        counts=counts,
        overdue=lambda r: dl.is_overdue(now, r.legal_due_at, r.internal_due_at),
        soon=lambda r: dl.is_soon_to_lapse(now, r.legal_due_at, r.internal_due_at),
    )


@bp.get("/statistiques")
def statistics() -> Any:
    me, app = agent(), service()
    if not me.has_any(*STATS_ROLES):
        abort(403)
    with app.uow() as uow:
        appeals = uow.appeals.all_of(me.administration)
        codes = {}
        for appeal in appeals:
            decision = uow.read.decision(appeal.reference)
            if decision is not None:
                codes[appeal.reference] = decision.outcome_code
        names = uow.read.algorithm_names(me.administration)
        # Criteria by their labels, as the dossier shows them: a code means nothing to a
        # supervisor reading which data people dispute.
        labels: dict[tuple[str, str], str] = {}
        for key in {(a.algorithm_id, a.algorithm_version) for a in appeals}:
            algorithm = uow.read.algorithm(me.administration, *key) or {}
            labels.update(
                {
                    (key[0], c["code"]): c.get("label", c["code"])
                    for c in algorithm.get("criteria", ())
                }
            )
        readability = uow.read.readability_by_version(me.administration, READABILITY_TARGET)
    stats = compute(appeals, codes, app.now(), app.config.short_examination_seconds)
    return render_template(
        "appeals/console/statistics.html",
        agent=me,
        stats=stats,
        names=names,
        labels=labels,
        readability=readability,
        readability_target=READABILITY_TARGET,
        short_minutes=app.config.short_examination_seconds / 60,
    )
