"""What a person's reading costs the database, and what it still shows.

A reading waits on the database for each statement and for its commit (docs/benchmark.md, (d)
HTTP): three statements for a later reading, one more (the document's store) for a first one,
and the person's own reading does not wait for the disk. Run on SQLite and, marked infra, on
PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, select

from services.explainer.adapters import tables as t
from services.explainer.bootstrap import Explainer, bootstrap
from services.explainer.entrypoints.web import create_app
from shared.config import Settings
from shared.migrations import upgrade
from shared.web.security import CSRF_HEADER
from tests.integration.explainer.conftest import (
    SECRET,
    Harness,
    Logged,
    as_agent,
    csrf,
    decision_of,
    open_decision,
    registered,
    sample,
)

NOT_COUNTED = ("BEGIN", "SET LOCAL", "SELECT 1")
ASYNCHRONOUS = "SET LOCAL synchronous_commit = off"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.infra)])
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Explainer]:
    name = f"explainer_{uuid.uuid4().hex[:10]}"
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / name}.db"
    else:
        postgres = request.getfixturevalue("postgres")
        postgres.create_database(name)
        url = str(postgres.url(name))
    settings = Settings(
        secret_key=SECRET,
        transport="memory",
        database_urls={"explainer": url},
        public_url="http://explicite.test",
        trusted_proxies=1,
    )
    made = bootstrap(settings)
    upgrade("explainer", made.engine)
    yield made
    made.engine.dispose()


class Statements:
    """The statements the service's engine runs, as sent."""

    def __init__(self, service: Explainer) -> None:
        self.seen: list[str] = []
        event.listen(service.engine, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.seen.append(statement.strip())

    def during(self, client: FlaskClient, path: str) -> tuple[Any, list[str]]:
        self.seen.clear()
        response = client.get(path)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return response, list(self.seen)


def counted(statements: list[str]) -> list[str]:
    return [s for s in statements if not s.startswith(NOT_COUNTED)]


def signed_in(service: Explainer, logged: Logged) -> FlaskClient:
    client = create_app(service.settings, service).test_client()
    assert open_decision(client, logged.reference, logged.access_code).status_code == 303
    return client


def test_a_reading_takes_three_statements_and_a_first_reading_one_more(service: Explainer):
    harness = Harness(service)
    decisions = [Logged(decision_of("creche-attribution", seed=s)) for s in (3, 4, 5)]
    harness.publish(registered(sample("creche-attribution")), *(d.event() for d in decisions))
    statements = Statements(service)
    for logged, first_path in zip(decisions[1:], ("/d/{}", "/api/v1/explanations/{}"), strict=True):
        client = signed_in(service, logged)
        _, first = statements.during(client, first_path.format(logged.reference))
        assert len(counted(first)) == 4, first  # decision, audit, versions, the document's store
        assert counted(first)[-1].startswith("UPDATE explanations")
        for path in ("/d/{}", "/api/v1/explanations/{}"):
            _, later = statements.during(client, path.format(logged.reference))
            assert len(counted(later)) == 3, later  # decision, audit, versions


def test_what_a_reading_shows_is_read_in_those_statements(service: Explainer):
    """Versions, the one asked for, the formal request, the decision replacing this one and the
    one it replaces: all of it from the three statements."""
    harness = Harness(service)
    document = sample("creche-attribution")
    first = Logged(decision_of("creche-attribution", favourable=False))
    harness.publish(registered(document), first.event())
    harness.publish(registered({**document, "purpose": "Une finalité corrigée."}, revision=2))
    revised = Logged(
        decision_of(
            "creche-attribution",
            favourable=False,
            seed=4,
            supersedes=first.decision["decision_id"],
            decision_id=first.decision["decision_id"] + "-R1",
        )
    )
    harness.publish(revised.event())
    client = signed_in(service, first)
    path = f"/api/v1/explanations/{first.reference}"
    body = client.get(path).json
    assert [v["version"] for v in body["versions"]] == [1, 2] and body["version"] == 2
    assert body["replaced_by"] == [revised.reference] and body["replaces"] is None
    assert body["communication_request"] is None
    assert "une finalité corrigée." in body["mention_explicite"]
    assert body["document"]["mention"] == body["mention_explicite"]
    older = client.get(f"{path}?version=1").json  # its first reading, at revision 1
    assert older["version"] == 1 and "une finalité corrigée." not in older["mention_explicite"]
    assert older["document"]["mention"] == older["mention_explicite"]
    assert client.get(f"{path}?version=3").status_code == 404
    token = csrf(client, f"/d/{first.reference}")
    requested = client.post(f"{path}/communication-request", headers={CSRF_HEADER: token}).json
    body = client.get(path).json
    assert body["communication_request"]["deadline"] == requested["deadline"]
    page = client.get(f"/d/{first.reference}").get_data(as_text=True)
    assert revised.reference in page
    # The revised decision's holder reaches the first through the chain, and sees what it replaces.
    other = signed_in(service, revised)
    assert other.get(f"/api/v1/explanations/{revised.reference}").json["replaces"] == (
        first.reference
    )
    assert other.get(path).json["replaced_by"] == [revised.reference]
    with service.engine.connect() as connection:
        built = connection.execute(
            select(t.explanations.c.version).where(
                t.explanations.c.reference == first.reference,
                t.explanations.c.document.is_not(None),
            )
        ).scalars()
        assert sorted(built) == [1, 2]


def test_only_the_persons_own_reading_skips_waiting_for_the_disk(service: Explainer):
    """docs/security.md: an agent's reading of someone's file is on disk before it is shown."""
    harness = Harness(service)
    logged = Logged(decision_of("creche-attribution"))
    harness.publish(registered(sample("creche-attribution")), logged.event())
    statements = Statements(service)
    usager = signed_in(service, logged)
    agent = create_app(service.settings, service).test_client()
    as_agent(agent, "ville-exemple", "reviewer")
    postgresql = service.engine.dialect.name == "postgresql"
    for path in (f"/d/{logged.reference}", f"/api/v1/explanations/{logged.reference}"):
        _, own = statements.during(usager, path)
        assert (ASYNCHRONOUS in own) is postgresql
        _, agents = statements.during(agent, path)
        assert ASYNCHRONOUS not in agents
    with service.engine.connect() as connection:
        actors = connection.execute(
            select(t.audit.entries.c.actor).where(
                t.audit.entries.c.subject == f"explanation:{logged.reference}"
            )
        ).scalars()
        assert sorted(actors) == ["agent:agent-1"] * 2 + ["usager"] * 2


def test_the_dated_sections_are_built_once_per_decision_and_day(
    service: Explainer, monkeypatch: pytest.MonkeyPatch
):
    """A first reading needs them for the day the document is dated and for the day it is
    read (the same day here), later readings that day again: one computation per process."""
    from services.explainer.service_layer import generation

    harness = Harness(service)
    decisions = [Logged(decision_of("creche-attribution", seed=s)) for s in (3, 4)]
    harness.publish(registered(sample("creche-attribution")), *(d.event() for d in decisions))
    built: list[str] = []
    original = generation.dated_sections

    def counted_sections(case: Any, *args: Any) -> Any:
        built.append(case.reference)
        return original(case, *args)

    monkeypatch.setattr(generation, "dated_sections", counted_sections)
    client = signed_in(service, decisions[1])
    first = client.get(f"/d/{decisions[1].reference}").get_data(as_text=True)
    for path in ("/d/{}", "/api/v1/explanations/{}", "/d/{}"):
        assert client.get(path.format(decisions[1].reference)).status_code == 200
    assert built == [decisions[1].reference]
    assert client.get(f"/d/{decisions[1].reference}").get_data(as_text=True) == first
