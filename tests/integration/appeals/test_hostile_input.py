"""Hostile bodies and addresses cost the appeals service little and get a clear 4xx."""

from __future__ import annotations

import json
import time
import tracemalloc
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.integration.appeals.conftest import World, as_usager, csrf

FOURTEEN_MB = 14 * 1024 * 1024


def hostile_body(size: int) -> bytes:
    """`{"disputed":[{},{},…]}`: millions of invalid items, the probe's denial of service."""
    head = b'{"reference":"D-CRECH-00001","answer_by":"email","disputed":['
    count = (size - len(head) - 2) // 3
    return head + b",".join([b"{}"] * count) + b"]}"


def person(world: World) -> Any:
    """The holder of the crèche decision's code, whose requests carry their CSRF token."""
    client = world.app.test_client()
    as_usager(client, "D-CRECH-00001")
    with client.session_transaction() as session:
        session["csrf"] = "token"
    client.environ_base["HTTP_X_CSRF_TOKEN"] = "token"
    return client


def timed_post(client, body: bytes) -> tuple[object, float, int]:
    """The answer, the seconds it took and the memory it allocated at its peak."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        response = client.post("/api/v1/appeals", data=body, content_type="application/json")
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return response, elapsed, peak


def test_a_14_mb_hostile_body_is_answered_4xx_in_under_a_second_with_little_memory(world: World):
    body = hostile_body(FOURTEEN_MB - 1024)
    anonymous = world.app.test_client()
    response, elapsed, peak = timed_post(anonymous, body)
    assert response.status_code == 401 and elapsed < 1 and peak < 50 * 2**20, (elapsed, peak)
    response, elapsed, peak = timed_post(person(world), body)
    assert response.status_code == 413, response.get_data()[:500]
    assert elapsed < 1 and peak < 50 * 2**20, (elapsed, peak)
    assert len(response.get_data()) < 2000
    assert response.json["error"]["fields"] == {"body": ["holds more than 20000 JSON values"]}


def test_a_list_past_its_cap_is_refused_before_its_items_are_loaded(world: World):
    body = {
        "reference": "D-CRECH-00001",
        "answer_by": "email",
        "disputed": [{"criterion": 1}] * 5000,
    }
    response = person(world).post(
        "/api/v1/appeals", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json["error"]["fields"] == {"disputed": ["Longer than maximum length 200."]}


def test_deep_nesting_is_a_clear_400_not_a_500(world: World):
    deep = '{"reference":' + "[" * 5000 + "]" * 5000 + "}"
    response = person(world).post("/api/v1/appeals", data=deep, content_type="application/json")
    assert response.status_code == 400 and "nested deeper" in json.dumps(response.json)


def test_a_line_break_in_the_address_to_come_back_to_is_never_a_header(world: World):
    client = world.app.test_client()
    sent_away = client.get("/console/appeals/%0D%0ASet-Cookie:%20x=1")
    assert sent_away.status_code == 303
    location = sent_away.headers["Location"]
    assert "\r" not in location and "\n" not in location
    assert parse_qs(urlsplit(location).query)["next"] == ["/console/appeals/\r\nSet-Cookie: x=1"]
    token = csrf(client)
    back = client.post(
        "/console/login",
        data={
            "csrf_token": token,
            "login": "instructeur-ville-exemple",
            "password": "correct-horse-battery",
            "next": "/console/\r\nSet-Cookie: x=1",
        },
    )
    assert back.status_code == 303 and back.headers["Location"] == "/console/"
