"""The JSON API: the explanation for its readers, the formal request, owners' templates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient

from services.explainer.domain.readability import THRESHOLD
from shared.french import PARIS
from shared.web.security import CSRF_HEADER
from tests.integration.explainer.conftest import (
    Harness,
    Logged,
    as_agent,
    csrf,
    decision_of,
    open_decision,
    registered,
    sample,
)

TEMPLATES = "/api/v1/explanations/templates/creche-attribution/2026.1"
WHAT_IF = ("{% for piste in what_if %}- Avec {{ piste.required }} au lieu de {{ piste.current }}"
           " : {{ piste.outcome|lower }}.\n{% else %}Aucune piste simple.{% endfor %}")


@pytest.fixture
def creche(harness: Harness) -> Logged:
    logged = Logged(decision_of("creche-attribution", favourable=False))
    harness.publish(registered(sample("creche-attribution")), logged.event())
    return logged


def test_the_usager_gets_the_explanation_in_json(client: FlaskClient, creche):
    open_decision(client, creche.reference, creche.access_code)
    response = client.get(f"/api/v1/explanations/{creche.reference}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    body = response.json
    assert body["reference"] == creche.reference and body["status"] == "explained"
    assert body["decision_id"] == creche.decision["decision_id"]
    assert body["public_url"] == f"http://explicite.test/d/{creche.reference}"
    assert body["version"] == 1 and body["template"] == "default:v2"
    assert body["readability"]["formula"] == "kandel-moles"
    assert body["readability"]["score"] >= THRESHOLD
    assert [s["key"] for s in body["document"]["sections"]][:4] == [
        "essential", "contribution", "data", "parameters"]
    assert body["read_on"] == datetime.now(UTC).astimezone(PARIS).date().isoformat()
    assert body["motif"] == body["document"]["motif"] and "Règles fixées par" in body["motif"]
    assert body["mention_explicite"] == body["document"]["mention"]
    assert body["versions"][0]["reason"] == "Première explication de la décision."
    assert body["communication_request"] is None and body["replaced_by"] == []


def test_nobody_else_gets_it(app, client, creche):
    anonymous = client.get(f"/api/v1/explanations/{creche.reference}")
    assert anonymous.status_code == 401
    assert anonymous.json["error"]["code"] == "authentication_required"
    other = Logged(decision_of("creche-attribution", seed=9))
    open_decision(client, other.reference, other.access_code)  # not even logged: no session
    agent = app.test_client()
    as_agent(agent, "region-exemple", "reviewer")
    assert agent.get(f"/api/v1/explanations/{creche.reference}").status_code == 404
    as_agent(agent, "ville-exemple", "auditor")
    assert agent.get(f"/api/v1/explanations/{creche.reference}").status_code == 200
    assert agent.get(f"/api/v1/explanations/{creche.reference}?version=2").status_code == 404
    assert agent.get(f"/api/v1/explanations/{creche.reference}?version=0").status_code == 400
    assert agent.get("/api/v1/explanations/D-00000-00000").json["error"]["message"] == \
        "No such explanation."


def test_the_formal_request_through_the_api_is_recorded_once(client, creche):
    open_decision(client, creche.reference, creche.access_code)
    token = csrf(client, f"/d/{creche.reference}")
    path = f"/api/v1/explanations/{creche.reference}/communication-request"
    assert client.post(path).status_code == 403  # a signed-in session needs its CSRF token
    first = client.post(path, headers={CSRF_HEADER: token})
    again = client.post(path, headers={CSRF_HEADER: token})
    assert first.status_code == again.status_code == 200
    assert (first.json["created"], again.json["created"]) == (True, False)
    assert first.json["deadline"] == again.json["deadline"]
    body = client.get(f"/api/v1/explanations/{creche.reference}").json
    assert body["communication_request"]["deadline"] == first.json["deadline"]


def test_an_algorithm_owner_registers_a_versioned_template_that_new_explanations_use(
        app, harness, creche):
    owner = app.test_client()
    as_agent(owner, "ville-exemple", "algorithm_owner")
    token = csrf(owner)
    first = owner.post(TEMPLATES, json={"sections": {"what_if": WHAT_IF}, "note": "plus court"},
                       headers={CSRF_HEADER: token})
    assert first.status_code == 201, first.json
    assert first.json["version"] == 1 and first.json["label"].endswith(":v1")
    assert first.json["preview_readability"]["score"] > 0
    second = owner.post(TEMPLATES, json={"sections": {"what_if": WHAT_IF + " "}},
                        headers={CSRF_HEADER: token})
    assert second.json["version"] == 2
    assert [t["version"] for t in owner.get(TEMPLATES).json] == [1, 2]
    later = Logged(decision_of("creche-attribution", seed=12))
    harness.publish(later.event())
    [explanation] = harness.explanations(later.reference)
    assert explanation.template == second.json["label"]
    [unchanged] = harness.explanations(creche.reference)
    assert unchanged.template == "default:v2"


@pytest.mark.parametrize(("sections", "field"), [
    ({"nowhere": "x"}, "nowhere"),
    ({"what_if": "{% for %}"}, "what_if"),
    ({"what_if": "{{ not_a_variable }}"}, "sections"),
    ({}, "sections"),
])
def test_a_template_that_cannot_work_is_refused_with_its_reason(app, creche, sections, field):
    owner = app.test_client()
    as_agent(owner, "ville-exemple", "admin")
    response = owner.post(TEMPLATES, json={"sections": sections},
                          headers={CSRF_HEADER: csrf(owner)})
    assert response.status_code == 400 and field in response.json["error"]["fields"]


def test_only_owners_of_the_administration_register_templates(app, creche):
    reviewer = app.test_client()
    as_agent(reviewer, "ville-exemple", "reviewer")
    body = {"sections": {"outcome": "{{ default }}"}}
    assert reviewer.post(TEMPLATES, json=body,
                         headers={CSRF_HEADER: csrf(reviewer)}).status_code == 403
    stranger = app.test_client()
    as_agent(stranger, "region-exemple", "algorithm_owner")
    assert stranger.post(TEMPLATES, json=body,
                         headers={CSRF_HEADER: csrf(stranger)}).status_code == 404
    assert stranger.get(TEMPLATES).status_code == 404
    assert app.test_client().post(TEMPLATES, json=body).status_code == 401


def test_the_openapi_document_describes_the_explanation(client):
    spec = client.get("/api/v1/openapi/explainer/openapi.json").json
    assert "/api/v1/explanations/{reference}" in spec["paths"]
    assert "/api/v1/explanations/templates/{algorithm_id}/{version}" in spec["paths"]
    schema = spec["components"]["schemas"]["Explanation"]
    for field in ("reference", "mention_explicite", "document", "readability", "versions"):
        assert field in schema["properties"]


def test_every_reading_by_an_agent_leaves_a_trace(app, creche, harness):
    from services.explainer.adapters.tables import audit as trail
    from shared import audit

    agent = app.test_client()
    as_agent(agent, "ville-exemple", "reviewer")
    agent.get(f"/api/v1/explanations/{creche.reference}")
    agent.get(f"/d/{creche.reference}")
    with harness.service.uow() as uow:
        audit.seal_all(uow.session, trail)
        entries = audit.entries(uow.session, trail, "ville-exemple")
    assert [(e["actor"], e["subject"]) for e in entries] == [
        ("agent:agent-1", f"explanation:{creche.reference}")] * 2
