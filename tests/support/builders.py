"""Small, valid test data: an algorithm version and decisions for it, easy to spoil."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.contracts.batches import Announcement, batch_messages
from shared.contracts.events import Event
from shared.contracts.messages import DecisionLogged
from shared.messaging.message import OutgoingMessage

ADMINISTRATION = "ville-test"


def algorithm(**overrides: Any) -> dict[str, Any]:
    """A points model: income bands and a single-parent bonus, cut-off 40."""
    document = {
        "id": "creche-test",
        "version": "1",
        "administration": ADMINISTRATION,
        "name": "Attribution de test",
        "purpose": "Classer les demandes de test.",
        "legal_bases": [{"title": "Code de l'action sociale et des familles", "article": "L214-7"}],
        "responsible_service": {
            "name": "Service test",
            "address": "1 place de la Mairie",
            "email": "test@ville-test.fr",
            "phone": "01 00 00 00 00",
        },
        "operations": ["Additionner les points de chaque critère.", "Comparer le total au seuil."],
        "automation_allowed": "full",
        "criteria": [
            {
                "code": "revenu",
                "label": "Revenu mensuel",
                "type": "number",
                "unit": "€",
                "source": "CAF",
            },
            {
                "code": "parent_isole",
                "label": "Parent isolé",
                "type": "boolean",
                "source": "Déclaration",
                "protected_ground": "situation_de_famille",
                "justification": "Les familles monoparentales ont un besoin d'accueil plus fort.",
                "changeable": False,
            },
        ],
        "model": {
            "kind": "points",
            "outcomes": {
                "favourable": {"code": "attribution", "label": "Place attribuée"},
                "unfavourable": {"code": "refus", "label": "Place non attribuée"},
            },
            "grids": [
                {
                    "criterion": "revenu",
                    "bands": [
                        {"op": "<=", "value": 1000, "points": 30, "label": "Jusqu'à 1 000 €"},
                        {"op": "any", "points": 10, "label": "Au-delà"},
                    ],
                },
                {
                    "criterion": "parent_isole",
                    "bands": [{"op": "==", "value": True, "points": 20, "label": "Parent isolé"}],
                },
            ],
            "cutoff": 40,
        },
    }
    document.update(overrides)
    return document


def decision(
    number: int = 1, *, revenu: float = 1200, parent_isole: bool = True, **overrides: Any
) -> dict[str, Any]:
    """A decision consistent with `algorithm()`: 10 or 30 points, plus 20 if single parent."""
    points = (30 if revenu <= 1000 else 10) + (20 if parent_isole else 0)
    favourable = points >= 40
    body: dict[str, Any] = {
        "schema": "decision.v1",
        "event_id": str(uuid.uuid4()),
        "decision_id": f"TEST-{number:06d}",
        "administration": ADMINISTRATION,
        "algorithm": {"id": "creche-test", "version": "1"},
        # Yesterday at 8:00 UTC: the same decision built twice is the same body.
        "decided_at": (
            datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0) - timedelta(days=1)
        ).isoformat(),
        "automation": "full",
        "decided_by": None,
        "subject": {
            "ref": f"personne-{number}",
            "contact": {
                "email": f"personne{number}@example.org",
                "postal_address": "2 rue de l'Exemple, 00000 Exemple",
            },
        },
        "outcome": {
            "code": "attribution" if favourable else "refus",
            "label": "Place attribuée" if favourable else "Place non attribuée",
            "favourable": favourable,
            "amount": None,
            "currency": "EUR",
            "effective_from": None,
        },
        "criteria": [
            {"code": "revenu", "value": revenu, "source": "CAF"},
            {"code": "parent_isole", "value": parent_isole, "source": "Déclaration"},
        ],
        "score": points,
        "supersedes": None,
    }
    body.update(overrides)
    return body


def spoiled(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `body` with one dotted path set to `value` (or removed if value is ...)."""
    copied = copy.deepcopy(body)
    *parents, last = path.split(".")
    target: Any = copied
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if value is ...:
        if isinstance(target, list):
            del target[int(last)]
        else:
            target.pop(last, None)
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return copied


def logged(
    decision: dict[str, Any],
    reference: str = "D-7K2QM-4XR9T",
    *,
    public_url: str = "http://explicite.test",
    seq: int = 1,
) -> DecisionLogged:
    """`decision.logged` for this contract v1 body, as decision_log announces it (the contact
    details travel beside the decision, not inside it)."""
    subject = decision["subject"]
    return DecisionLogged(
        administration=decision["administration"],
        decision={**decision, "subject": {"ref": subject["ref"]}},
        contact=subject.get("contact"),
        reference=reference,
        access_code_hash="a" * 64,
        public_url=f"{public_url}/d/{reference}",
        replay={"status": "consistent", "differences": []},
        log_seq=seq,
        log_hash=f"{seq:064x}",
        channel="amqp",
    )


def published(*events: Event) -> list[OutgoingMessage]:
    """The messages a service's commit sends for these events: decision.logged and
    explanation.generated in one batch message per administration (and no single ones)."""
    announced = [Announcement(event) for event in events]
    return list(batch_messages(announced, lambda _administration: False))
