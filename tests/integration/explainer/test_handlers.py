"""The read models and explanations, fed through the explainer's consumers on SQLite."""

from __future__ import annotations

import json
import logging

from sqlalchemy import select, text

from services.explainer.adapters import tables as t
from services.explainer.domain.readability import THRESHOLD
from services.explainer.service_layer.handlers import AMENDED
from services.explainer.service_layer.regenerate import regenerate
from shared.messaging import topology
from tests.integration.explainer.conftest import Harness, Logged, decision_of, registered, sample


def test_a_logged_decision_is_explained_stored_and_announced(harness: Harness):
    logged = Logged(decision_of("creche-attribution", favourable=False))
    harness.publish(registered(sample("creche-attribution")), logged.event())
    [explanation] = harness.explanations(logged.reference)
    assert explanation.version == 1 and explanation.template == "default:v2"
    assert explanation.readability >= THRESHOLD
    assert explanation.document["sections"][0]["key"] == "essential"
    [announced] = harness.events(topology.EXPLANATION_GENERATED)
    assert announced["reference"] == logged.reference
    assert announced["decision_id"] == logged.decision["decision_id"]
    assert announced["administration"] == "ville-exemple"
    assert announced["explanation_id"] == explanation.id and announced["version"] == 1
    assert announced["public_url"] == f"http://explicite.test/d/{logged.reference}"
    assert announced["mention_explicite"] == explanation.mention
    assert logged.reference in announced["mention_explicite"]
    assert announced["readability"] == {"formula": "kandel-moles", "score": explanation.readability}
    assert announced["supersedes"] is None
    # The motif of the refusal, for the notice: the score, the threshold and the rules' texts.
    assert announced["motif"] == explanation.document["motif"]
    assert announced["motif"].startswith("Votre demande a obtenu ")
    assert "Délibération du conseil municipal de Ville-Exemple" in announced["motif"]
    granted = Logged(decision_of("creche-attribution", favourable=True, seed=3))
    harness.publish(granted.event())
    assert harness.events(topology.EXPLANATION_GENERATED)[-1]["motif"] is None


def test_the_access_code_and_the_contact_are_never_stored(harness: Harness):
    logged = Logged(decision_of("creche-attribution"))
    harness.publish(registered(sample("creche-attribution")), logged.event())
    with harness.service.engine.connect() as connection:
        dump = "\n".join(
            str(row)
            for table in t.metadata.sorted_tables
            for row in connection.execute(select(table))
        )
    assert logged.access_code not in dump
    assert "personne@example.org" not in dump


def test_redeliveries_and_resends_change_nothing(harness: Harness):
    logged = Logged(decision_of("creche-attribution"))
    event = logged.event()
    harness.publish(registered(sample("creche-attribution")), event)
    harness.publish(event)  # the same message again
    again = Logged(logged.decision)  # the same decision, announced anew (e.g. replayed)
    again.reference = logged.reference
    harness.publish(again.event())
    assert len(harness.explanations(logged.reference)) == 1
    assert len(harness.events(topology.EXPLANATION_GENERATED)) == 1
    assert harness.count(t.decisions) == 1


def test_a_decision_arriving_before_its_algorithm_is_parked_then_explained(harness: Harness):
    logged = Logged(decision_of("ciblage-controles"))
    harness.publish(logged.event())
    assert harness.count(t.decisions, t.decisions.c.status == "parked") == 1
    assert harness.explanations(logged.reference) == []
    assert harness.events(topology.EXPLANATION_GENERATED) == []
    harness.publish(registered(sample("ciblage-controles")))
    assert harness.count(t.decisions, t.decisions.c.status == "explained") == 1
    assert len(harness.explanations(logged.reference)) == 1
    assert [e["reference"] for e in harness.events(topology.EXPLANATION_GENERATED)] == [
        logged.reference
    ]


def test_a_parked_decision_missed_by_a_concurrent_registration_is_swept(harness: Harness):
    logged = Logged(decision_of("aide-transport-scolaire"))
    harness.publish(logged.event())
    # The registration committed by the other consumer while this decision was being parked.
    with harness.service.uow() as uow:
        uow.algorithms.save(sample("aide-transport-scolaire"), 1, harness.service.context.now())
        uow.commit()
    sweep = dict((job.__name__, job) for _interval, job in harness.worker.periodic)
    sweep["sweep_parked"]()
    harness.drain()
    assert len(harness.explanations(logged.reference)) == 1
    assert len(harness.events(topology.EXPLANATION_GENERATED)) == 1


def test_a_revised_decision_gets_its_own_explanation_linked_to_the_first(harness: Harness):
    first = Logged(decision_of("creche-attribution", favourable=False))
    harness.publish(registered(sample("creche-attribution")), first.event())
    revised_body = decision_of(
        "creche-attribution",
        favourable=False,
        seed=4,
        supersedes=first.decision["decision_id"],
        decision_id=first.decision["decision_id"] + "-R1",
    )
    revised = Logged(revised_body)
    harness.publish(revised.event())
    [original] = harness.explanations(first.reference)
    [own] = harness.explanations(revised.reference)
    assert own.previous_explanation_id == original.id
    facts = {f["label"]: f["value"] for f in own.document["facts"]}
    assert facts["Cette décision remplace la décision"] == first.reference
    announced = harness.events(topology.EXPLANATION_GENERATED)[-1]
    assert announced["supersedes"] == {
        "decision_id": first.decision["decision_id"],
        "reference": first.reference,
    }


def test_a_newer_revision_replaces_the_read_model_and_an_older_one_is_ignored(harness: Harness):
    document = sample("creche-attribution")
    amended = {**document, "purpose": "Une finalité corrigée."}
    harness.publish(registered(amended, revision=2), registered(document, revision=1))
    with harness.service.uow() as uow:
        stored = uow.algorithms.get((document["administration"], "creche-attribution", "2026.1"))
    assert stored.revision == 2 and stored.document["purpose"] == "Une finalité corrigée."


def test_an_amendment_overtaking_a_decision_gives_it_a_new_version_the_first_stays(
    harness: Harness,
):
    document = sample("creche-attribution")
    logged = Logged(decision_of("creche-attribution"))
    harness.publish(registered(document), logged.event())
    [first] = harness.explanations(logged.reference)
    amended = {**document, "purpose": "Classer les demandes de place en crèche."}
    harness.publish(registered(amended, revision=2))
    versions = harness.explanations(logged.reference)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0] == first  # frozen: the first version is exactly as it was
    assert versions[1].reason == AMENDED.format(revision=2)
    assert "classer les demandes de place en crèche." in versions[1].mention
    harness.publish(registered({**amended, "status": "retired"}, revision=3))
    assert len(harness.explanations(logged.reference)) == 2  # a status change explains nothing


def test_invalid_events_are_dead_lettered_with_their_reason_and_valid_ones_pass(harness: Harness):
    good = Logged(decision_of("creche-attribution"))
    no_hash = Logged(decision_of("creche-attribution", seed=5)).event()
    no_hash.data["access_code_hash"] = "not-a-digest"
    other_administration = Logged(decision_of("creche-attribution", seed=6)).event()
    other_administration.data["decision"]["administration"] = "autre-ville"
    broken_model = sample("aide-transport-scolaire")
    broken_model["model"]["rules"][0]["criterion"] = "inconnu"
    harness.publish(
        registered(sample("creche-attribution")),
        no_hash,
        other_administration,
        registered(broken_model),
        good.event(),
    )
    harness.publish_raw("explainer.decisions-logged", b"{oops")
    with harness.service.engine.connect() as connection:
        reasons = {
            row.queue + " " + row.reason
            for row in connection.execute(select(t.messaging.dead_letters))
        }
    assert len(reasons) == 4
    assert any("access_code_hash" in r for r in reasons)
    assert any("differs from the event's" in r for r in reasons)
    assert any(r.startswith("explainer.algorithm-registered") and "inconnu" in r for r in reasons)
    assert any("not JSON" in r for r in reasons)
    assert len(harness.explanations(good.reference)) == 1


def test_a_custom_template_applies_and_a_broken_one_falls_back_to_the_default(
    harness: Harness, caplog
):
    harness.publish(registered(sample("creche-attribution")))
    with harness.service.uow() as uow:
        for version, source in (
            (1, "Texte de la commune : {{ decision.outcome }}."),
            (2, "{{ undefined_name }}"),
        ):
            uow.templates.add(
                algorithm_id="creche-attribution",
                algorithm_version="2026.1",
                administration="ville-exemple",
                version=version,
                sections={"contribution": source},
                note="",
                registered_by="t",
                registered_at=harness.service.context.now(),
            )
            uow.commit()
            logged = Logged(decision_of("creche-attribution", seed=10 + version))
            with caplog.at_level(logging.WARNING):
                harness.publish(logged.event())
            [explanation] = harness.explanations(logged.reference)
            if version == 1:
                assert explanation.template.endswith(":v1")
                [contribution] = [
                    s for s in explanation.document["sections"] if s["key"] == "contribution"
                ]
                assert contribution["blocks"][0]["text"].startswith("Texte de la commune")
            else:
                assert explanation.template == "default:v2"
                assert "custom template failed, default wording used" in caplog.text


def test_regeneration_adds_versions_only_where_the_wording_changed(harness: Harness):
    harness.publish(
        registered(sample("creche-attribution")),
        *(Logged(decision_of("creche-attribution", seed=s)).event() for s in (20, 21, 22)),
    )
    service = harness.service
    assert regenerate(service.uow, service.context, reason="r", outdated_only=True) == 0
    with service.uow() as uow:
        uow.templates.add(
            algorithm_id="creche-attribution",
            algorithm_version="2026.1",
            administration="ville-exemple",
            version=1,
            sections={"outcome": "{{ default }}"},
            note="",
            registered_by="t",
            registered_at=service.context.now(),
        )
        uow.commit()
    assert (
        regenerate(service.uow, service.context, reason="Nouvelle formulation.", outdated_only=True)
        == 3
    )
    assert regenerate(service.uow, service.context, reason="r", outdated_only=True) == 0
    with service.engine.connect() as connection:
        reasons = list(
            connection.scalars(text("SELECT reason FROM explanations WHERE version = 2"))
        )
    assert reasons == ["Nouvelle formulation."] * 3
    harness.drain()
    assert [e["version"] for e in harness.events(topology.EXPLANATION_GENERATED)] == [
        1,
        1,
        1,
        2,
        2,
        2,
    ]


def test_the_announced_event_is_valid_json_with_the_contract_envelope(harness: Harness):
    logged = Logged(decision_of("aide-transport-scolaire"))
    harness.publish(registered(sample("aide-transport-scolaire")), logged.event())
    [event] = [e for e in harness.announced if e["event"] == topology.EXPLANATION_GENERATED]
    assert event["schema"] == "explanation.generated.v1"
    assert event["administration"] == "region-exemple"
    json.dumps(event)


def test_the_regenerate_command_gives_new_versions_with_the_reason(
    harness: Harness, monkeypatch, capsys
):
    from services import cli

    logged = Logged(decision_of("aide-transport-scolaire"))
    harness.publish(registered(sample("aide-transport-scolaire")), logged.event())
    settings = harness.service.settings
    monkeypatch.setenv("EXPLICITE_SECRET_KEY", settings.secret_key)
    monkeypatch.setenv("EXPLICITE_EXPLAINER_DATABASE_URL", settings.database_url("explainer"))
    assert (
        cli.main(
            [
                "explanations",
                "regenerate",
                "--reason",
                "Texte revu.",
                "--algorithm",
                "region-exemple/aide-transport-scolaire/2026",
            ]
        )
        == 0
    )
    assert "1 explanations regenerated" in capsys.readouterr().out
    assert [v.reason for v in harness.explanations(logged.reference)] == [
        "Première explication de la décision.",
        "Texte revu.",
    ]


def test_a_decision_with_fields_added_to_the_contract_later_is_still_explained(harness: Harness):
    decision = decision_of("creche-attribution")
    decision["outcome"]["reason_code"] = "R12"  # contract v1 grows; the explainer follows
    decision["criteria"][0]["weight_hint"] = 1
    logged = Logged({**decision, "channel_hint": "guichet"})
    harness.publish(registered(sample("creche-attribution")), logged.event())
    assert len(harness.explanations(logged.reference)) == 1
