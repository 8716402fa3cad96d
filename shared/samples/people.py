"""Fictitious people and agents: contact details that can never reach a real person."""

from __future__ import annotations

import random

FIRST_NAMES = (
    "camille",
    "lea",
    "nadia",
    "sofiane",
    "lucas",
    "ines",
    "thomas",
    "fatou",
    "julien",
    "amina",
    "hugo",
    "chloe",
    "yanis",
    "manon",
    "karim",
    "sarah",
)
LAST_NAMES = (
    "martin",
    "bernard",
    "diallo",
    "petit",
    "nguyen",
    "moreau",
    "benali",
    "lefebvre",
    "garcia",
    "fontaine",
    "traore",
    "roux",
    "mercier",
    "haddad",
    "blanc",
    "lambert",
)
STREETS = (
    "rue des Tilleuls",
    "avenue de la République",
    "rue du Moulin",
    "place de l'Église",
    "chemin des Vignes",
    "rue Victor-Hugo",
    "allée des Acacias",
    "boulevard de la Gare",
)
TOWNS = (
    ("99100", "Ville-Exemple"),
    ("99110", "Bourg-Exemple"),
    ("99120", "Val-Exemple"),
    ("99200", "Chef-Lieu-Exemple"),
    ("99210", "Saint-Exemple-sur-Loire"),
)
# A few agents per administration, so that per-agent statistics have something to show.
AGENTS_PER_ADMINISTRATION = 4


def contact(rng: random.Random) -> dict[str, str]:
    """An e-mail on example.org (reserved, RFC 2606) and a postal address in a fictitious town."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    postcode, town = rng.choice(TOWNS)
    return {
        "email": f"{first}.{last}{rng.randint(1, 99)}@example.org",
        "postal_address": f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {postcode} {town}",
    }


def agent_of(rng: random.Random, administration: str) -> str:
    """The id of one of the administration's agents, e.g. `ville-exemple-agent-2`."""
    return f"{administration}-agent-{rng.randint(1, AGENTS_PER_ADMINISTRATION)}"
