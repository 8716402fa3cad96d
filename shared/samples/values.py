"""Plausible criterion values for the sample algorithms, and typed defaults for any other."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shared.decision_model import CriterionDef, to_json_value

Draw = Callable[[random.Random], Any]

# Shaped after the people who apply, so that every outcome shows up in a sample of a few dozen.
PLAUSIBLE: dict[str, Draw] = {
    # creche-attribution
    "quotient_familial": lambda rng: rng.triangular(250, 2400, 650),
    "parent_isole": lambda rng: rng.random() < 0.25,
    "activite_parents": lambda rng: rng.random() < 0.8,
    "fratrie_creche": lambda rng: rng.random() < 0.15,
    "handicap_enfant": lambda rng: rng.random() < 0.04,
    "anciennete_demande_mois": lambda rng: rng.randint(0, 30),
    # aide-transport-scolaire
    "revenu_fiscal_reference": lambda rng: rng.triangular(4000, 60000, 18000),
    "distance_km": lambda rng: rng.triangular(0.4, 35, 5),
    "etablissement_de_secteur": lambda rng: rng.random() < 0.88,
    # ciblage-controles: most files agree with the tax data, a few differ a lot
    "ecart_ressources_pct": lambda rng: (
        rng.uniform(0, 4) if rng.random() < 0.75 else rng.uniform(4, 35)
    ),
    "changements_situation_12_mois": lambda rng: rng.choices(range(5), (50, 25, 13, 8, 4))[0],
    "declaration_tardive": lambda rng: rng.random() < 0.15,
    "changement_situation_familiale_recent": lambda rng: rng.random() < 0.1,
}


def plausible_value(rng: random.Random, criterion: CriterionDef) -> Any:
    """A JSON value for the criterion: plausible for known codes, typed and in range otherwise."""
    draw = PLAUSIBLE.get(criterion.code)
    raw = draw(rng) if draw is not None else _default(rng, criterion)
    if criterion.type == "number":
        return to_json_value(_fit(Decimal(str(raw)), criterion))
    return raw


def _default(rng: random.Random, criterion: CriterionDef) -> Any:
    if criterion.type == "number":
        low = criterion.min if criterion.min is not None else Decimal(0)
        high = criterion.max if criterion.max is not None else low + 100
        return rng.uniform(float(low), float(high))
    if criterion.type == "boolean":
        return rng.random() < 0.5
    if criterion.type == "date":
        return (date(2026, 1, 1) - timedelta(days=rng.randint(0, 730))).isoformat()
    if criterion.allowed_values:
        return rng.choice(criterion.allowed_values)
    return "valeur-exemple"


def _fit(number: Decimal, criterion: CriterionDef) -> Decimal:
    """Rounded to the criterion's step and kept within its declared min and max."""
    step = criterion.step or Decimal(1)
    number = (number / step).to_integral_value(rounding=ROUND_HALF_UP) * step
    if criterion.min is not None:
        number = max(number, criterion.min)
    if criterion.max is not None:
        number = min(number, criterion.max)
    # Without normalize(), 123 × 0.1 would travel as 12.30 rather than 12.3.
    return number.normalize()
