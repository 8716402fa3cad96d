"""Two administrations' worth of data on the whole embedded system, to probe who sees what."""

from __future__ import annotations

import importlib
import json
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from services.appeals.domain.filing import Filing, Upload
from services.appeals.service_layer.agents import create_agent, end_sessions
from services.appeals.service_layer.filing import Filer, file_appeal
from services.decision_log.service_layer.producers import create_api_key
from services.decision_log.service_layer.transparency import issue_checkpoints
from services.demo import register_samples
from services.embedded import Embedded, embedded_configs, embedded_settings, start, wait_for
from shared.auth.principal import AGENT_ROLES
from shared.contracts.decision import decision_message
from shared.messaging import topology
from shared.samples import SAMPLE_ALGORITHMS, SAMPLE_PRODUCERS, generate_decisions

OWN, OTHER = "ville-exemple", "region-exemple"
ALGORITHM = {OWN: "creche-attribution", OTHER: "aide-transport-scolaire"}
PRODUCER_OF = {adm: user for user, adm in SAMPLE_PRODUCERS.items()}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Side:
    """One administration's identifiers, to put in URLs and bodies."""

    administration: str
    algorithm_id: str
    version: str
    decision: dict[str, Any]
    # Another decision of the administration, that nobody contested.
    uncontested: dict[str, Any] = field(default_factory=dict)
    reference: str = ""
    uncontested_reference: str = ""
    access_code: str = ""
    appeal_id: str = ""
    attachment_id: int = 0
    dispatch_id: int = 0
    quarantine_id: int = 0
    report_id: str = ""

    @property
    def markers(self) -> list[str]:
        """Strings that must never appear in an answer to the other administration's agents."""
        return [
            self.reference,
            self.decision["decision_id"],
            self.appeal_id,
            self.decision["subject"]["ref"],
            self.uncontested_reference,
            self.uncontested["decision_id"],
        ]


@dataclass
class World:
    system: Embedded
    own: Side
    other: Side
    api_key: str
    sides: dict[str, Side] = field(default_factory=dict)


def _decision(administration: str, seed: int) -> dict[str, Any]:
    algorithms = [a for a in SAMPLE_ALGORITHMS if a["id"] == ALGORITHM[administration]]
    for decision in generate_decisions(20, seed=seed, algorithms=algorithms):
        if not decision["outcome"]["favourable"]:
            decision["decision_id"] = f"MATRIX-{uuid.uuid4().hex[:10]}"
            return decision
    raise AssertionError("no unfavourable sample decision")


def build_world(data_dir: Path) -> World:
    settings = embedded_settings(data_dir, "http://explicite.test")
    system = start(settings, embedded_configs(data_dir, settings))
    register_samples(system)
    broker = system.broker
    assert broker is not None
    broker.declare_queue("matrix.logged")
    broker.bind("matrix.logged", topology.EVENTS_EXCHANGE, "decision.logged.*")
    sides = {}
    for number, administration in enumerate((OWN, OTHER), start=1):
        algorithm = next(a for a in SAMPLE_ALGORITHMS if a["id"] == ALGORITHM[administration])
        side = Side(
            administration,
            algorithm["id"],
            algorithm["version"],
            _decision(administration, 900 + number),
            _decision(administration, 950 + number),
        )
        with system.transport(PRODUCER_OF[administration]).publisher() as publisher:
            broken = decision_message(
                {**side.decision, "criteria": "broken", "event_id": str(uuid.uuid4())}
            )
            publisher.publish(
                [decision_message(side.decision), broken, decision_message(side.uncontested)]
            )
        sides[administration] = side
    _collect_codes(system, sides)
    _sign_checkpoints(system)
    _wait_for_read_models(system, sides)
    with system.containers["appeals"].uow() as uow:  # the own appeal goes to a closed team
        uow.office.set_route(OWN, ALGORITHM[OWN], TEAM)
        uow.office.set_need_to_know(OWN, TEAM, True, datetime.now(UTC))
        uow.commit()
    _file_appeals(system, sides)
    _quarantine_ids(system, sides)
    _report_errors(system, sides)
    with system.containers["decision_log"].uow() as uow:
        key = create_api_key(uow, OWN, "matrix", ("decisions:write", "algorithms:write"))
        uow.commit()
    _create_agents(system)
    return World(system, sides[OWN], sides[OTHER], key, sides)


def _sign_checkpoints(system: Embedded) -> None:
    """Now rather than when the worker's minute comes: receipts need a checkpoint."""
    container = system.containers["decision_log"]
    config = replace(container.config, log_checkpoint_seconds=0)
    with container.uow() as uow:
        issue_checkpoints(uow, config, container.log_keys, datetime.now(UTC))
        uow.commit()


def _collect_codes(system: Embedded, sides: dict[str, Side]) -> None:
    by_id = {side.decision["decision_id"]: side for side in sides.values()}
    uncontested = {side.uncontested["decision_id"]: side for side in sides.values()}

    def collected() -> bool:
        assert system.broker is not None
        for delivery in system.broker.take("matrix.logged", 100, 0.1):
            data = json.loads(delivery.body)["data"]
            decision_id = data["decision"]["decision_id"]
            if decision_id in by_id:
                side = by_id[decision_id]
                side.reference, side.access_code = data["reference"], data["access_code"]
            elif decision_id in uncontested:
                uncontested[decision_id].uncontested_reference = data["reference"]
        return all(side.reference and side.uncontested_reference for side in sides.values())

    assert wait_for(collected, timeout=30)


def _wait_for_read_models(system: Embedded, sides: dict[str, Side]) -> None:
    explainer, appeals = system.containers["explainer"], system.containers["appeals"]

    def ready() -> bool:
        with explainer.uow() as ex, appeals.uow() as ap:
            for side in sides.values():
                row = ex.decisions.by_reference(side.reference)
                if (
                    row is None
                    or ex.explanations.latest(row.id) is None
                    or ap.read.decision(side.reference) is None
                    or ap.read.decision(side.uncontested_reference) is None
                ):
                    return False
            return True

    assert wait_for(ready, timeout=30)


def _file_appeals(system: Embedded, sides: dict[str, Side]) -> None:
    appeals = system.containers["appeals"]
    for side in sides.values():
        criterion = side.decision["criteria"][0]["code"]
        filing = Filing(
            reference=side.reference,
            other=f"Je conteste le critère {criterion}.",
            account="Ma situation a changé.",
            email="personne@example.org",
            uploads=[Upload("justificatif.pdf", PDF)],
        )
        with appeals.uow() as uow:
            side.appeal_id = file_appeal(
                uow, filing, Filer("usager"), datetime.now(UTC), "http://explicite.test"
            )
            uow.commit()
        with appeals.uow() as uow:
            appeal = uow.appeals.get(side.appeal_id)
            side.attachment_id = uow.appeals.attachments(appeal.id)[0].id
            side.dispatch_id = uow.office.dispatches(side.administration)[0].id


def _report_errors(system: Embedded, sides: dict[str, Side]) -> None:
    """One report of an error in each side's register entry, received by appeals."""
    from services.decision_log.service_layer.reports import report_error

    decision_log, appeals = system.containers["decision_log"], system.containers["appeals"]
    for side in sides.values():
        with decision_log.uow() as uow:
            side.report_id = report_error(
                uow,
                decision_log.limiter,
                (side.administration, side.algorithm_id, side.version),
                {"topic": "autre", "message": "Le numéro de téléphone du service a changé."},
                "192.0.2.1",
                datetime.now(UTC),
            )
            uow.commit()

    def received() -> bool:
        with appeals.uow() as uow:
            return all(
                uow.reports.get(side.administration, side.report_id) for side in sides.values()
            )

    assert wait_for(received, timeout=30)


def _quarantine_ids(system: Embedded, sides: dict[str, Side]) -> None:
    decision_log = system.containers["decision_log"]

    def found() -> bool:
        with decision_log.uow() as uow:
            for side in sides.values():
                items = uow.quarantine.listing(status="pending", administration=side.administration)
                side.quarantine_id = items[0].id if items else 0
        return all(side.quarantine_id for side in sides.values())

    assert wait_for(found, timeout=30)


REVOKED = "x-revoked"
# The own administration's need-to-know team (its appeal's), and a colleague outside it.
TEAM = "sensible"
OUTSIDER = "x-outsider"


def _create_agents(system: Embedded) -> None:
    with system.containers["appeals"].uow() as uow:
        for administration, prefix in ((OWN, "x"), (OTHER, "y")):
            for role in AGENT_ROLES:
                create_agent(
                    uow,
                    f"{prefix}-{role}",
                    administration,
                    f"Agent {role}",
                    [role],
                    "matrix-password-0123",
                    datetime.now(UTC),
                    teams=[TEAM],
                )
        create_agent(
            uow,
            OUTSIDER,
            OWN,
            "Agent d'une autre équipe",
            ["reviewer", "supervisor"],
            "matrix-password-0123",
            datetime.now(UTC),
        )
        # Every role, and every session signed in before this sign-out.
        create_agent(
            uow, REVOKED, OWN, "Agent parti", AGENT_ROLES, "matrix-password-0123", datetime.now(UTC)
        )
        uow.commit()
    with system.containers["appeals"].uow() as uow:
        end_sessions(uow, REVOKED, "sign_out")
        uow.commit()

    def known_everywhere() -> bool:
        for service in ("decision_log", "explainer"):
            with system.containers[service].uow() as uow:
                if not uow.session.execute(
                    select(agent_sessions_of(service)).where(
                        agent_sessions_of(service).c.agent_id == REVOKED
                    )
                ).first():
                    return False
        return True

    assert wait_for(known_everywhere, timeout=30)


def agent_sessions_of(service: str) -> Any:
    return importlib.import_module(f"services.{service}.adapters.tables").agent_sessions


def agent_session(role: str, administration: str = OWN) -> dict[str, Any]:
    prefix = "x" if administration == OWN else "y"
    return {
        "agent": {
            "id": f"{prefix}-{role}",
            "administration": administration,
            "roles": [role],
            "gen": 0,
            "at": time.time(),
        }
    }


def outsider_session() -> dict[str, Any]:
    """A reviewer and supervisor of the own administration, not in its need-to-know team."""
    return {
        "agent": {
            "id": OUTSIDER,
            "administration": OWN,
            "roles": ["reviewer", "supervisor"],
            "gen": 0,
            "at": time.time(),
        }
    }


def revoked_session() -> dict[str, Any]:
    """A session of an agent holding every role, signed in before they signed out."""
    return {
        "agent": {
            "id": REVOKED,
            "administration": OWN,
            "roles": list(AGENT_ROLES),
            "gen": 0,
            "at": time.time(),
        }
    }
