"""The route a contestation follows, chosen at filing and frozen with it.

The routes come from the registry (`shared.routes`); the filing picks one (or, against a
preparatory measure, a signalement), and its dates are computed from the day the person
received the decision. Frozen in the appeal's `policy` column, so that the acknowledgement and
the letters say, years later, what was true when the person filed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.routes import (
    GRACIEUX,
    OBSERVATIONS,
    PREALABLE,
    SIGNALEMENT,
    Court,
    DatedRoute,
    Preparatory,
    Recourse,
    Route,
    Start,
    legacy_recourse,
    plan,
    recourse_from_block,
)

# Appeals filed before the route model were of kind "recours" (or "observations").
LEGACY_RECOURS = "recours"


@dataclass(frozen=True)
class Routing:
    kind: str  # a route kind, or SIGNALEMENT
    route: Route | None  # None for a signalement
    court: Court
    start: Start
    last_day: date | None  # shown to the person
    in_time_until: date | None  # the generous end, to call a filing late
    preparatory: Preparatory | None = None
    oral_filing_counts: bool = False
    internal_deadline_hours: int | None = None
    # A signalement: how the decision that follows the preparatory measure is contested.
    result_route: Route | None = None

    @property
    def is_recours(self) -> bool:
        return self.route is not None and self.route.is_recours

    @property
    def authority(self) -> str | None:
        return self.route.authority if self.route else None

    def in_time(self, filed_on: date) -> bool | None:
        """None when no delay applies (a signalement)."""
        if self.in_time_until is None:
            return None
        return filed_on <= self.in_time_until

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "route": _route_json(self.route),
            "result_route": _route_json(self.result_route),
            "court": {
                "name": self.court.name,
                "order": self.court.order,
                "months": self.court.months,
                "texts": list(self.court.texts),
            },
            "start": self.start.day.isoformat(),
            "notified": self.start.notified,
            "last_day": _iso(self.last_day),
            "in_time_until": _iso(self.in_time_until),
            "preparatory": None
            if self.preparatory is None
            else {
                "follows": self.preparatory.follows,
                "refusal": self.preparatory.refusal,
                "refusal_reference": self.preparatory.refusal_reference,
                "result": self.preparatory.result,
            },
            "oral_filing_counts": self.oral_filing_counts,
            "internal_deadline_hours": self.internal_deadline_hours,
        }

    @classmethod
    def from_json(
        cls, data: Mapping[str, Any], *, kind: str, service: Mapping[str, Any], decided_on: date
    ) -> Routing:
        """A frozen routing; appeals filed before the route model froze the `appeal` block."""
        if "court" not in data:
            recourse = recourse_from_block(legacy_recourse(data, service))
            legacy_kind = (
                OBSERVATIONS
                if kind == OBSERVATIONS
                else PREALABLE
                if recourse.prior_appeal
                else GRACIEUX
            )
            return routing_for(recourse, Start(decided_on, False), legacy_kind)
        recourse = recourse_from_block(
            {
                **_EMPTY,
                "measure": "preparatory" if data.get("preparatory") else "decision",
                "routes": [data["route"]] if data.get("route") else [],
                "court": data["court"],
                "preparatory": data.get("preparatory"),
                "internal_deadline_hours": data.get("internal_deadline_hours"),
                "oral_filing_counts": data.get("oral_filing_counts"),
            }
        )
        result = (
            recourse_from_block(
                {**_EMPTY, "routes": [data["result_route"]], "court": data["court"]}
            ).routes[0]
            if data.get("result_route")
            else None
        )
        return cls(
            kind=str(data["kind"]),
            route=recourse.routes[0] if recourse.routes else None,
            result_route=result,
            court=recourse.court,
            start=Start(date.fromisoformat(data["start"]), bool(data.get("notified"))),
            last_day=_date(data.get("last_day")),
            in_time_until=_date(data.get("in_time_until")),
            preparatory=recourse.preparatory,
            oral_filing_counts=recourse.oral_filing_counts,
            internal_deadline_hours=recourse.internal_deadline_hours,
        )


_EMPTY: dict[str, Any] = {"measure": "decision", "author": {"name": "", "kind": "public_body"}}


def _route_json(route: Route | None) -> dict[str, Any] | None:
    if route is None:
        return None
    return {
        "kind": route.kind,
        "authority": route.authority,
        "address": route.address,
        "months": route.months,
        "days": route.days,
        "regime": route.regime,
        "collegial": route.collegial,
        "sanction": route.sanction,
        "texts": list(route.texts),
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def filing_kinds(recourse: Recourse, start: Start, favourable: bool, today: date) -> list[str]:
    """What a person can file against this decision on `today`, the suggested one first.

    Observations only against an unfavourable measure, and only until it becomes final;
    against a preparatory measure, only a signalement."""
    if not recourse.contestable:
        return [SIGNALEMENT]
    kinds = []
    for dated in plan(recourse, start).routes:
        if dated.route.kind == OBSERVATIONS:
            if not favourable and dated.in_time_until is not None and today <= dated.in_time_until:
                kinds.append(OBSERVATIONS)
        else:
            kinds.append(dated.route.kind)
    return kinds


def routing_for(recourse: Recourse, start: Start, kind: str) -> Routing:
    """The routing of a filing of `kind` (one of `filing_kinds`)."""
    common = {
        "court": recourse.court,
        "start": start,
        "preparatory": recourse.preparatory,
        "oral_filing_counts": recourse.oral_filing_counts,
        "internal_deadline_hours": recourse.internal_deadline_hours,
    }
    if kind == SIGNALEMENT:
        result = recourse.recours_routes[0] if recourse.recours_routes else None
        return Routing(
            kind=SIGNALEMENT,
            route=None,
            last_day=None,
            in_time_until=None,
            result_route=result,
            **common,  # type: ignore[arg-type]
        )
    dated: DatedRoute | None = plan(recourse, start).dated(kind)
    if dated is None:
        raise LookupError(kind)
    return Routing(
        kind=kind,
        route=dated.route,
        last_day=dated.last_day,
        in_time_until=dated.in_time_until,
        **common,  # type: ignore[arg-type]
    )
