"""The register's figures per version come from decisions and appeals created here, through
the real workers and events: decision_log's read model of appeals, never appeals' tables."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from werkzeug.test import Client

from services.appeals.domain.filing import Filing
from services.appeals.domain.rules import ANNULLED, MAINTAINED, Agent, Draft
from services.appeals.service_layer.agents import create_agent
from services.appeals.service_layer.filing import Filer, file_appeal
from services.appeals.service_layer.review import claim, decide
from services.embedded import Embedded, wait_for
from shared.contracts.decision import decision_message
from shared.messaging import topology
from shared.samples import SAMPLE_ALGORITHMS, SAMPLE_PRODUCERS, generate_decisions

CRECHE = next(a for a in SAMPLE_ALGORITHMS if a["id"] == "creche-attribution")
PAGE = "/register/ville-exemple/creche-attribution/2026.1"
LOGGED_QUEUE = "register-test.logged"


def _decisions(count: int, divergent: int) -> list[dict[str, Any]]:
    """`count` crèche decisions, half favourable, the first `divergent` of them declared
    against the grid."""
    by_result: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
    seed = 500
    while min(len(v) for v in by_result.values()) < count:
        for decision in generate_decisions(50, seed=seed, algorithms=[CRECHE]):
            decision["decision_id"] = f"REG-{uuid.uuid4().hex[:10]}"
            by_result[decision["outcome"]["favourable"]].append(decision)
        seed += 1
    found = [d for pair in zip(by_result[False], by_result[True], strict=False) for d in pair][
        :count
    ]
    outcomes = CRECHE["model"]["outcomes"]
    for decision in found[:divergent]:
        favourable = not decision["outcome"]["favourable"]
        chosen = outcomes["favourable" if favourable else "unfavourable"]
        decision["outcome"].update(
            code=chosen["code"], label=chosen["label"], favourable=favourable
        )
        decision["automation"], decision["decided_by"] = "partial", "commission-1"
    return found


def _log(system: Embedded, decisions: list[dict[str, Any]]) -> dict[str, str]:
    """Publish as the back office; the reference of each decision, once logged."""
    assert system.broker is not None
    system.broker.declare_queue(LOGGED_QUEUE)
    system.broker.bind(LOGGED_QUEUE, topology.EVENTS_EXCHANGE, "decision.logged.*")
    user = next(u for u, a in SAMPLE_PRODUCERS.items() if a == "ville-exemple")
    with system.transport(user).publisher() as publisher:
        publisher.publish([decision_message(d) for d in decisions])
    references: dict[str, str] = {}

    def logged() -> bool:
        assert system.broker is not None
        for delivery in system.broker.take(LOGGED_QUEUE, 500, 0.1):
            data = json.loads(delivery.body)["data"]
            references[data["decision"]["decision_id"]] = data["reference"]
        return len(references) >= len(decisions)

    assert wait_for(logged, timeout=60)
    appeals = system.containers["appeals"]

    def known_to_appeals() -> bool:
        with appeals.uow() as uow:
            return all(uow.read.decision(r) for r in references.values())

    assert wait_for(known_to_appeals, timeout=60)
    return references


def _contest_and_decide(system: Embedded, references: list[str], outcomes: list[str]) -> None:
    appeals = system.containers["appeals"]
    now = datetime.now(UTC)
    reviewer = Agent("relectrice-registre", "ville-exemple", frozenset({"reviewer"}))
    with appeals.uow() as uow:
        create_agent(
            uow,
            reviewer.id,
            "ville-exemple",
            "Relectrice",
            ["reviewer"],
            "correct-horse-battery-staple",
            now,
        )
        uow.commit()
    for reference, outcome in zip(references, outcomes, strict=True):
        with appeals.uow() as uow:
            public_id = file_appeal(
                uow,
                Filing(
                    reference=reference,
                    other="Ma situation n'est pas celle retenue.",
                    email="personne@example.org",
                ),
                Filer("usager"),
                now,
                "http://explicite.test",
            )
            claim(uow, reviewer, public_id, now)
            grounds = uow.appeals.get(public_id).grounds
            decide(
                uow,
                reviewer,
                public_id,
                Draft(
                    outcome,
                    facts="Le dossier a été relu avec les pièces fournies par la famille.",
                    law="Délibération du conseil municipal fixant le barème, article 2.",
                    answers={
                        g["id"]: "Le quotient familial de 1 180 € figure sur l'attestation "
                        "de la CAF du 3 octobre 2026."
                        for g in grounds
                    },
                    main_reason="le total de 35 points reste sous le seuil de 60 points",
                    reexamine_by=(now + timedelta(days=14)).date(),
                ),
                now,
                "http://explicite.test",
            )
            uow.commit()


def _appeals_known_to_register(system: Embedded, decided: int) -> bool:
    """Both events of each appeal arrived (they travel on two queues, in any order)."""
    from sqlalchemy import func, select

    from services.decision_log.adapters.tables import register_appeals

    with system.containers["decision_log"].uow() as uow:
        return (
            uow.session.scalar(
                select(func.count())
                .select_from(register_appeals)
                .where(
                    register_appeals.c.outcome.is_not(None),
                    register_appeals.c.received_at.is_not(None),
                )
            )
            or 0
        ) >= decided


def _figures(client: Client, path: str = PAGE) -> str:
    """The page with its runs of spaces and line breaks as one space (no-break spaces kept)."""
    response = client.get(path)
    assert response.status_code == 200
    return re.sub(r"[ \t\r\n]+", " ", response.get_data(as_text=True))


def test_figures_per_version_follow_decisions_appeals_and_outcomes(
    system: Embedded, client: Client
):
    decisions = _decisions(40, divergent=3)
    references = _log(system, decisions)
    unfavourable = sum(not d["outcome"]["favourable"] for d in decisions)
    year = datetime.fromisoformat(decisions[0]["decided_at"]).year
    assert all(datetime.fromisoformat(d["decided_at"]).year == year for d in decisions)

    page = _figures(client)
    share = round(100 * unfavourable / 40)
    assert (
        f'<th scope="row">{year}</th><td>40</td><td>{share}\u00a0%</td><td>moins de 11</td>' in page
    ), "3 divergent replays are a small count"
    assert "<dt>Contestations reçues</dt><dd>0" in page

    contested = [references[d["decision_id"]] for d in decisions[3:25]]
    assert len(contested) == 22
    _contest_and_decide(system, contested, [MAINTAINED] * 11 + [ANNULLED] * 11)
    assert wait_for(lambda: _appeals_known_to_register(system, 22), timeout=60)

    page = _figures(client)
    assert "<dt>Contestations reçues</dt><dd>22 (dont 0 en cours d'examen)</dd>" in page
    assert "<dt>Décisions confirmées</dt><dd>11</dd>" in page
    assert "<dt>Décisions annulées</dt><dd>11</dd>" in page
    assert "<dt>Décisions modifiées</dt><dd>0</dd>" in page
    assert "<dt>Part des contestations qui ont changé le résultat</dt><dd>50\u00a0%</dd>" in page
    assert "<dt>Délai médian pour répondre</dt><dd>moins d&#39;un jour</dd>" in page
    assert "<dt>Réponses après le délai légal de deux mois</dt><dd>0</dd>" in page
    # The past version shares nothing with this one's figures.
    past = _figures(client, "/register/caisse-exemple/ciblage-controles/2026.1")
    assert "Aucune décision n'a encore été journalisée avec cette version." in past


def test_small_counts_are_withheld_everywhere(system: Embedded, client: Client):
    decisions = _decisions(5, divergent=0)
    references = _log(system, decisions)
    contested = [references[d["decision_id"]] for d in decisions][:2]
    _contest_and_decide(system, contested, [ANNULLED, MAINTAINED])
    assert wait_for(lambda: _appeals_known_to_register(system, 2), timeout=60)
    page = _figures(client)
    assert "<td>moins de 11</td><td>non publié (moins de 11 cas)</td>" in page
    assert "<dt>Contestations reçues</dt><dd>moins de 11" in page
    assert "<dt>Décisions annulées</dt><dd>moins de 11</dd>" in page
    assert "<dd>non publié (moins de 11 cas)</dd>" in page
    index = _figures(client, "/register")
    assert "<td>moins de 11</td>" in index
    api = client.get("/api/v1/algorithms/ville-exemple/creche-attribution/2026.1").get_json()
    assert api["decisions_logged"] is None
    csv_text = client.get("/register/exports/v1/inventaire.csv").get_data(as_text=True)
    assert ",moins de 11," in csv_text
    legacy = client.get("/register/algorithms.json").get_json()["algorithms"]
    assert {a["id"]: a["decisions_logged"] for a in legacy}["creche-attribution"] is None
