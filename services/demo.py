"""Sample algorithms and decisions for the embedded mode, and a decision to try."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from services.embedded import Embedded, wait_for
from shared.contracts.decision import decision_message
from shared.messaging import topology
from shared.samples import (
    REGISTERED_SAMPLES,
    SAMPLE_ALGORITHMS,
    SAMPLE_PRODUCERS,
    generate_decisions,
)

BACK_OFFICE_QUEUE = "backoffice.demo"


def register_samples(system: Embedded) -> bool:
    """Register the sample algorithms and producers once; True on the first start."""
    from services.decision_log.service_layer.producers import register_amqp_producer
    from services.decision_log.service_layer.registry import register_algorithm

    decision_log: Any = system.containers["decision_log"]
    with decision_log.uow() as uow:
        if uow.algorithms.listing(public_only=False):
            return False
        for document in (*past_versions(), *REGISTERED_SAMPLES):
            register_algorithm(uow, document, administration=document["administration"], by="demo")
        for user, administration in SAMPLE_PRODUCERS.items():
            register_amqp_producer(uow, user, administration)
        uow.commit()
    return True


def past_versions() -> list[dict[str, Any]]:
    """The control-targeting sample's previous version, as its evaluation describes it: the
    recent change of family situation weighed 15 points, reduced to 12 in 2026.2. Retired, it
    stays in the register, where the two can be compared."""
    current = next(d for d in SAMPLE_ALGORITHMS if d["id"] == "ciblage-controles")
    past = json.loads(json.dumps(current))
    past.update(version="2026.1", status="retired", evaluation=None)
    for weight in past["model"]["weights"]:
        if weight["criterion"] == "changement_situation_familiale_recent":
            weight.update(weight=15, label="15 points si la situation familiale a changé récemment")
    return [past]


def _publish(system: Embedded, decisions: list[dict[str, Any]]) -> None:
    """Publish as each administration's back office would, with its own AMQP user."""
    user_of = {administration: user for user, administration in SAMPLE_PRODUCERS.items()}
    for administration in sorted({d["administration"] for d in decisions}):
        batch = [decision_message(d) for d in decisions if d["administration"] == administration]
        with system.transport(user_of[administration]).publisher() as publisher:
            publisher.publish(batch)


def _refused_creche_decision() -> dict[str, Any]:
    seed = int(time.time())
    while True:
        for decision in generate_decisions(20, seed=seed):
            if (
                decision["algorithm"]["id"] == "creche-attribution"
                and not decision["outcome"]["favourable"]
            ):
                return _fresh_event(decision)
        seed += 1


def _fresh_event(decision: dict[str, Any]) -> dict[str, Any]:
    """A new event id for a decision of this start. The samples draw theirs from their seed,
    and the two generators seeded alike (the same second) can draw the same one: decision_log
    would take the second decision for a resend of the first and log it once."""
    return {**decision, "event_id": str(uuid.uuid4())}


def _refused_bourse_decision(first_start: bool) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The Collège-Exemple back office's decisions (computed with openfisca-france, a quarter
    of them wrong on purpose) on first start, and one fresh refusal it computed rightly."""
    from shared.samples.backoffice import bourse_college

    seed = int(time.time())
    while True:
        fresh = bourse_college.decisions(10, seed=seed)
        wrong = bourse_college.wrong_ones(10, seed=seed)
        demo = next(
            (d for d in fresh if not d["outcome"]["favourable"] and d["decision_id"] not in wrong),
            None,
        )
        if demo is not None:
            past = bourse_college.decisions(12, seed=1, divergent_rate=0.25) if first_start else []
            return past, _fresh_event(demo)
        seed += 1


def load_demo(system: Embedded) -> str:
    """Load the samples on first start, log fresh decisions and say how to open them."""
    assert system.broker is not None
    system.broker.declare_queue(BACK_OFFICE_QUEUE)
    system.broker.bind(BACK_OFFICE_QUEUE, topology.EVENTS_EXCHANGE, f"{topology.DECISION_LOGGED}.*")
    first_start = register_samples(system)
    creche = _refused_creche_decision()
    bourses, bourse = _refused_bourse_decision(first_start)
    _publish(
        system,
        (generate_decisions(30, seed=1) if first_start else []) + [creche] + bourses + [bourse],
    )
    wanted = {
        creche["decision_id"]: "refus de place en crèche",
        bourse["decision_id"]: "refus de bourse de collège, calculé avec OpenFisca",
    }
    found: dict[str, dict[str, Any]] = {}

    def logged() -> bool:
        assert system.broker is not None
        for delivery in system.broker.take(BACK_OFFICE_QUEUE, 500, 0.1):
            data = json.loads(delivery.body)["data"]
            if data["decision"]["decision_id"] in wanted:
                found[data["decision"]["decision_id"]] = data
        return len(found) == len(wanted)

    if not wait_for(logged, timeout=60):
        return (
            "Les décisions de démonstration n'ont pas été journalisées à temps : voir le "
            "journal.\n" + demo_agents(system)
        )
    lines = []
    for decision_id, what in wanted.items():
        data = found[decision_id]
        lines += [
            f"Décision de démonstration ({what}) :",
            f"  référence     : {data['reference']}",
            f"  code d'accès  : {data['access_code']}",
            f"  page          : {data['public_url']}",
        ]
    return (
        "\n".join(lines) + f"\nRegistre public des algorithmes : "
        f"{system.settings.public_url}/register\n" + demo_agents(system)
    )


DEMO_ROLES = (
    ("instructeur", "reviewer", "Instructeur"),
    ("superviseur", "supervisor", "Superviseuse"),
    ("proprietaire", "algorithm_owner", "Responsable des algorithmes"),
)
# Fictitious signers, as the letters name them (CRPA L212-1), per administration and role.
DEMO_SIGNERS = {
    ("ville-exemple", "instructeur"): (
        "Camille",
        "Martin",
        "instructeur du service petite enfance",
        "Par délégation du maire, arrêté n° 2026-12 (exemple)",
    ),
    ("ville-exemple", "superviseur"): (
        "Nadia",
        "Bensaïd",
        "responsable du service petite enfance",
        "Par délégation du maire, arrêté n° 2026-11 (exemple)",
    ),
    ("region-exemple", "instructeur"): (
        "Louis",
        "Perrin",
        "gestionnaire des transports scolaires",
        "Par délégation du président du conseil régional, arrêté n° 2026-40 (exemple)",
    ),
    ("region-exemple", "superviseur"): (
        "Awa",
        "Diallo",
        "cheffe du service des transports scolaires",
        "Par délégation du président du conseil régional, arrêté n° 2026-39 (exemple)",
    ),
    ("caisse-exemple", "instructeur"): (
        "Julien",
        "Roux",
        "gestionnaire conseil",
        "Par délégation du directeur (exemple)",
    ),
    ("caisse-exemple", "superviseur"): (
        "Inès",
        "Lefort",
        "responsable du service du contrôle",
        "Par délégation du directeur (exemple)",
    ),
    # D531-8 du code de l'éducation: the chef d'établissement decides the bourse de collège.
    ("college-exemple", "instructeur"): (
        "Sophie",
        "Garnier",
        "secrétaire de gestion",
        "Par délégation du principal (exemple)",
    ),
    ("college-exemple", "superviseur"): ("Marc", "Lemoine", "principal du Collège-Exemple", None),
}


def demo_agents(system: Embedded) -> str:
    """A reviewer and a supervisor per sample administration, with passwords drawn at each
    start (demo accounts only: never create such accounts on a real deployment)."""
    from datetime import UTC, datetime

    from services.appeals.service_layer.agents import create_agent, set_password
    from shared.auth.passwords import generate_password

    appeals: Any = system.containers.get("appeals")
    if appeals is None:
        return ""
    lines = [
        "Console des agents (comptes de démonstration, mots de passe tirés à chaque "
        f"démarrage) : {system.settings.public_url}/console/"
    ]
    administrations = sorted({d["administration"] for d in REGISTERED_SAMPLES})
    with appeals.uow() as uow:
        for administration in administrations:
            for prefix, role, title in DEMO_ROLES:
                login, password = f"{prefix}-{administration}", generate_password()
                first, last, quality, delegation = DEMO_SIGNERS.get(
                    (administration, prefix), (title, administration, title.lower(), None)
                )
                if uow.office.agent(login) is None:
                    create_agent(
                        uow,
                        login,
                        administration,
                        f"{first} {last}",
                        [role],
                        password,
                        datetime.now(UTC),
                        email=f"{prefix}.{administration}@example.org",
                        first_name=first,
                        last_name=last,
                        quality=quality,
                        delegation=delegation,
                    )
                else:
                    set_password(uow, login, password)
                lines.append(f"  {login:32} {password}")
        uow.commit()
    folder = appeals.config.mail_dir
    lines.append(
        "Courriels envoyés (capturés, jamais distribués) : "
        f"{folder or 'en mémoire'} et /console/courrier"
    )
    return "\n".join(lines)
