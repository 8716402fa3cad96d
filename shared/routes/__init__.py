"""How a decision is contested: the routes of its algorithm version, dated, and their words.

One pure module read by the explainer (« Vos recours et vos délais ») and by appeals (the
contest form, the acknowledgement, the letters), so that they name the same authority, texts
and dates. The law behind each rule: docs/appeals.md, « Legal bases ».
"""

from shared.routes.dates import DatedRoute, Plan, Start, franc_end, is_working_day, plan
from shared.routes.model import (
    AUTHOR_KINDS,
    COURT_ORDERS,
    DECISION,
    FILING_KINDS,
    GRACIEUX,
    HIERARCHIQUE,
    MEASURES,
    OBSERVATIONS,
    PREALABLE,
    PREPARATORY,
    RECOURS_KINDS,
    REGIMES,
    ROUTE_KINDS,
    SIGNALEMENT,
    Court,
    Preparatory,
    Recourse,
    Route,
    legacy_recourse,
    load_recourse,
    recourse_from_block,
)

# The decision a review produces has an id ending like this (appeals' `revision_id`); the
# explainer reads it to know that a decision was taken on a recours.
REVIEW_SUFFIX = ".recours-"


def is_review_outcome(decision_id: str) -> bool:
    return REVIEW_SUFFIX in decision_id


__all__ = [
    "AUTHOR_KINDS",
    "COURT_ORDERS",
    "DECISION",
    "FILING_KINDS",
    "GRACIEUX",
    "HIERARCHIQUE",
    "MEASURES",
    "OBSERVATIONS",
    "PREALABLE",
    "PREPARATORY",
    "RECOURS_KINDS",
    "REGIMES",
    "REVIEW_SUFFIX",
    "ROUTE_KINDS",
    "SIGNALEMENT",
    "Court",
    "DatedRoute",
    "Plan",
    "Preparatory",
    "Recourse",
    "Route",
    "Start",
    "franc_end",
    "is_review_outcome",
    "is_working_day",
    "legacy_recourse",
    "load_recourse",
    "plan",
    "recourse_from_block",
]
