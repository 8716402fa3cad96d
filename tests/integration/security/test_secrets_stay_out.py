"""No access code, API key, session or contact detail in URLs or in the logs, through a
whole journey: decisions logged, a person opening theirs, an agent reading it."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

from werkzeug.test import Client

from services.embedded import wait_for
from shared.log import JsonFormatter
from tests.integration.security.world import agent_session, build_world


def test_secrets_and_personal_data_never_reach_logs_or_urls(tmp_path: Path):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    # Everything a record carries: its message and every `extra` field.
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    world = build_world(tmp_path)
    try:
        person = Client(world.system.wsgi)
        home = person.get("/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', home)
        assert token is not None
        opened = person.post(
            "/",
            data={
                "csrf_token": token.group(1),
                "reference": world.own.reference,
                "code": world.own.access_code,
            },
        )
        visited = [opened.headers.get("Location", "")]
        page = person.get(visited[0])
        assert page.status_code == 200
        agent = Client(world.system.wsgi)
        app = world.system.apps["explainer"]
        signer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        agent.set_cookie(
            "explicite_session", signer.dumps(agent_session("reviewer")), domain="localhost"
        )
        visited.append(f"/console/appeals/{world.own.appeal_id}")
        assert agent.get(visited[-1]).status_code == 200
        # The acknowledgements go out by e-mail from the scheduler: wait for them, so that
        # the mail path's log lines are checked too.
        appeals = world.system.containers["appeals"]

        def mailed() -> bool:
            with appeals.uow() as uow:
                return all(
                    row.status == "sent"
                    for side in world.sides.values()
                    for row in uow.office.dispatches(side.administration)
                    if row.channel == "email"
                )

        assert wait_for(mailed, timeout=30)
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        world.system.stop()
    logged = stream.getvalue()
    print(f"\n{len(logged.splitlines())} log lines checked")
    assert "decision quarantined" in logged and "mail catcher" in logged  # it did log
    secrets = [
        world.own.access_code,
        world.other.access_code,
        world.api_key,
        world.own.access_code.replace("-", ""),
    ]
    contacts = [side.decision["subject"]["contact"]["email"] for side in world.sides.values()]
    for secret in [*secrets, *contacts]:
        assert secret not in logged, f"{secret[:4]}… appears in the logs"
        assert all(secret not in url for url in visited)
