"""Agents' sessions end everywhere when they sign out, change their password or are disabled:
a copied cookie stops working in the console and in every service's API (issue 11)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

import pytest
from werkzeug.test import Client, TestResponse

from services.appeals.service_layer.agents import create_agent, disable, set_password
from services.embedded import wait_for
from shared.auth.principal import AGENT_ROLES
from tests.integration.security.world import World

PASSWORD = "sessions-password-0123"


def signed_in(world: World, login: str) -> Client:
    """A browser signed in through the console's form, as the agent would."""
    with world.system.containers["appeals"].uow() as uow:
        create_agent(
            uow, login, world.own.administration, "Agent", AGENT_ROLES, PASSWORD, datetime.now(UTC)
        )
        uow.commit()
    client = Client(world.system.wsgi)
    page = client.get("/console/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(
        "/console/login", data={"csrf_token": token, "login": login, "password": PASSWORD}
    )
    assert answer.status_code == 303
    return client


def copy_of(client: Client) -> tuple[Client, str]:
    """Another browser holding the same cookie, and the session's CSRF token."""
    page = client.get("/console/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    cookie = client.get_cookie("explicite_session")
    assert cookie is not None
    thief = Client(client.application)
    thief.set_cookie("explicite_session", cookie.value, domain="localhost")
    return thief, token


def probes(world: World, token: str) -> dict[str, Callable[[Client], TestResponse]]:
    """What a session opens in each service, with the CSRF token where one is needed."""
    own = world.own
    csrf = {"X-CSRF-Token": token}
    return {
        "console": lambda c: c.get("/console/"),
        "decision": lambda c: c.get(
            f"/api/v1/decisions/{own.administration}/{own.decision['decision_id']}"
        ),
        "explanation": lambda c: c.get(f"/api/v1/explanations/{own.reference}"),
        **{
            f"audit {service}": partial(
                lambda c, path: c.get(path), path=f"/api/v1/audit/{service}"
            )
            for service in ("decision_log", "explainer", "appeals")
        },
        "algorithm PATCH": lambda c: c.patch(
            f"/api/v1/algorithms/{own.algorithm_id}/{own.version}",
            json={"status": "in_use"},
            headers=csrf,
        ),
        "quarantine replay": lambda c: c.post(
            f"/api/v1/quarantine/{own.quarantine_id}/replay", headers=csrf
        ),
        "template": lambda c: c.get(
            f"/api/v1/explanations/templates/{own.algorithm_id}/{own.version}"
        ),
    }


def refused(response: TestResponse) -> bool:
    return response.status_code == 401 or (
        response.status_code == 303 and response.headers["Location"].startswith("/console/login")
    )


def all_refused(world: World, thief: Client, token: str) -> bool:
    return all(refused(probe(thief)) for probe in probes(world, token).values())


@pytest.mark.parametrize("ending", ["sign_out", "password", "disabled"])
def test_a_copied_cookie_stops_working_everywhere(world: World, ending: str):
    login = f"x-sessions-{ending}"
    client = signed_in(world, login)
    thief, token = copy_of(client)
    for name, probe in probes(world, token).items():
        assert not refused(probe(thief)), f"{name} refused before the session ended"
    appeals = world.system.containers["appeals"]
    if ending == "sign_out":
        assert client.post("/console/logout", data={"csrf_token": token}).status_code == 303
    else:
        with appeals.uow() as uow:
            if ending == "password":
                set_password(uow, login, "another-password-0123")
            else:
                disable(uow, login, datetime.now(UTC))
            uow.commit()
    # The console refuses at once; the other services when appeals' event has reached them.
    assert refused(probes(world, token)["console"](thief))
    assert wait_for(lambda: all_refused(world, thief, token), timeout=10), {
        name: probe(thief).status_code for name, probe in probes(world, token).items()
    }
