"""appeals on a real SQLite database, migrated by Alembic, with a clock the tests move."""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.appeals.adapters.mail import Mail, Mailer
from services.appeals.bootstrap import AppealsConfig, bootstrap
from services.appeals.entrypoints.web import create_app
from services.appeals.service_layer import read_model
from shared.auth.passwords import hash_password
from shared.config import Settings
from shared.contracts.messages import AlgorithmRegistered
from shared.migrations import upgrade
from shared.samples import SAMPLE_ALGORITHMS, generate_decisions
from tests.support import builders

SECRET = "test-secret-key-that-is-long-enough-0123456789"
PASSWORD = "correct-horse-battery"
PASSWORD_HASH = hash_password(PASSWORD)
START = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


class Clock:
    """The appeals service's clock, moved by the tests."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class RecordingMailer(Mailer):
    """Keeps what it is asked to send; can be told to fail."""

    def __init__(self) -> None:
        self.sent: list[Mail] = []
        self.failing = False

    def send(self, mail: Mail) -> None:
        from services.appeals.adapters.mail import MailError

        if self.failing:
            raise MailError("connection refused")
        self.sent.append(mail)

    def to(self, address: str) -> list[Mail]:
        return [m for m in self.sent if m.to == address]


@dataclass
class World:
    """The appeals service with sample algorithms, a few decisions and agents."""

    service: Any
    clock: Clock
    mailer: RecordingMailer
    app: Any
    references: dict[str, dict[str, Any]] = field(default_factory=dict)

    def uow(self) -> Any:
        return self.service.uow()

    def log_decision(self, decision: dict[str, Any], reference: str) -> str:
        with self.uow() as uow:
            read_model.on_decisions_logged(
                [builders.logged(decision, reference)], uow, self.clock()
            )
            uow.commit()
        self.references[reference] = decision
        return reference


def _transport_copy(
    algorithm_id: str, administration: str, service: dict[str, str], recourse: dict[str, Any]
) -> dict[str, Any]:
    document = copy.deepcopy(
        next(d for d in SAMPLE_ALGORITHMS if d["id"] == "aide-transport-scolaire")
    )
    document.update(
        id=algorithm_id,
        administration=administration,
        responsible_service=service,
        recourse=recourse,
        name=f"Algorithme de test {algorithm_id}",
    )
    return document


def _route(kind: str, authority: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "authority": authority,
        "address": None,
        "months": 2,
        "days": None,
        "regime": "crpa",
        "collegial": False,
        "sanction": False,
        "texts": [],
        **extra,
    }


# Test-only algorithms carrying the routes the samples lack: a State service's decision (a
# recours hiérarchique to the préfet, observations before the measure), and a social-security
# body's decision with its commission de recours amiable.
STATE = {
    "name": "Direction départementale de l'emploi de Test-Exemple",
    "address": "Cité administrative, 4 rue de l'État, 99500 Test-Ville",
    "email": "aides@ddets-exemple.fr",
    "phone": "01 99 00 11 22",
}
CAISSE = {
    "name": "Service des prestations de Caisse-Exemple",
    "address": "Caisse-Exemple, 5 rue des Prestations, 99300 Ville-Exemple",
    "email": "prestations@caisse-exemple.fr",
    "phone": "01 99 00 78 91",
}
ROUTE_TEST_ALGORITHMS = [
    _transport_copy(
        "aide-etat-test",
        "etat-exemple",
        STATE,
        {
            "measure": "decision",
            "author": {"name": "le directeur départemental de Test-Exemple", "kind": "state"},
            "routes": [
                _route("gracieux", "le directeur départemental de Test-Exemple"),
                _route("hierarchique", "le préfet de Test-Exemple"),
                _route(
                    "observations",
                    "le directeur départemental de Test-Exemple",
                    months=None,
                    days=15,
                ),
            ],
            "court": {
                "name": "le tribunal administratif de Test-Ville",
                "order": "administrative",
                "months": 2,
                "texts": [],
            },
            "preparatory": None,
            "internal_deadline_hours": None,
            "oral_filing_counts": False,
        },
    ),
    _transport_copy(
        "prestation-test",
        "caisse-exemple",
        CAISSE,
        {
            "measure": "decision",
            "author": {"name": "le directeur de Caisse-Exemple", "kind": "social_security"},
            "routes": [
                _route(
                    "prealable",
                    "la commission de recours amiable de Caisse-Exemple",
                    regime="css",
                    collegial=True,
                )
            ],
            "court": {
                "name": "le pôle social du tribunal judiciaire dont relève votre domicile",
                "order": "judicial",
                "months": 2,
                "texts": [],
            },
            "preparatory": None,
            "internal_deadline_hours": 48,
            "oral_filing_counts": False,
        },
    ),
]


def sample_decision(
    algorithm_id: str, *, favourable: bool = False, seed: int = 7, decided_by: str | None = None
) -> dict[str, Any]:
    for offset in range(200):
        for decision in generate_decisions(30, seed=seed + offset, start=START):
            if (
                decision["algorithm"]["id"] == algorithm_id
                and decision["outcome"]["favourable"] == favourable
            ):
                if decided_by is not None:
                    decision["decided_by"] = decided_by
                return decision
    raise AssertionError("no such sample decision")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    settings = Settings(
        secret_key=SECRET,
        transport="memory",
        database_urls={"appeals": f"sqlite:///{tmp_path / 'appeals.db'}"},
        public_url="http://explicite.test",
    )
    clock, mailer = Clock(), RecordingMailer()
    service = bootstrap(settings, clock=clock, mailer=mailer, config=AppealsConfig())
    upgrade("appeals", service.engine)
    with service.uow() as uow:
        for document in [*SAMPLE_ALGORITHMS, *ROUTE_TEST_ALGORITHMS]:
            read_model.on_algorithm_registered(
                AlgorithmRegistered(document["administration"], document, 1), uow, clock()
            )
        for administration in ("ville-exemple", "caisse-exemple", "region-exemple", "etat-exemple"):
            for login, roles in (
                ("instructeur", ["reviewer"]),
                ("instructrice", ["reviewer"]),
                ("superviseur", ["supervisor"]),
                ("auditeur", ["auditor"]),
                ("responsable", ["algorithm_owner"]),
            ):
                # One argon2 hash for all: hashing is slow on purpose.
                uow.office.add_agent(
                    id=f"{login}-{administration}",
                    administration=administration,
                    name=login.title(),
                    roles=roles,
                    teams=[],
                    aliases=[],
                    password_hash=PASSWORD_HASH,
                    created_at=clock(),
                    email=f"{login}.{administration}@example.org",
                    first_name=login.title(),
                    last_name="Exemple",
                    quality=f"{login} du service",
                    delegation="Par délégation (exemple)",
                )
        uow.commit()
    world = World(service, clock, mailer, create_app(settings, service))
    world.log_decision(
        sample_decision("creche-attribution", decided_by="ville-exemple-agent-1"), "D-CRECH-00001"
    )
    world.log_decision(sample_decision("ciblage-controles"), "D-CTRLE-00001")
    world.log_decision(sample_decision("aide-transport-scolaire"), "D-TRANS-00001")
    yield world
    service.engine.dispose()


def csrf(client: FlaskClient, path: str = "/console/login") -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def as_usager(client: FlaskClient, *references: str) -> None:
    """The explainer exchanges reference and code for this session; here it is set."""
    with client.session_transaction() as session:
        session["usager"] = {"refs": list(references), "at": time.time()}


def sign_in(client: FlaskClient, login: str, password: str = PASSWORD) -> FlaskClient:
    token = csrf(client)
    response = client.post(
        "/console/login", data={"csrf_token": token, "login": login, "password": password}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return client


def token_of(client: FlaskClient) -> str:
    return csrf(client, "/console/")


def contest(client: FlaskClient, reference: str, **fields: str) -> Any:
    token = csrf(client, f"/d/{reference}/contester")
    data = {
        "csrf_token": token,
        "kind": "recours",
        "answer_by": "email",
        "email": "personne@example.org",
        **fields,
    }
    return client.post(f"/d/{reference}/contester", data=data)


def file_creche(world: World, client: FlaskClient | None = None) -> str:
    """The person contests the crèche refusal: their income is wrong, and their account."""
    client = client or world.app.test_client()
    as_usager(client, "D-CRECH-00001")
    response = contest(
        client,
        "D-CRECH-00001",
        **{
            "dispute-quotient_familial": "1",
            "claimed-quotient_familial": "600",
            "reason-quotient_familial": "Mon quotient a baissé depuis ma séparation.",
            "account": "Je travaille à temps plein et je n'ai personne pour garder mon fils.",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    return response.headers["Location"].split("/")[-1].split("?")[0]


FACTS = "L'attestation de la CAF jointe au recours montre un quotient familial de 600 €."
LAW = "Délibération n° 2025-117 du conseil municipal, barème d'attribution, article 2."
# One answer per ground, each resting on the dossier (a value, a date, what was written).
ANSWERS = (
    "Le quotient familial de 600 € est celui de l'attestation de la CAF d'octobre.",
    "Votre travail à temps plein compte pour 10 points : activité des deux parents.",
    "Votre séparation du 1er mars change votre quotient, pas les autres critères.",
    "La demande déposée il y a 3 mois compte pour 0 point dans le barème.",
)


def decision_form(token: str, outcome: str, grounds: int = 2, **extra: str) -> dict[str, str]:
    form = {
        "csrf_token": token,
        "action": "decide",
        "outcome": outcome,
        "facts": FACTS,
        "law": LAW,
        "main_reason": "votre total de points reste sous le seuil de 60",
        **extra,
    }
    if outcome == "annulled":
        form.setdefault("reexamine_by", "2026-12-15")
    for number in range(1, grounds + 1):
        form[f"answer-g{number}"] = ANSWERS[number - 1]
    return form


def examine(client: FlaskClient, public_id: str) -> None:
    """What a reviewer does before deciding: recompute with the person's values, open each
    attachment."""
    page = client.get(f"/console/appeals/{public_id}").get_data(as_text=True)
    if "/recompute" in page:
        response = client.post(
            f"/console/appeals/{public_id}/recompute", data={"csrf_token": token_of(client)}
        )
        assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    for path in re.findall(r'href="(/console/appeals/[^"]+/attachments/\d+)"', page):
        assert client.get(path).status_code == 200
