"""decision_log over HTTP: API keys, status codes, the register pages and exports."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.decision_log.bootstrap import DecisionLog
from services.decision_log.entrypoints.web import create_app
from services.decision_log.service_layer.producers import create_api_key, revoke_api_key
from tests.support import builders


@pytest.fixture
def client(decision_log: DecisionLog) -> Iterator[FlaskClient]:
    app = create_app(decision_log.settings, decision_log)
    with app.test_client() as client:
        yield client


@pytest.fixture
def api_key(decision_log: DecisionLog) -> str:
    with decision_log.uow() as uow:
        key = create_api_key(
            uow,
            builders.ADMINISTRATION,
            "test back office",
            ("decisions:write", "algorithms:write"),
        )
        uow.commit()
    return key


def post(client: FlaskClient, body: Any, key: str | None) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(
        "/api/v1/decisions", data=data, headers=headers, content_type="application/json"
    )


def as_agent(client: FlaskClient, administration: str, *roles: str) -> None:
    with client.session_transaction() as session:
        session["agent"] = {
            "id": "agent-1",
            "administration": administration,
            "roles": list(roles),
            "at": time.time(),
        }


def test_a_back_office_logs_a_decision_and_gets_its_access_code(client, api_key):
    response = post(client, builders.decision(1), api_key)
    assert response.status_code == 202, response.json
    answer = response.json
    assert answer["status"] == "logged" and answer["reference"].startswith("D-")
    assert len(answer["access_code"]) == 14
    assert answer["public_url"] == f"http://explicite.test/d/{answer['reference']}"
    again = post(client, builders.decision(1), api_key)
    assert again.status_code == 202 and again.json["status"] == "duplicate"
    assert "access_code" not in again.json


def test_without_a_valid_key_nothing_is_logged(client, decision_log, api_key):
    assert post(client, builders.decision(2), None).status_code == 401
    response = post(client, builders.decision(2), "exk_000000000000_forged")
    assert response.status_code == 401 and response.json["error"]["code"] == "invalid_api_key"
    with decision_log.uow() as uow:
        revoke_api_key(uow, api_key.split("_")[1])
        uow.commit()
    assert post(client, builders.decision(2), api_key).status_code == 401


def test_invalid_decisions_get_a_clear_error_and_a_quarantine_record(client, api_key):
    response = post(client, builders.spoiled(builders.decision(3), "automation", "auto"), api_key)
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "malformed" and "automation" in error["fields"]
    assert "quarantine" in error["message"]
    assert post(client, b"\x00\xff{", api_key).status_code == 400


def test_another_administrations_decision_is_forbidden(client, api_key):
    body = builders.decision(4, administration="autre-ville")
    response = post(client, body, api_key)
    assert response.status_code == 403 and response.json["error"]["code"] == "unauthorised"


def test_a_changed_body_under_a_logged_id_is_a_conflict(client, api_key):
    post(client, builders.decision(5, revenu=1200), api_key)
    response = post(client, builders.decision(5, revenu=800), api_key)
    assert response.status_code == 409


def test_a_huge_body_is_refused_without_reading_it(client, api_key):
    response = post(client, b"{" + b" " * (200 * 1024) + b"}", api_key)
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"


def test_agents_read_decisions_of_their_own_administration_only(client, api_key):
    post(client, builders.decision(6), api_key)
    path = f"/api/v1/decisions/{builders.ADMINISTRATION}/TEST-000006"
    assert client.get(path).status_code == 401
    as_agent(client, "autre-ville", "reviewer")
    assert client.get(path).status_code == 404
    as_agent(client, builders.ADMINISTRATION, "auditor")
    answer = client.get(path).json
    assert answer["replay"]["status"] == "consistent" and answer["contact"] is None
    as_agent(client, builders.ADMINISTRATION, "reviewer")
    assert client.get(path).json["contact"]["email"] == "personne6@example.org"


def test_the_log_is_verified_for_auditors(client, api_key):
    post(client, builders.decision(7), api_key)
    assert client.get("/api/v1/log/verify").status_code == 401
    as_agent(client, builders.ADMINISTRATION, "reviewer")
    assert client.get("/api/v1/log/verify").status_code == 403
    as_agent(client, builders.ADMINISTRATION, "auditor")
    answer = client.get("/api/v1/log/verify").json
    assert answer["intact"] and answer["chains"][0]["records"] == 1


def test_owners_register_algorithms_and_the_public_reads_the_register(client, api_key):
    document = builders.algorithm(version="2", name="Attribution <b>v2</b>")
    response = client.post(
        "/api/v1/algorithms", json=document, headers={"Authorization": f"Bearer {api_key}"}
    )
    assert response.status_code == 201, response.json
    listing = client.get("/api/v1/algorithms").json
    assert {(a["id"], a["version"]) for a in listing} == {
        ("creche-test", "1"),
        ("creche-test", "2"),
    }
    page = client.get("/register")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Registre des algorithmes publics" in text
    assert "Attribution &lt;b&gt;v2&lt;/b&gt;" in text and "<b>v2</b>" not in text
    assert client.get("/register/creche-test/1").headers["Location"] == (
        f"/register/{builders.ADMINISTRATION}/creche-test/1"
    )
    detail = client.get(f"/register/{builders.ADMINISTRATION}/creche-test/1").get_data(as_text=True)
    assert "Situation de famille" in detail or "situation de famille" in detail.lower()
    assert "Les familles monoparentales" in detail
    csv_text = client.get("/register/algorithms.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("administration,id,version")
    assert len(csv_text.splitlines()) == 3
    assert len(client.get("/register/algorithms.json").json["algorithms"]) == 2


def test_invalid_registrations_name_their_fields(client, api_key):
    response = client.post(
        "/api/v1/algorithms", json={"id": "x"}, headers={"Authorization": f"Bearer {api_key}"}
    )
    assert response.status_code == 400 and "purpose" in response.json["error"]["fields"]


def test_errors_are_json_for_the_api_and_pages_for_browsers(client):
    missing = client.get("/api/v1/algorithms/nope/1")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    page = client.get("/register/nope/1", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "Page introuvable" in page.get_data(as_text=True)
    assert client.delete("/api/v1/decisions").status_code == 405


def test_health_readiness_metrics_and_security_headers(client):
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/readyz").json["checks"] == {"database": "ok"}
    assert "explicite_http_requests_total" in client.get("/metrics").get_data(as_text=True)
    headers = client.get("/register").headers
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_openapi_document_describes_the_api(client):
    spec = client.get("/api/v1/openapi/decision_log/openapi.json").json
    assert "/api/v1/decisions" in spec["paths"]
    assert "DecisionRecorded" in spec["components"]["schemas"]


def test_algorithm_ids_are_each_administrations_own(client, decision_log, api_key):
    """Another administration may register the same id and version: its entry is its own, its
    status changes answer 404 to others, and it does not block the id's owner."""
    from services.decision_log.service_layer.registry import register_algorithm

    with decision_log.uow() as uow:
        register_algorithm(
            uow,
            builders.algorithm(administration="autre-ville", name="Homonyme"),
            administration="autre-ville",
            by="test",
        )
        uow.commit()
    ours = f"/api/v1/algorithms/{builders.ADMINISTRATION}/creche-test/1"
    theirs = "/api/v1/algorithms/autre-ville/creche-test/1"
    assert client.get(ours).json["algorithm"]["name"] == "Attribution de test"
    assert client.get(theirs).json["algorithm"]["name"] == "Homonyme"
    ambiguous = client.get("/api/v1/algorithms/creche-test/1")
    assert ambiguous.status_code == 409 and ambiguous.json["error"]["code"] == "ambiguous"
    owner = {"Authorization": f"Bearer {api_key}"}
    assert client.patch(theirs, json={"status": "retired"}, headers=owner).status_code == 404
    retired = client.patch(
        "/api/v1/algorithms/creche-test/1", json={"status": "retired"}, headers=owner
    )
    assert retired.status_code == 200 and retired.json["algorithm"]["administration"] == (
        builders.ADMINISTRATION
    )
    assert client.get(theirs).json["algorithm"]["status"] == "in_use"
    assert client.patch(ours, json={"status": "in_use"}, headers=owner).status_code == 200
    logged = post(client, builders.decision(41), api_key)
    assert logged.status_code == 202, logged.json
    with decision_log.uow() as uow:
        counts = uow.algorithms.usage_counts()
    assert counts == {(builders.ADMINISTRATION, "creche-test", "1"): 1}
