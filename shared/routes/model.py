"""The route model of an algorithm version: how its decisions are contested, and before whom.

Read from the registry's `recourse` block. Versions registered before it have an `appeal`
block instead: `legacy_recourse` translates it, so that documents already stored keep working.
The law behind each kind of route is in docs/appeals.md (« Legal bases »).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Route kinds (CRPA L410-1: recours gracieux, hiérarchique, préalable obligatoire; L121-1:
# observations before an unfavourable measure taken because of the person).
GRACIEUX = "gracieux"
HIERARCHIQUE = "hierarchique"
PREALABLE = "prealable"
OBSERVATIONS = "observations"
ROUTE_KINDS = (GRACIEUX, HIERARCHIQUE, PREALABLE, OBSERVATIONS)
# What a person files against a preparatory measure: not a recours (the measure is not
# contestable as such) but a report of a wrong datum, examined by a person (GDPR art. 16).
SIGNALEMENT = "signalement"
FILING_KINDS = (*ROUTE_KINDS, SIGNALEMENT)
# Routes that are a recours administratif: L231-4 2° (two months of silence mean rejection).
RECOURS_KINDS = (GRACIEUX, HIERARCHIQUE, PREALABLE)

DECISION, PREPARATORY = "decision", "preparatory"
MEASURES = (DECISION, PREPARATORY)

# Who took the decision, for the routes the law allows.
# - local_executive: a mayor, a regional or departmental president. They have no hierarchical
#   superior: the préfet's control is a contrôle de légalité (CGCT L2131-6), not a hierarchy.
# - state: a State service, under a minister or a préfet: a recours hiérarchique exists.
# - social_security: a social-security body; L121-2 4° CRPA excludes the contradictoire of
#   L121-1 for its decisions, except measures that are sanctions.
# - public_body: another public body (établissement public): its statutes say the rest.
LOCAL_EXECUTIVE, STATE, SOCIAL_SECURITY, PUBLIC_BODY = (
    "local_executive",
    "state",
    "social_security",
    "public_body",
)
AUTHOR_KINDS = (LOCAL_EXECUTIVE, STATE, SOCIAL_SECURITY, PUBLIC_BODY)

CRPA, CSS = "crpa", "css"  # which code governs a mandatory prior appeal
REGIMES = (CRPA, CSS)
ADMINISTRATIVE, JUDICIAL = "administrative", "judicial"
COURT_ORDERS = (ADMINISTRATIVE, JUDICIAL)

# R421-1 CJA: two months to go to court; L411-2 CRPA: a recours gracieux or hiérarchique
# made within that delay interrupts it. R142-1 CSS and R142-1-A III: two months for the
# commission de recours amiable, two months for the pôle social.
COURT_MONTHS = 2
SILENCE_MONTHS = 2  # L231-4 2° CRPA; R142-1-A I CSS applies the CRPA to the prior appeal


@dataclass(frozen=True)
class Route:
    """One way to contest: who receives it, within what delay, under which texts."""

    kind: str
    authority: str  # with its article, for sentences: « le maire de Ville-Exemple »
    address: str | None = None
    months: int | None = None  # recours: its delay, counted like the court's
    days: int | None = None  # observations: from the decision date
    regime: str = CRPA
    collegial: bool = False  # decided by a body that deliberates (a commission)
    sanction: bool = False  # observations on a measure that is a sanction
    texts: tuple[str, ...] = ()  # the texts of this route beyond the general ones

    @property
    def is_recours(self) -> bool:
        return self.kind in RECOURS_KINDS


@dataclass(frozen=True)
class Court:
    name: str  # with its article: « le tribunal administratif dont relève Ville-Exemple »
    order: str = ADMINISTRATIVE
    months: int = COURT_MONTHS
    texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preparatory:
    """A measure that only prepares a decision (selection for a check): not contestable as
    such; the person can contest the decision that follows."""

    follows: str  # « un contrôle de votre dossier »
    refusal: str  # what happens if the person does not take part, plainly
    result: str  # « la décision que la caisse prendra après le contrôle »
    refusal_reference: str | None = None


@dataclass(frozen=True)
class Recourse:
    measure: str
    author: str
    author_kind: str
    routes: tuple[Route, ...]
    court: Court
    preparatory: Preparatory | None = None
    internal_deadline_hours: int | None = None
    oral_filing_counts: bool = False  # a text makes an oral recours count as written

    @property
    def contestable(self) -> bool:
        return self.measure == DECISION

    def route(self, kind: str) -> Route | None:
        return next((r for r in self.routes if r.kind == kind), None)

    @property
    def prior_appeal(self) -> Route | None:
        return self.route(PREALABLE)

    @property
    def recours_routes(self) -> tuple[Route, ...]:
        """The recours a person can file, the first being the one to suggest."""
        return tuple(r for r in self.routes if r.is_recours)


def _text(value: Any) -> str | None:
    return str(value) if value else None


def _route(data: Mapping[str, Any]) -> Route:
    return Route(
        kind=str(data["kind"]),
        authority=str(data["authority"]),
        address=_text(data.get("address")),
        months=int(data["months"]) if data.get("months") else None,
        days=int(data["days"]) if data.get("days") else None,
        regime=str(data.get("regime") or CRPA),
        collegial=bool(data.get("collegial")),
        sanction=bool(data.get("sanction")),
        texts=tuple(str(t) for t in data.get("texts") or ()),
    )


def recourse_from_block(block: Mapping[str, Any]) -> Recourse:
    """A `recourse` block (as the contract validated it) as the route model."""
    court = block["court"]
    preparatory = block.get("preparatory")
    author = block["author"]
    hours = block.get("internal_deadline_hours")
    return Recourse(
        measure=str(block.get("measure") or DECISION),
        author=str(author["name"]),
        author_kind=str(author["kind"]),
        routes=tuple(_route(r) for r in block.get("routes") or ()),
        court=Court(
            str(court["name"]),
            str(court.get("order") or ADMINISTRATIVE),
            int(court.get("months") or COURT_MONTHS),
            tuple(str(t) for t in court.get("texts") or ()),
        ),
        preparatory=(
            Preparatory(
                str(preparatory["follows"]),
                str(preparatory["refusal"]),
                str(preparatory["result"]),
                _text(preparatory.get("refusal_reference")),
            )
            if preparatory
            else None
        ),
        internal_deadline_hours=int(hours) if hours else None,
        oral_filing_counts=bool(block.get("oral_filing_counts")),
    )


def load_recourse(document: Mapping[str, Any]) -> Recourse:
    """The route model of a registry document, from `recourse` or a legacy `appeal` block."""
    if document.get("recourse"):
        return recourse_from_block(document["recourse"])
    service = document.get("responsible_service") or {}
    return recourse_from_block(legacy_recourse(document.get("appeal") or {}, service))


# Words that begin the authorities written without an article in legacy `appeal` blocks.
_MASCULINE = {
    "maire",
    "président",
    "préfet",
    "directeur",
    "service",
    "ministre",
    "recteur",
    "conseil",
    "tribunal",
    "pôle",
    "juge",
}
_FEMININE = {
    "commission",
    "caisse",
    "direction",
    "présidente",
    "directrice",
    "préfète",
    "région",
    "ville",
    "mairie",
    "cour",
}


def with_article(name: str) -> str:
    """`Maire de Ville-Exemple (recours gracieux)` → `le maire de Ville-Exemple`."""
    text = name.split(" (")[0].strip()
    first = text.split(" ")[0].lower()
    if first in ("le", "la", "les", "l'") or text.lower().startswith("l'"):
        return text[0].lower() + text[1:]
    if first in _MASCULINE:
        return f"le {text[0].lower()}{text[1:]}"
    if first in _FEMININE:
        return f"la {text[0].lower()}{text[1:]}"
    return text


def legacy_recourse(appeal: Mapping[str, Any], service: Mapping[str, Any]) -> dict[str, Any]:
    """A `recourse` block equivalent to a legacy `appeal` block.

    What the legacy block could not say is chosen to protect the person: no recours
    hiérarchique is offered (the author may have no superior), the author's kind is unknown
    (`public_body`), and a mandatory prior appeal keeps the texts the block cited.
    """
    authority = with_article(
        str(appeal.get("authority") or service.get("name") or "le service qui a pris la décision")
    )
    address = service.get("address")
    reference = str(appeal.get("legal_reference") or "")
    court_name = with_article(
        str(appeal.get("court") or "le tribunal administratif dont relève votre domicile")
    )
    routes: list[dict[str, Any]] = []
    if appeal.get("mandatory_prior_appeal"):
        routes.append(
            _legacy_route(
                PREALABLE,
                authority,
                address,
                months=COURT_MONTHS,
                regime=CSS if "sécurité sociale" in reference.lower() else CRPA,
                texts=[reference] if reference else [],
            )
        )
    else:
        routes.append(_legacy_route(GRACIEUX, authority, address, months=COURT_MONTHS))
    if appeal.get("observations_days"):
        routes.append(
            _legacy_route(OBSERVATIONS, authority, address, days=int(appeal["observations_days"]))
        )
    return {
        "measure": DECISION,
        "author": {"name": authority, "kind": PUBLIC_BODY},
        "routes": routes,
        "court": {
            "name": court_name,
            "order": ADMINISTRATIVE if "administratif" in court_name else JUDICIAL,
            "months": COURT_MONTHS,
            "texts": [],
        },
        "preparatory": None,
        "internal_deadline_hours": appeal.get("internal_deadline_hours"),
        "oral_filing_counts": False,
    }


def _legacy_route(
    kind: str,
    authority: str,
    address: Any,
    *,
    months: int | None = None,
    days: int | None = None,
    regime: str = CRPA,
    texts: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "authority": authority,
        "address": address,
        "months": months,
        "days": days,
        "regime": regime,
        "collegial": False,
        "sanction": False,
        "texts": texts or [],
    }
