"""The back office of Collège-Exemple: bourse de collège decisions computed with openfisca-france.

It plays the administration's own software, not Explicite: each household is written as an
OpenFisca situation (the JSON-like form every OpenFisca user writes) and computed by
openfisca-france itself, then sent as `decision.v1`. None of Explicite's decision-model code is
used, so that the replay check in decision_log compares two independent computations.

Some decisions are wrong on purpose, as a back office's bugs would make them: a household
declared refused although entitled (or granted although not), or paid for every child in its
charge instead of those at collège. decision_log must flag exactly those.
"""

from __future__ import annotations

import functools
import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from shared.contracts.decision import SCHEMA
from shared.french import PARIS
from shared.samples.people import contact

ALGORITHM = {"id": "bourse-college", "version": "2026-2027"}
ADMINISTRATION = "college-exemple"
# The school year 2026-2027: OpenFisca computes the bourse for the month of the rentrée.
PERIOD = "2026-09"
SPREAD = timedelta(days=30)
# Kinds of wrong decisions a back office could make; `None` is a right one.
WRONG_OUTCOME, WRONG_AMOUNT = "wrong_outcome", "wrong_amount"


def situation(household: dict[str, int]) -> dict[str, Any]:
    """The household as an OpenFisca situation: one parent, the children, one tax household."""
    children = [
        f"enfant_{i}"
        for i in range(household["enfants_au_college"] + household["autres_enfants_a_charge"])
    ]
    at_college = set(children[: household["enfants_au_college"]])
    individus: dict[str, Any] = {"parent": {"age": {PERIOD: 40}}}
    for child in children:
        individus[child] = {
            "age": {PERIOD: 12 if child in at_college else 8},
            **({"scolarite": {PERIOD: "college"}} if child in at_college else {}),
        }
    # openfisca-france reads the revenu fiscal de référence two years before the rentrée.
    year = str(int(PERIOD[:4]) - 2)
    return {
        "individus": individus,
        "familles": {"famille": {"parents": ["parent"], "enfants": children}},
        "foyers_fiscaux": {
            "foyer": {
                "declarants": ["parent"],
                "personnes_a_charge": children,
                "rfr": {year: household["revenu_fiscal_reference"]},
            }
        },
        "menages": {"menage": {"personne_de_reference": ["parent"], "enfants": children}},
    }


@functools.cache
def _system() -> Any:
    from openfisca_france import FranceTaxBenefitSystem

    return FranceTaxBenefitSystem()


def compute(households: list[dict[str, int]]) -> list[tuple[float, int]]:
    """The annual amount and the échelon of each household, by openfisca-france."""
    from openfisca_core.simulation_builder import SimulationBuilder

    system = _system()
    computed = []
    for household in households:
        simulation = SimulationBuilder().build_from_entities(system, situation(household))
        computed.append(
            (
                float(simulation.calculate("bourse_college", PERIOD)[0]),
                int(simulation.calculate("bourse_college_echelon", PERIOD)[0]),
            )
        )
    return computed


def household(rng: random.Random) -> dict[str, int]:
    """A household that applies: incomes spread over the échelons and above the ceilings."""
    return {
        "revenu_fiscal_reference": round(rng.triangular(0, 48000, 15000)),
        "enfants_au_college": rng.choices((1, 2, 3), (70, 25, 5))[0],
        "autres_enfants_a_charge": rng.choices((0, 1, 2, 3, 4), (35, 35, 18, 8, 4))[0],
    }


def decisions(
    count: int, *, seed: int = 0, divergent_rate: float = 0.0, start: datetime | None = None
) -> list[dict[str, Any]]:
    """`count` decision.v1 bodies decided in the 30 days before `start` (default: now).

    A `divergent_rate` share of them is wrong on purpose: `wrong_ones`, called with the same
    arguments, says which.
    """
    return [body for body, _wrong in _decisions(count, seed, divergent_rate, start)]


def wrong_ones(
    count: int, *, seed: int = 0, divergent_rate: float = 0.0, start: datetime | None = None
) -> dict[str, str]:
    """decision_id -> the kind of mistake, for the decisions made wrong on purpose."""
    return {
        body["decision_id"]: wrong
        for body, wrong in _decisions(count, seed, divergent_rate, start)
        if wrong
    }


def _decisions(
    count: int, seed: int, divergent_rate: float, start: datetime | None
) -> list[tuple[dict[str, Any], str | None]]:
    rng = random.Random(seed)  # noqa: S311 - sample data, not security
    households = [household(rng) for _ in range(count)]
    end = (start or datetime.now(PARIS)).astimezone(PARIS)
    made = []
    for number, (values, (amount, echelon)) in enumerate(
        zip(households, compute(households), strict=True), start=seed * 1_000_000 + 1
    ):
        wrong = _mistake(rng, divergent_rate, values, amount)
        decided_at = (end - SPREAD * rng.random() - timedelta(minutes=1)).replace(microsecond=0)
        made.append((_body(rng, values, amount, echelon, wrong, number, decided_at), wrong))
    return made


def _mistake(rng: random.Random, rate: float, values: dict[str, int], amount: float) -> str | None:
    # Drawn even at rate 0, so that a seed gives the same households whatever the rate.
    if rng.random() >= rate:
        return None
    paid_for_all = amount > 0 and values["autres_enfants_a_charge"] > 0
    return WRONG_AMOUNT if paid_for_all else WRONG_OUTCOME


def _body(
    rng: random.Random,
    values: dict[str, int],
    amount: float,
    echelon: int,
    wrong: str | None,
    number: int,
    decided_at: datetime,
) -> dict[str, Any]:
    favourable = amount > 0
    if wrong == WRONG_OUTCOME:
        favourable = not favourable
        amount = 0.0 if not favourable else 450.0  # a flat grant: the bug of a missing check
    elif wrong == WRONG_AMOUNT:
        children = values["enfants_au_college"] + values["autres_enfants_a_charge"]
        amount = amount / values["enfants_au_college"] * children
    return {
        "schema": SCHEMA,
        "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "decision_id": f"BOURSE-{decided_at.year}-{number:06d}",
        "administration": ADMINISTRATION,
        "algorithm": dict(ALGORITHM),
        "decided_at": decided_at.isoformat(),
        "automation": "full",
        "subject": {"ref": f"usager-{rng.getrandbits(48):012x}", "contact": contact(rng)},
        "outcome": {
            "code": "attribution" if favourable else "refus",
            "label": "Bourse de collège accordée" if favourable else "Bourse de collège refusée",
            "favourable": favourable,
            "amount": round(amount, 2) if favourable else None,
            "currency": "EUR",
            "effective_from": f"{PERIOD}-01",
        },
        "criteria": [
            {"code": code, "value": value, "source": SOURCES[code]}
            for code, value in values.items()
        ],
        "score": None,
        "supersedes": None,
    }


SOURCES = {
    "revenu_fiscal_reference": "Avis d'impôt sur le revenu (DGFiP)",
    "enfants_au_college": "Dossier de demande de bourse",
    "autres_enfants_a_charge": "Avis d'impôt sur le revenu (DGFiP)",
}
