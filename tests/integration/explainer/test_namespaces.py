"""Algorithm ids are each administration's own, in the explainer too (issue 11)."""

from __future__ import annotations

import json

from tests.integration.explainer.conftest import Harness, Logged, decision_of, registered, sample


def test_two_administrations_with_the_same_algorithm_id_each_get_their_own(harness: Harness):
    ours = sample("creche-attribution")
    theirs = {**sample("creche-attribution"), "administration": "autre-ville",
              "name": "Homonyme de l'autre ville",
              "purpose": "Classer les demandes de l'autre ville, une commune d'exemple."}
    ours_logged = Logged(decision_of("creche-attribution"))
    theirs_logged = Logged({**decision_of("creche-attribution", seed=5),
                            "administration": "autre-ville"})
    harness.publish(registered(ours), registered(theirs), ours_logged.event(),
                    theirs_logged.event())
    with harness.service.uow() as uow:
        for document in (ours, theirs):
            key = (document["administration"], document["id"], document["version"])
            assert uow.algorithms.get(key).document["name"] == document["name"]
    [mine] = harness.explanations(ours_logged.reference)
    [other] = harness.explanations(theirs_logged.reference)
    # The mention gives each its own purpose and its own entry in the register.
    mine_text, other_text = (json.dumps(row.document, ensure_ascii=False) for row in (mine, other))
    assert "l'autre ville" not in mine_text and "l'autre ville" in other_text
    version = f"creche-attribution/{ours['version']}"
    assert f"/register/ville-exemple/{version}" in mine_text
    assert f"/register/autre-ville/{version}" in other_text
    assert "/register/autre-ville/" not in mine_text
