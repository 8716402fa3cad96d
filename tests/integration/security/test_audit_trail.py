"""Every reading of a dossier, an explanation or personal data is recorded, and the records
cannot be changed or removed unnoticed."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import delete, select, update
from werkzeug.test import Client

from services import cli
from shared import audit
from tests.integration.security.world import World, agent_session


def browser(world: World, session: dict[str, Any]) -> Client:
    client = Client(world.system.wsgi)
    app = world.system.apps["explainer"]
    signer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    client.set_cookie("explicite_session", signer.dumps(session), domain="localhost")
    return client


def trail(world: World, service: str) -> tuple[Any, Any]:
    container = world.system.containers[service]
    tables = __import__(f"services.{service}.adapters.tables", fromlist=["audit"]).audit
    return container, tables


def test_each_reading_leaves_an_entry_that_auditors_of_that_administration_see(world: World):
    reviewer = browser(world, agent_session("reviewer"))
    own = world.own
    assert (
        reviewer.get(
            f"/api/v1/decisions/{own.administration}/{own.decision['decision_id']}"
        ).status_code
        == 200
    )
    assert reviewer.get(f"/d/{own.reference}").status_code == 200
    assert reviewer.get(f"/console/appeals/{own.appeal_id}").status_code == 200
    person = browser(world, {"usager": {"refs": [own.reference], "at": time.time()}})
    assert person.get(f"/d/{own.reference}").status_code == 200

    auditor = browser(world, agent_session("auditor"))
    seen = {}
    for service in ("decision_log", "explainer", "appeals"):
        answer = auditor.get(f"/api/v1/audit/{service}").get_json()
        assert answer["intact"] is True
        seen[service] = answer["entries"]
    assert any(
        e["actor"] == "agent:x-reviewer"
        and e["subject"] == f"decision:{own.administration}/{own.decision['decision_id']}"
        for e in seen["decision_log"]
    )
    explained = [e for e in seen["explainer"] if e["subject"] == f"explanation:{own.reference}"]
    assert {e["actor"] for e in explained} >= {"agent:x-reviewer", "usager"}
    assert any(
        e["subject"] == f"appeal:{own.appeal_id}" and e["action"] == "open" for e in seen["appeals"]
    )
    text = json.dumps(seen)
    assert world.other.reference not in text and world.other.appeal_id not in text
    assert browser(world, agent_session("reviewer")).get("/api/v1/audit/appeals").status_code == 403


def verify_command(world: World, monkeypatch: Any) -> int:
    settings = world.system.settings
    monkeypatch.setenv("EXPLICITE_SECRET_KEY", settings.secret_key)
    for service, url in settings.database_urls.items():
        monkeypatch.setenv(f"EXPLICITE_{service.upper()}_DATABASE_URL", url)
    return cli.main(["verify"])


def test_a_changed_or_removed_entry_is_detected(world: World, monkeypatch, capsys):
    container, tables = trail(world, "explainer")
    with container.uow() as uow:
        audit.seal_all(uow.session, tables)
        assert audit.verify(uow.session, tables, "explainer").intact
    assert verify_command(world, monkeypatch) == 0
    with container.engine.begin() as connection:
        first = connection.scalar(select(tables.entries.c.seq).order_by(tables.entries.c.seq))
        connection.execute(
            update(tables.entries)
            .where(tables.entries.c.seq == first)
            .values(actor="agent:someone-else")
        )
    with container.uow() as uow:
        report = audit.verify(uow.session, tables, "explainer")
    assert not report.intact and report.breaks[0].seq == first
    with container.engine.begin() as connection:
        last = connection.scalar(select(tables.entries.c.seq).order_by(tables.entries.c.seq.desc()))
        connection.execute(delete(tables.entries).where(tables.entries.c.seq == last))
    with container.uow() as uow:
        report = audit.verify(uow.session, tables, "explainer")
    assert any("head" in b.problem for b in report.breaks)
    capsys.readouterr()
    assert verify_command(world, monkeypatch) == 1
    printed = json.loads(capsys.readouterr().out)
    assert [t["intact"] for t in printed["audit_trails"]] == [True, False, True]


def test_lists_and_every_page_showing_personal_data_leave_entries(world: World):
    """Issue 11: the appeals list, the mail room and its letters, the filing form on a
    person's behalf were read without a trace."""
    own = world.own
    supervisor = browser(world, agent_session("supervisor"))
    readings = {
        "/api/v1/appeals?limit=500": ("list", f"appeal:{own.appeal_id}"),
        "/console/courrier": ("list", f"dispatch:{own.dispatch_id}"),
        f"/console/courrier/{own.dispatch_id}": ("read", f"dispatch:{own.dispatch_id}"),
        f"/console/courrier/{own.dispatch_id}.pdf": ("print", f"dispatch:{own.dispatch_id}"),
        f"/console/deposer?reference={own.uncontested_reference}": (
            "read",
            f"decision:{own.uncontested_reference}",
        ),
    }
    for path in readings:
        assert supervisor.get(path).status_code == 200, path
    auditor = browser(world, agent_session("auditor"))
    entries = auditor.get("/api/v1/audit/appeals?limit=1000").get_json()["entries"]
    seen = {(e["action"], e["subject"]) for e in entries if e["actor"] == "agent:x-supervisor"}
    missing = {path: wanted for path, wanted in readings.items() if wanted not in seen}
    assert not missing
    assert not any(world.other.appeal_id in e["subject"] for e in entries)
