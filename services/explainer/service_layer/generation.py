"""Generating an explanation: a new frozen version, its readability, and its announcement."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy.engine import Row

from services.explainer.adapters.repository import EXPLAINED
from services.explainer.domain.case import Algorithm, Case
from services.explainer.domain.document import ExplanationDocument, Section
from services.explainer.domain.explanation import (
    DEFAULT_TEMPLATE,
    build_document,
    dated_sections,
    notice,
)
from services.explainer.domain.readability import FORMULA, kandel_moles
from services.explainer.domain.template_context import template_context
from services.explainer.domain.templates import BrokenTemplate, CustomTemplate, apply
from services.explainer.domain.what_if import WhatIfs, what_ifs
from services.explainer.service_layer.context import ExplainerContext
from services.explainer.service_layer.unit_of_work import ExplainerUnitOfWork
from shared.contracts.messages import ExplanationGenerated, Readability
from shared.db import as_utc
from shared.french import PARIS

log = logging.getLogger(__name__)

FIRST = "Première explication de la décision."


def current_template(uow: ExplainerUnitOfWork, key: tuple[str, str, str]) -> CustomTemplate | None:
    row = uow.templates.current(key)
    return (
        None if row is None else CustomTemplate(int(row.id), int(row.version), dict(row.sections))
    )


def algorithm_of(
    uow: ExplainerUnitOfWork, row: Row[Any], context: ExplainerContext
) -> Algorithm | None:
    stored = uow.algorithms.get((row.administration, row.algorithm_id, row.algorithm_version))
    return None if stored is None else context.algorithms.get(stored.document, stored.revision)


def case_of(
    row: Row[Any], algorithm: Algorithm, context: ExplainerContext, previous_reference: str | None
) -> Case:
    """The decision of a `decisions` row, to explain with this algorithm version."""
    return Case(
        algorithm,
        dict(row.body),
        row.reference,
        context.public_url,
        dict(row.replay),
        previous_reference,
    )


def compose(
    case: Case, template: CustomTemplate | None, today: date | None = None
) -> tuple[ExplanationDocument, str]:
    """The document and the label of the wording used; a broken template costs only itself."""
    today = today or case.decided_on
    document = build_document(case, today)
    if template is None:
        return document, DEFAULT_TEMPLATE
    try:
        return apply(template, document, template_context(case, today)), template.label
    except BrokenTemplate as exc:
        log.warning(
            "custom template failed, default wording used",
            extra={"template": template.label, "reference": case.reference, "error": str(exc)},
        )
        return document, DEFAULT_TEMPLATE


def explain(
    uow: ExplainerUnitOfWork,
    row: Row[Any],
    algorithm: Algorithm,
    context: ExplainerContext,
    reason: str = FIRST,
    *,
    first: bool = False,
) -> int:
    """Store a new version of the decision's explanation and announce it; return its id.

    `first` says the decision was just recorded: no version to look for, status already set.

    The announcement carries what the back office prints (mention, motif, URL): they are
    written at once. With the default wording, the person's full document is written at its
    first reading (`materialize`), from the inputs frozen here: the decision, the algorithm
    revision, the wording and the day (most people never open the page; building it costs
    most of an explanation's CPU). The first document of each wording is built at once, to
    measure the wording's readability that every announcement of it carries. A custom
    template's document is built at once too: whether it renders for this case decides the
    wording the announcement names.
    """
    previous = uow.decisions.find(row.administration, row.supersedes) if row.supersedes else None
    case = case_of(row, algorithm, context, previous.reference if previous else None)
    generated_at = context.now()
    template = current_template(uow, algorithm.key)
    wording_score = (
        uow.wordings.score(algorithm.key, algorithm.revision, DEFAULT_TEMPLATE)
        if template is None
        else None
    )
    document: ExplanationDocument | None = None
    score: float | None = None
    if wording_score is not None:
        wording = DEFAULT_TEMPLATE
        mention, motif = notice(case)
    else:
        document, wording = compose(case, template, paris_day(generated_at))
        score = kandel_moles(document.plain_text())
        mention, motif = document.mention, document.motif
        wording_score = uow.wordings.score(algorithm.key, algorithm.revision, wording)
        if wording_score is None:
            wording_score = uow.wordings.record(
                algorithm.key, algorithm.revision, wording, score, row.reference
            )
    latest = None if first else uow.explanations.latest(row.id)
    version = 1 if latest is None else int(latest.version) + 1
    previous_explanation = uow.explanations.latest(previous.id) if previous else None
    explanation_id = uow.explanations.add(
        decision_pk=row.id,
        reference=row.reference,
        version=version,
        reason=reason,
        template=wording,
        algorithm_revision=algorithm.revision,
        previous_explanation_id=previous_explanation.id if previous_explanation else None,
        document=None if document is None else document.to_json(),
        mention=mention,
        readability=score,
        generated_at=generated_at,
    )
    if row.status != EXPLAINED:
        uow.decisions.set_status(row.id, EXPLAINED)
    uow.announce(
        ExplanationGenerated(
            administration=row.administration,
            reference=row.reference,
            decision_id=row.decision_id,
            explanation_id=explanation_id,
            version=version,
            reason=reason,
            mention_explicite=mention,
            motif=motif,
            public_url=case.page_url,
            readability=Readability(FORMULA, wording_score),
            template=wording,
            algorithm={
                "id": algorithm.document["id"],
                "version": algorithm.document["version"],
                "revision": algorithm.revision,
            },
            supersedes=(
                {
                    "decision_id": row.supersedes,
                    "reference": previous.reference if previous else None,
                }
                if row.supersedes
                else None
            ),
        ).to_event()
    )
    log.info(
        "explanation generated",
        extra={
            "reference": row.reference,
            "version": version,
            "template": wording,
            "readability": wording_score,
        },
    )
    return explanation_id


def what_ifs_of(case: Case, context: ExplainerContext) -> WhatIfs:
    """A decision's what-ifs, computed once per process: they do not depend on the day, and
    every reading builds its dated sections (« L'essentiel ») from them."""
    found: WhatIfs = context.what_ifs.get(
        (case.reference, case.algorithm.revision), lambda: what_ifs(case)
    )
    return found


def dated_sections_of(case: Case, day: date, context: ExplainerContext) -> dict[str, Section]:
    """A decision's dated sections (default wording) as of `day`, computed once per process
    and day: a first reading builds them for the day the document is dated, then for the
    day it is read (the same day, most often), and every later reading that day again."""
    found: dict[str, Section] = context.dated.get(
        (case.reference, case.algorithm.revision, day),
        lambda: dated_sections(case, day, what_ifs_of(case, context)),
    )
    return dict(found)


def paris_day(moment: datetime) -> date:
    """The day in Paris of a moment, stored or not."""
    return as_utc(moment).astimezone(PARIS).date()


def materialize(
    uow: ExplainerUnitOfWork, decision: Row[Any], explanation: Row[Any], context: ExplainerContext
) -> bool:
    """Build and store the document of a version generated without it, from its frozen inputs;
    the same bytes `explain` would have stored. Return whether this call stored it."""
    if explanation.document is not None:
        return False
    document, readability = _document_of(uow, decision, explanation, context)
    return uow.explanations.store_document(int(explanation.id), document, readability)


def first_reading(
    uow: ExplainerUnitOfWork, decision: Row[Any], explanation: Any, context: ExplainerContext
) -> Any | None:
    """None when the version has its document; otherwise the version with its document,
    built and stored now (`materialize`), or as a concurrent first reading stored it. The
    row is not read again after the store: the reading has the document it just built."""
    if explanation.document is not None:
        return None
    document, readability = _document_of(uow, decision, explanation, context)
    if uow.explanations.store_document(int(explanation.id), document, readability):
        return SimpleNamespace(
            **{**explanation._mapping, "document": document, "readability": readability}
        )
    return uow.explanations.version(int(decision.id), int(explanation.version))


def _document_of(
    uow: ExplainerUnitOfWork, decision: Row[Any], explanation: Any, context: ExplainerContext
) -> tuple[dict[str, Any], float]:
    """A version's document (as stored) and its readability, from its frozen inputs."""
    key = (decision.administration, decision.algorithm_id, decision.algorithm_version)
    entry = uow.algorithms.at_revision(key, int(explanation.algorithm_revision))
    if entry is None:  # cannot happen: every revision is kept before it is used
        raise LookupError(f"revision {explanation.algorithm_revision} of {key} is not kept")
    algorithm = context.algorithms.get(entry, int(explanation.algorithm_revision))
    previous = (
        uow.decisions.find(decision.administration, decision.supersedes)
        if decision.supersedes
        else None
    )
    case = case_of(decision, algorithm, context, previous.reference if previous else None)
    # Only the default wording is left to the first reading (see explain): what compose()
    # builds without a template. The what-ifs are the ones the reading's dated sections use.
    assert explanation.template == DEFAULT_TEMPLATE
    day = paris_day(explanation.generated_at)
    document = build_document(
        case, day, what_ifs_of(case, context), dated_sections_of(case, day, context)
    )
    return document.to_json(), kandel_moles(document.plain_text())


def materialize_all(
    uow_factory: Callable[[], ExplainerUnitOfWork], context: ExplainerContext
) -> int:
    """Build every document not built yet, a batch per transaction; return how many."""
    done, after = 0, 0
    while True:
        with uow_factory() as uow:
            rows = uow.explanations.unbuilt(after)
            if not rows:
                return done
            for row in rows:
                decision = uow.decisions.by_pk(int(row.decision_pk))
                done += materialize(uow, decision, row, context)
            uow.commit()
            after = rows[-1].id


def build_ahead(
    uow_factory: Callable[[], ExplainerUnitOfWork],
    context: ExplainerContext,
    after: int = 0,
    batch: int = 50,
) -> tuple[int, int]:
    """Build the documents of up to `batch` versions not built yet (ids above `after`), so
    that their first reading only reads; return how many this call stored and the last id
    seen (`after` when none was left).

    For `explicite explanations materialize --follow`, while the machine is idle. The
    documents are built in a read-only transaction and stored in a short one of their own:
    a first reading of one of them never waits for the building of the others. A version
    that a first reading built meanwhile keeps its document (`store_document` stores once).
    Stored without waiting for the disk: a document lost in a crash of the database server is
    built again, byte-identical, by a later pass or at its first reading.
    """
    with uow_factory() as uow:
        rows = uow.explanations.unbuilt(after, limit=batch)
        built = []
        for row in rows:
            decision = uow.decisions.by_pk(int(row.decision_pk))
            built.append((int(row.id), *_document_of(uow, decision, row, context)))
    if not rows:
        return 0, after
    with uow_factory() as uow:
        stored = sum(uow.explanations.store_document(*one) for one in built)
        uow.commit_without_waiting_for_disk()
    return stored, int(rows[-1].id)


def follow(
    uow_factory: Callable[[], ExplainerUnitOfWork],
    context: ExplainerContext,
    *,
    pause: float,
    rescan: float,
    stop: Callable[[], bool],
    sleep: Callable[[float], object],
    clock: Callable[[], float],
) -> int:
    """`build_ahead` batch after batch, following the new versions (ids only grow), and
    `pause` seconds once none is left, until `stop()`; return how many documents it stored.
    Every `rescan` seconds it starts again from the first id: a batch of another worker may
    commit ids lower than one already seen (each worker draws its ids ahead)."""
    stored, after, since = 0, 0, clock()
    while not stop():
        if clock() - since >= rescan:
            after, since = 0, clock()
        count, last = build_ahead(uow_factory, context, after)
        stored += count
        if last == after:
            sleep(pause)
        after = last
    return stored
