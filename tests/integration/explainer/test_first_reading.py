"""The notice's text is written at once; the person's document at its first reading, from the
inputs frozen when the explanation was generated, byte-identical to building it at once."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.explainer.domain.case import Algorithm
from services.explainer.domain.explanation import build_document
from services.explainer.domain.readability import kandel_moles
from services.explainer.service_layer.generation import case_of
from shared.french import PARIS
from shared.messaging import topology
from tests.integration.explainer.conftest import (
    Harness,
    Logged,
    decision_of,
    open_decision,
    registered,
    sample,
)


def built_at_once(harness: Harness, reference: str, algorithm_document: dict, revision: int):
    """The document `explain` stores when it builds it at once, computed here on its own."""
    [row] = harness.stored(reference)[:1]
    with harness.service.uow() as uow:
        decision = uow.decisions.by_reference(reference)
    algorithm = Algorithm.from_document(algorithm_document, revision)
    case = case_of(decision, algorithm, harness.service.context, None)
    day = row.generated_at.replace(tzinfo=row.generated_at.tzinfo or UTC).astimezone(PARIS).date()
    return build_document(case, day)


def test_only_the_first_document_of_a_wording_is_built_before_it_is_read(harness: Harness):
    document = sample("creche-attribution")
    decisions = [Logged(decision_of("creche-attribution", seed=s)) for s in (3, 4, 5, 6)]
    harness.publish(registered(document), *(d.event() for d in decisions))
    rows = [harness.stored(d.reference)[0] for d in decisions]
    assert [r.document is not None for r in rows] == [True, False, False, False]
    assert [r.readability is not None for r in rows] == [True, False, False, False]
    announced = harness.events(topology.EXPLANATION_GENERATED)
    # Every announcement of the wording carries the readability measured on its first document.
    assert {a["readability"]["score"] for a in announced} == {rows[0].readability}
    for logged, event in zip(decisions, announced, strict=True):
        expected = built_at_once(harness, logged.reference, document, 1)
        assert event["mention_explicite"] == expected.mention
        assert event["motif"] == expected.motif


def test_the_first_reading_stores_what_building_it_at_once_would_have(
    harness: Harness, client: FlaskClient
):
    document = sample("creche-attribution")
    decisions = [
        Logged(decision_of("creche-attribution", seed=s, favourable=s % 2 == 0))
        for s in range(3, 11)
    ]
    harness.publish(registered(document), *(d.event() for d in decisions))
    for logged in decisions:
        built = built_at_once(harness, logged.reference, document, 1)
        expected = built.to_json()
        open_decision(client, logged.reference, logged.access_code)
        page = client.get(f"/d/{logged.reference}")
        assert page.status_code == 200
        [row] = harness.stored(logged.reference)
        assert json.dumps(row.document, ensure_ascii=False) == json.dumps(
            expected, ensure_ascii=False
        )
        assert row.readability == kandel_moles(built.plain_text())


def test_a_document_read_after_an_amendment_is_built_with_the_revision_it_was_generated_with(
    harness: Harness,
):
    document = sample("creche-attribution")
    first, logged = (Logged(decision_of("creche-attribution", seed=s)) for s in (3, 4))
    harness.publish(registered(document), first.event(), logged.event())
    assert harness.stored(logged.reference)[0].document is None
    amended = {**document, "purpose": "Une finalité corrigée après coup."}
    harness.publish(registered(amended, revision=2))
    old, new = harness.explanations(logged.reference)
    assert old.algorithm_revision == 1 and new.algorithm_revision == 2
    assert old.document == built_at_once(harness, logged.reference, document, 1).to_json()
    assert "finalité corrigée après coup" not in old.mention
    assert "finalité corrigée après coup" in new.mention


def test_a_document_is_built_once_even_when_read_twice(harness: Harness):
    document = sample("creche-attribution")
    first, logged = (Logged(decision_of("creche-attribution", seed=s)) for s in (3, 4))
    harness.publish(registered(document), first.event(), logged.event())
    [row] = harness.stored(logged.reference)
    with harness.service.uow() as uow:
        from services.explainer.service_layer.generation import materialize

        decision = uow.decisions.by_reference(logged.reference)
        assert materialize(uow, decision, row, harness.service.context) is True
        # A concurrent first reading that still saw no document stores nothing more.
        assert materialize(uow, decision, row, harness.service.context) is False
        uow.commit()
    [after] = harness.stored(logged.reference)
    assert after.document is not None


def test_the_materialize_command_builds_every_document_not_read_yet(harness: Harness):
    from services.explainer.service_layer.generation import materialize_all

    document = sample("creche-attribution")
    decisions = [Logged(decision_of("creche-attribution", seed=s)) for s in range(3, 9)]
    harness.publish(registered(document), *(d.event() for d in decisions))
    unread = [d for d in decisions if harness.stored(d.reference)[0].document is None]
    assert len(unread) == len(decisions) - 1  # the wording's first is built at once
    assert materialize_all(harness.service.uow, harness.service.context) == len(unread)
    for logged in decisions:
        [row] = harness.stored(logged.reference)
        assert row.document == built_at_once(harness, logged.reference, document, 1).to_json()
    assert materialize_all(harness.service.uow, harness.service.context) == 0


def test_documents_built_ahead_are_what_the_first_reading_would_store_and_it_only_reads(
    harness: Harness, client: FlaskClient
):
    """`explicite explanations materialize --follow`: batch after batch, the new versions as
    they come, then a pause; the reading of a document built ahead stores nothing."""
    from services.explainer.service_layer.generation import follow

    document = sample("creche-attribution")
    decisions = [Logged(decision_of("creche-attribution", seed=s)) for s in range(3, 9)]
    harness.publish(registered(document), *(d.event() for d in decisions))
    later = [Logged(decision_of("creche-attribution", seed=s)) for s in range(20, 23)]
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 1:  # new decisions arrive while it waits
            harness.publish(*(d.event() for d in later))

    stored = follow(
        harness.service.uow,
        harness.service.context,
        pause=0.5,
        rescan=3600.0,
        stop=lambda: len(pauses) >= 2,
        sleep=sleep,
        clock=lambda: 0.0,
    )
    assert stored == len(decisions) - 1 + len(later)  # the wording's first was built at once
    assert pauses == [0.5, 0.5]
    for logged in decisions + later:
        [row] = harness.stored(logged.reference)
        assert row.document == built_at_once(harness, logged.reference, document, 1).to_json()
    reader = later[0]
    open_decision(client, reader.reference, reader.access_code)
    before = harness.stored(reader.reference)
    assert client.get(f"/d/{reader.reference}").status_code == 200
    assert harness.stored(reader.reference) == before


def test_building_ahead_starts_again_from_the_first_id_every_rescan(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
):
    """Another worker's batch may commit ids below the last one seen: the periodic rescan
    finds them."""
    from services.explainer.service_layer import generation

    document = sample("creche-attribution")
    decisions = [Logged(decision_of("creche-attribution", seed=s)) for s in range(3, 6)]
    harness.publish(registered(document), *(d.event() for d in decisions))
    seen: list[int] = []
    original = generation.build_ahead

    def watched(uow_factory: Any, context: Any, after: int = 0) -> tuple[int, int]:
        seen.append(after)
        return original(uow_factory, context, after)

    # Read when it starts, then before each batch: the third batch comes 20 s after the start.
    moments = iter([0.0, 0.0, 10.0, 20.0, 20.0])
    monkeypatch.setattr(generation, "build_ahead", watched)
    generation.follow(
        harness.service.uow,
        harness.service.context,
        pause=1.0,
        rescan=15.0,
        stop=lambda: len(seen) >= 3,
        sleep=lambda _seconds: None,
        clock=lambda: next(moments),
    )
    assert seen[0] == 0 and seen[1] > 0 and seen[2] == 0


def test_a_reading_on_the_day_a_document_is_dated_shows_its_sections_without_building_them(
    harness: Harness, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
):
    """Read the day it was explained, with the revision it was built with, a document's dated
    sections are the ones it holds: the same bytes as building them again for the day, and
    neither the what-ifs nor the sections are computed (docs/benchmark.md, 8 December 2026)."""
    from datetime import datetime

    from services.explainer.domain.document import ExplanationDocument
    from services.explainer.domain.explanation import at_reading, dated_sections
    from services.explainer.service_layer import generation

    document = sample("creche-attribution")
    decisions = [
        Logged(decision_of("creche-attribution", seed=s, favourable=s % 2 == 0))
        for s in range(3, 7)
    ]
    harness.publish(registered(document), *(d.event() for d in decisions))
    generation.materialize_all(harness.service.uow, harness.service.context)
    today = datetime.now(UTC).astimezone(PARIS).date()
    expected = {}
    for logged in decisions:
        [row] = harness.stored(logged.reference)
        with harness.service.uow() as uow:
            decision = uow.decisions.by_reference(logged.reference)
        case = case_of(
            decision, Algorithm.from_document(document, 1), harness.service.context, None
        )
        stored = ExplanationDocument.from_json(row.document)
        expected[logged.reference] = at_reading(stored, case, today, dated_sections(case, today))

    def unused(*_args: Any) -> Any:
        raise AssertionError("computed again")

    harness.service.context.what_ifs._items.clear()
    harness.service.context.dated._items.clear()
    monkeypatch.setattr(generation, "what_ifs", unused)
    monkeypatch.setattr(generation, "dated_sections", unused)
    for logged in decisions:
        open_decision(client, logged.reference, logged.access_code)
        answer = client.get(f"/api/v1/explanations/{logged.reference}")
        assert answer.status_code == 200
        body, shown = answer.get_json(), expected[logged.reference]
        # Every field and every word alike (the API's schema orders the keys its own way).
        assert body["document"] == shown.to_json()
        assert body["text"] == shown.plain_text()
        assert client.get(f"/d/{logged.reference}").status_code == 200


def test_sections_are_built_again_when_read_another_day_after_an_amendment_or_templated():
    from datetime import date, datetime
    from types import SimpleNamespace

    from services.explainer.domain.explanation import DEFAULT_TEMPLATE
    from services.explainer.service_layer.reading import dated_as_built

    # 23:30 in Paris on 7 December 2026: dated 7 December, not 8.
    generated = datetime(2026, 12, 7, 22, 30, tzinfo=UTC)
    version = SimpleNamespace(
        template=DEFAULT_TEMPLATE, algorithm_revision=2, generated_at=generated
    )
    assert dated_as_built(version, 2, date(2026, 12, 7))
    assert not dated_as_built(version, 2, date(2026, 12, 8))
    assert not dated_as_built(version, 3, date(2026, 12, 7))
    templated = SimpleNamespace(**{**vars(version), "template": "custom:4:v1"})
    assert not dated_as_built(templated, 2, date(2026, 12, 7))
    older = SimpleNamespace(**{**vars(version), "template": "default:v0"})
    assert not dated_as_built(older, 2, date(2026, 12, 7))
