"""No access code rests anywhere: not in a table, not in SQLite's write-ahead log, not in a
log line, after a whole journey on the embedded system (issue 11: decision.logged carried the
code through the outbox table, and the code sat in SQLite's WAL).

The same check on PostgreSQL, its tables and its WAL, is tests/e2e/test_codes_at_rest.py.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select
from werkzeug.test import Client

from services.embedded import wait_for
from services.explainer.adapters.tables import messaging
from shared.auth.tokens import normalize_code
from shared.contracts.events import Event
from shared.messaging import topology
from shared.web.security import CSRF_FIELD
from tests.integration.security.world import World, agent_session, build_world
from tests.logs import AllLogs, every_log_line
from tests.support.builders import published


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, Path, AllLogs]]:
    with every_log_line() as logs:
        data_dir = tmp_path_factory.mktemp("journey")
        world = build_world(data_dir)
        try:
            yield world, data_dir, logs
        finally:
            world.system.stop()


def forms(code: str) -> list[bytes]:
    """The code as printed and as typed without its hyphens."""
    return [code.encode(), normalize_code(code).encode()]


def rows_of(world: World) -> dict[str, bytes]:
    """Every row of every table of the three databases, as bytes."""
    found = {}
    for service, container in world.system.containers.items():
        metadata = MetaData()
        metadata.reflect(container.engine)
        with container.engine.connect() as connection:
            for table in metadata.sorted_tables:
                text = [repr(tuple(row)) for row in connection.execute(select(table))]
                found[f"{service}.{table.name}"] = "\n".join(text).encode()
    return found


def files_of(data_dir: Path) -> dict[str, bytes]:
    """Every file the embedded system wrote: databases, their WAL, e-mails."""
    return {
        str(path.relative_to(data_dir)): path.read_bytes()
        for path in data_dir.rglob("*")
        if path.is_file()
    }


def test_after_a_journey_no_access_code_rests_anywhere(journey):
    world, data_dir, logs = journey
    codes = [world.own.access_code, world.other.access_code]
    # The back office's HTTP channel: the code comes back in the answer, and only there.
    producer = Client(world.system.wsgi)
    decision = {
        **world.own.decision,
        "decision_id": f"REST-{uuid.uuid4().hex[:10]}",
        "event_id": str(uuid.uuid4()),
    }
    answer = producer.post(
        "/api/v1/decisions", json=decision, headers={"Authorization": f"Bearer {world.api_key}"}
    )
    assert answer.status_code == 202
    codes.append(answer.get_json()["access_code"])
    # The person opens their decision with the code; an agent reads it.
    person = Client(world.system.wsgi)
    home = person.get("/").get_data(as_text=True)
    token = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', home).group(1)
    opened = person.post(
        "/",
        data={CSRF_FIELD: token, "reference": world.own.reference, "code": world.own.access_code},
    )
    assert opened.status_code == 303 and person.get(f"/d/{world.own.reference}").status_code == 200
    reviewer = Client(world.system.wsgi)
    app = world.system.apps["explainer"]
    signer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    reviewer.set_cookie(
        "explicite_session", signer.dumps(agent_session("reviewer")), domain="localhost"
    )
    assert reviewer.get(f"/console/appeals/{world.own.appeal_id}").status_code == 200
    # A decision.logged the explainer cannot use goes to its dead letters, code and all.
    dead_code = "DEAD-C0DE-XXXX"
    codes.append(dead_code)
    broken = Event(
        topology.DECISION_LOGGED,
        world.own.administration,
        {"reference": "not-a-reference", "access_code": dead_code, "decision": {}},
    )
    with world.system.transport("svc-decision-log").publisher() as publisher:
        publisher.publish(published(broken))
    explainer = world.system.containers["explainer"]

    def dead() -> bool:
        with explainer.uow() as uow:
            return any(
                b"not-a-reference" in row.body
                for row in uow.session.execute(select(messaging.dead_letters.c.body))
            )

    assert wait_for(dead, timeout=20)

    where = {
        **{f"table {k}": v for k, v in rows_of(world).items()},
        **{f"file {k}": v for k, v in files_of(data_dir).items()},
        "logs": logs.text,
    }
    # The scan sees what is stored: references are in the tables and in the WAL.
    assert any(world.own.reference.encode() in v for k, v in where.items() if k.endswith("-wal"))
    assert world.own.reference.encode() in where["table decision_log.decisions"]
    found = {
        (name, code)
        for code in codes
        for name, content in where.items()
        if any(form in content for form in forms(code))
    }
    assert not found, found
    print(
        f"\ncodes at rest: {len(codes)} codes looked for in {len(where)} tables, files and "
        f"logs ({sum(map(len, where.values())) // 1024} KiB): none found"
    )
