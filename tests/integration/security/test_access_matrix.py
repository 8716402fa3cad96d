"""The access-control matrix, generated from the routes of the three services.

Every principal (nobody, a usager holding decision A, an agent of administration X in each
role, a producer of X) meets every route and method, once on X's data and once on another
administration's. Each route has a rule saying who may pass; a route without a rule fails.
"Refused" is 401, 403, 404 or a redirect to a sign-in page; an answer to anyone must never
carry the other administration's identifiers.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.test import Client, TestResponse

from services import openapi
from shared.auth.principal import AGENT_ROLES
from shared.samples import SAMPLE_ALGORITHMS
from shared.web.security import CSRF_FIELD
from tests.integration.security.world import (
    Side,
    World,
    agent_session,
    outsider_session,
    revoked_session,
)

ANONYMOUS, USAGER, PRODUCER = "anonymous", "usager", "producer"
# An agent holding every role whose sessions were ended (signed out): reaches what nobody does.
REVOKED = "revoked"
# A reviewer and supervisor of the own administration outside the need-to-know team of its
# appeal: that appeal, its documents and letters are to them as another administration's.
OUTSIDER = "outsider"
OUTSIDER_ROLES = frozenset({"reviewer", "supervisor"})
PRINCIPALS = (ANONYMOUS, USAGER, *AGENT_ROLES, PRODUCER, REVOKED, OUTSIDER)
# Route parameters that name the appeal (or what belongs to it).
OF_THE_APPEAL = ("<string:public_id>", "<string:appeal_id>", "<int:dispatch_id>")
READERS = frozenset({"reviewer", "supervisor", "auditor", "admin"})
OWNERS = frozenset({"algorithm_owner", "admin"})


@dataclass(frozen=True)
class Rule:
    """Who may pass on their own administration's data; `public` data is everyone's.

    A route naming no resource (a list, a statistics page) is `bounded`: the same request
    serves each caller their own administration's data only, which the leak check verifies.
    Signing in and out answer every caller in their own way: `checked` is off for them.
    """

    allowed: frozenset[str]
    public: bool = False
    bounded: bool = False
    checked: bool = True


def only(*names: str) -> Rule:
    return Rule(frozenset(names))


def bounded(*names: str) -> Rule:
    return Rule(frozenset(names), bounded=True)


PUBLIC = Rule(frozenset(PRINCIPALS), public=True)
SESSION = Rule(frozenset(PRINCIPALS), public=True, checked=False)
# Operators scrape each service on its own port; the public origin serves it to nobody.
OPERATORS = Rule(frozenset())

RULES: dict[tuple[str, str], Rule] = {
    # decision_log
    ("GET", "/api/v1/algorithms"): PUBLIC,
    ("POST", "/api/v1/algorithms"): only(PRODUCER, *OWNERS),
    ("GET", "/api/v1/algorithms/<string:algorithm_id>/<string:version>"): PUBLIC,
    ("PATCH", "/api/v1/algorithms/<string:algorithm_id>/<string:version>"): only(PRODUCER, *OWNERS),
    (
        "GET",
        "/api/v1/algorithms/<string:administration>/<string:algorithm_id>/<string:version>",
    ): PUBLIC,
    (
        "PATCH",
        "/api/v1/algorithms/<string:administration>/<string:algorithm_id>/<string:version>",
    ): only(PRODUCER, *OWNERS),
    ("POST", "/api/v1/decisions"): only(PRODUCER),
    ("GET", "/api/v1/decisions/<string:administration>/<string:decision_id>"): only(
        *READERS, "algorithm_owner"
    ),
    ("GET", "/api/v1/log/verify"): bounded("auditor", "admin"),
    ("GET", "/api/v1/log/<string:administration>/checkpoint"): PUBLIC,
    ("GET", "/api/v1/log/<string:administration>/checkpoints"): PUBLIC,
    ("GET", "/api/v1/log/<string:administration>/key"): PUBLIC,
    ("GET", "/api/v1/log/<string:administration>/consistency"): PUBLIC,
    # A witness is known by the signature it posts, not by a session or a key.
    ("POST", "/api/v1/log/<string:administration>/cosignatures"): SESSION,
    ("GET", "/api/v1/log/<string:administration>/proof/<string:reference>"): only(
        USAGER, *AGENT_ROLES, PRODUCER
    ),
    ("GET", "/api/v1/quarantine"): bounded("auditor", "admin"),
    ("POST", "/api/v1/quarantine/<int:item_id>/replay"): only("admin"),
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("GET", "/api/v1/openapi/decision_log/openapi.json"): PUBLIC,
    ("GET", "/register"): PUBLIC,
    ("GET", "/register/<string:administration>/<string:algorithm_id>/<string:version>"): PUBLIC,
    ("GET", "/register/algorithms.csv"): PUBLIC,
    ("GET", "/register/<string:first>/<string:second>"): PUBLIC,
    ("GET", "/register/donnees-ouvertes"): PUBLIC,
    ("GET", "/register/exports/changelog.json"): PUBLIC,
    ("GET", "/register/exports/v<int:schema_version>/<string:name>"): PUBLIC,
    (
        "POST",
        "/register/<string:administration>/<string:algorithm_id>/<string:version>/signaler",
    ): PUBLIC,
    ("GET", "/register/algorithms.json"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): OPERATORS,
    ("GET", "/static/<path:filename>"): PUBLIC,
    # explainer
    ("GET", "/"): PUBLIC,
    ("GET", "/accessibilite"): PUBLIC,
    ("POST", "/"): PUBLIC,
    ("POST", "/deconnexion"): SESSION,
    ("GET", "/d/<string:reference>"): only(USAGER, *AGENT_ROLES),
    ("GET", "/d/<string:reference>/imprimer"): only(USAGER, *AGENT_ROLES),
    ("GET", "/d/<string:reference>/pdf"): only(USAGER, *AGENT_ROLES),
    ("POST", "/d/<string:reference>/demande"): only(USAGER, "reviewer", "supervisor", "admin"),
    ("GET", "/api/v1/explanations/<string:reference>"): only(USAGER, *AGENT_ROLES),
    ("POST", "/api/v1/explanations/<string:reference>/communication-request"): only(
        USAGER, "reviewer", "supervisor", "admin"
    ),
    ("GET", "/api/v1/explanations/templates/<string:algorithm_id>/<string:version>"): only(*OWNERS),
    ("POST", "/api/v1/explanations/templates/<string:algorithm_id>/<string:version>"): only(
        *OWNERS
    ),
    ("GET", "/api/v1/openapi/explainer/openapi.json"): PUBLIC,
    # appeals
    ("GET", "/api/v1/appeals"): bounded(*READERS),
    ("POST", "/api/v1/appeals"): only(USAGER, "reviewer", "supervisor", "admin"),
    ("GET", "/api/v1/appeals/<string:appeal_id>"): only(USAGER, *READERS),
    ("GET", "/api/v1/openapi/appeals/openapi.json"): PUBLIC,
    ("GET", "/api/v1/audit/decision_log"): bounded("auditor", "admin"),
    ("GET", "/api/v1/audit/explainer"): bounded("auditor", "admin"),
    ("GET", "/api/v1/audit/appeals"): bounded("auditor", "admin"),
    ("GET", "/console/"): bounded(*AGENT_ROLES),
    ("GET", "/console/appeals/<string:public_id>"): only(*READERS),
    # A letter carries the person's address: for those who write to them, not auditors.
    ("GET", "/console/appeals/<string:public_id>/<string:which>.pdf"): only(
        "reviewer", "supervisor", "admin"
    ),
    ("GET", "/console/appeals/<string:public_id>/attachments/<int:attachment_id>"): only(*READERS),
    ("POST", "/console/appeals/<string:public_id>/claim"): only("reviewer", "supervisor"),
    ("POST", "/console/appeals/<string:public_id>/release"): only("reviewer", "supervisor"),
    ("POST", "/console/appeals/<string:public_id>/assign"): only("supervisor"),
    ("POST", "/console/appeals/<string:public_id>/decide"): only("reviewer", "supervisor"),
    ("POST", "/console/appeals/<string:public_id>/validate"): only("reviewer", "supervisor"),
    ("POST", "/console/appeals/<string:public_id>/send-back"): only("reviewer", "supervisor"),
    ("POST", "/console/appeals/<string:public_id>/recompute"): only("reviewer", "supervisor"),
    ("POST", "/console/appeals/<string:public_id>/received"): only("reviewer", "supervisor"),
    ("GET", "/console/courrier"): bounded("reviewer", "supervisor", "admin"),
    ("GET", "/console/courrier/<int:dispatch_id>"): only("reviewer", "supervisor", "admin"),
    ("GET", "/console/courrier/<int:dispatch_id>.pdf"): only("reviewer", "supervisor", "admin"),
    ("POST", "/console/courrier/<int:dispatch_id>/<string:action>"): only(
        "reviewer", "supervisor", "admin"
    ),
    ("GET", "/console/deposer"): bounded("reviewer", "supervisor", "admin"),
    ("POST", "/console/deposer"): bounded("reviewer", "supervisor", "admin"),
    ("GET", "/console/login"): PUBLIC,
    ("POST", "/console/login"): SESSION,
    ("POST", "/console/logout"): SESSION,
    ("GET", "/console/signalements"): bounded("algorithm_owner", "supervisor", "admin"),
    ("GET", "/console/signalements/<string:report_id>"): only(
        "algorithm_owner", "supervisor", "admin"
    ),
    ("POST", "/console/signalements/<string:report_id>"): only(
        "algorithm_owner", "supervisor", "admin"
    ),
    ("GET", "/console/statistiques"): bounded("supervisor", "algorithm_owner", "admin", "auditor"),
    ("GET", "/d/<string:reference>/contester"): only(USAGER),
    ("POST", "/d/<string:reference>/contester"): only(USAGER),
    ("GET", "/d/<string:reference>/recours"): only(USAGER),
    ("GET", "/d/<string:reference>/recours/<string:public_id>"): only(USAGER),
    ("GET", "/d/<string:reference>/recours/<string:public_id>/<string:which>.pdf"): only(USAGER),
}


def routes(world: World) -> list[tuple[str, str]]:
    found = {("GET", openapi.PATH)}  # the composition's own, beside the services' routes
    for app in world.system.apps.values():
        for rule in app.url_map.iter_rules():
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found.add((method, rule.rule))
    return sorted(found)


def fill(rule: str, side: Side) -> str:
    values = {
        "administration": side.administration,
        "decision_id": side.decision["decision_id"],
        "algorithm_id": side.algorithm_id,
        "version": side.version,
        "item_id": side.quarantine_id,
        "reference": side.reference,
        "public_id": side.appeal_id,
        "appeal_id": side.appeal_id,
        "attachment_id": side.attachment_id,
        "dispatch_id": side.dispatch_id,
        "which": "accuse-de-reception",
        "action": "retry",
        "filename": "explicite.css",
        "report_id": side.report_id,
        "first": side.administration,
        "second": side.algorithm_id,
        "schema_version": 1,
        "name": "dcat.jsonld",
    }
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


def body(rule: str, side: Side) -> dict[str, Any]:
    """A body that reaches the authorisation check; what it asks for is the side's."""
    if rule == "/api/v1/decisions":
        return {
            **side.decision,
            "decision_id": f"MATRIX-{uuid.uuid4().hex[:10]}",
            "event_id": str(uuid.uuid4()),
        }
    if rule == "/api/v1/algorithms":
        document = next(a for a in SAMPLE_ALGORITHMS if a["id"] == side.algorithm_id)
        return {**document, "version": f"matrix-{uuid.uuid4().hex[:6]}"}
    if rule.startswith("/api/v1/algorithms/"):
        return {"status": "in_use"}
    if rule == "/api/v1/appeals":
        return {
            "reference": side.reference,
            "other": "Je conteste cette décision.",
            "answer_by": "email",
            "email": "personne@example.org",
        }
    if rule.startswith("/api/v1/explanations/templates/"):
        return {"sections": {}, "note": "matrix"}
    return {}


class Probe:
    """One principal's browser (or back office) against the whole public origin."""

    def __init__(self, world: World, principal: str) -> None:
        self.client = Client(world.system.wsgi)
        self.headers: dict[str, str] = {}
        session: dict[str, Any] = {}
        if principal == USAGER:
            session = {"usager": {"refs": [world.own.reference], "at": time.time()}}
        elif principal in AGENT_ROLES:
            session = agent_session(principal)
        elif principal == PRODUCER:
            self.headers["Authorization"] = f"Bearer {world.api_key}"
        elif principal == REVOKED:
            session = revoked_session()
        elif principal == OUTSIDER:
            session = outsider_session()
        self.csrf = "matrix-csrf-token"
        session["csrf"] = self.csrf
        app = world.system.apps["explainer"]
        signer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        cookie = signer.dumps(session)
        self.client.set_cookie("explicite_session", cookie, domain="localhost")

    def request(self, method: str, path: str, payload: dict[str, Any]) -> TestResponse:
        headers = dict(self.headers)
        if method == "GET":
            return self.client.get(path, headers=headers)
        if path.startswith("/api/"):
            if "Authorization" not in headers:
                headers["X-CSRF-Token"] = self.csrf
            return self.client.open(
                path,
                method=method,
                data=json.dumps(payload),
                content_type="application/json",
                headers=headers,
            )
        return self.client.open(
            path, method=method, data={CSRF_FIELD: self.csrf, **payload}, headers=headers
        )


def allowed(policy: Rule, rule: str, principal: str, scope: str) -> bool:
    """Whether the principal may pass on this side's data."""
    if principal == REVOKED:
        principal = ANONYMOUS
    if principal == OUTSIDER:
        if not OUTSIDER_ROLES & policy.allowed:
            return False
        naming_the_appeal = any(part in rule for part in OF_THE_APPEAL)
        return (scope == "own" and not naming_the_appeal) or policy.public or policy.bounded
    return principal in policy.allowed and (scope == "own" or policy.public or policy.bounded)


def refused(response: TestResponse) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    location = response.headers.get("Location", "")
    return response.status_code in (301, 302, 303) and (
        "/console/login" in location or re.match(r"^(https?://[^/]+)?/(\?|$)", location) is not None
    )


def test_every_route_has_a_rule(world: World):
    missing = [route for route in routes(world) if route not in RULES]
    stale = [route for route in RULES if route not in routes(world)]
    assert not missing, f"routes without an access rule: {missing}"
    assert not stale, f"rules for routes that no longer exist: {stale}"


def test_nobody_reaches_what_is_not_theirs(world: World):
    outcomes: Counter[str] = Counter()
    wrong = []
    # Signing out ends the agent's sessions everywhere: those routes come last.
    for method, rule in sorted(routes(world), key=lambda route: RULES[route] is SESSION):
        policy = RULES[(method, rule)]
        for principal in PRINCIPALS:
            for scope, side in (("own", world.own), ("other", world.other)):
                probe = Probe(world, principal)
                path, payload = fill(rule, side), body(rule, side)
                response = probe.request(method, path, payload)
                expected = allowed(policy, rule, principal, scope)
                got = not refused(response)
                outcomes[f"{'allowed' if got else 'refused'}"] += 1
                if policy.checked and got != expected:
                    wrong.append((method, rule, principal, scope, response.status_code))
                # What the caller sent comes back (a redirect's address): not a leak.
                sent = path + json.dumps(payload)
                data = response.get_data()  # PDFs too: identifiers are ASCII
                markers = world.other.markers + (
                    [world.own.appeal_id] if principal == OUTSIDER else []
                )
                if not policy.public and any(m.encode() in data for m in markers if m not in sent):
                    wrong.append((method, rule, principal, scope, "LEAK"))
    total = sum(outcomes.values())
    print(
        f"\naccess matrix: {total} cases, {outcomes['allowed']} allowed, "
        f"{outcomes['refused']} refused, {len(wrong)} wrong"
    )
    Path("test-artifacts").mkdir(exist_ok=True)
    Path("test-artifacts/access-matrix.json").write_text(
        json.dumps(
            {
                "cases": total,
                **outcomes,
                "wrong": wrong,
                "leaks": sum(1 for w in wrong if w[-1] == "LEAK"),
            },
            indent=2,
        )
    )
    assert not wrong, "\n".join(map(str, wrong))
