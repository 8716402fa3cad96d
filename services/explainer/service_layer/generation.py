"""Generating an explanation: a new frozen version, its readability, and its announcement."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from sqlalchemy.engine import Row

from services.explainer.adapters.repository import EXPLAINED
from services.explainer.domain.case import Algorithm, Case
from services.explainer.domain.document import ExplanationDocument
from services.explainer.domain.explanation import DEFAULT_TEMPLATE, build_document
from services.explainer.domain.readability import FORMULA, kandel_moles
from services.explainer.domain.template_context import template_context
from services.explainer.domain.templates import BrokenTemplate, CustomTemplate, apply
from services.explainer.service_layer.context import ExplainerContext
from services.explainer.service_layer.unit_of_work import ExplainerUnitOfWork
from shared.contracts.events import Event
from shared.french import PARIS
from shared.messaging import topology

log = logging.getLogger(__name__)

FIRST = "Première explication de la décision."


def current_template(uow: ExplainerUnitOfWork, key: tuple[str, str, str]
                     ) -> CustomTemplate | None:
    row = uow.templates.current(key)
    return None if row is None else CustomTemplate(int(row.id), int(row.version),
                                                   dict(row.sections))


def algorithm_of(uow: ExplainerUnitOfWork, row: Row[Any],
                 context: ExplainerContext) -> Algorithm | None:
    stored = uow.algorithms.get((row.administration, row.algorithm_id, row.algorithm_version))
    return None if stored is None else context.algorithms.get(stored.document, stored.revision)


def case_of(row: Row[Any], algorithm: Algorithm, context: ExplainerContext,
            previous_reference: str | None) -> Case:
    """The decision of a `decisions` row, to explain with this algorithm version."""
    return Case(algorithm, dict(row.body), row.reference, context.public_url, dict(row.replay),
                previous_reference)


def compose(case: Case, template: CustomTemplate | None,
            today: date | None = None) -> tuple[ExplanationDocument, str]:
    """The document and the label of the wording used; a broken template costs only itself."""
    today = today or case.decided_on
    document = build_document(case, today)
    if template is None:
        return document, DEFAULT_TEMPLATE
    try:
        return apply(template, document, template_context(case, today)), template.label
    except BrokenTemplate as exc:
        log.warning("custom template failed, default wording used", extra={
            "template": template.label, "reference": case.reference, "error": str(exc)})
        return document, DEFAULT_TEMPLATE


def explain(uow: ExplainerUnitOfWork, row: Row[Any], algorithm: Algorithm,
            context: ExplainerContext, reason: str = FIRST, *, first: bool = False) -> int:
    """Store a new version of the decision's explanation and announce it; return its id.

    `first` says the decision was just recorded: no version to look for, status already set.
    """
    previous = (uow.decisions.find(row.administration, row.supersedes)
                if row.supersedes else None)
    case = case_of(row, algorithm, context, previous.reference if previous else None)
    document, template = compose(case, current_template(uow, algorithm.key),
                                 context.now().astimezone(PARIS).date())
    score = kandel_moles(document.plain_text())
    latest = None if first else uow.explanations.latest(row.id)
    version = 1 if latest is None else int(latest.version) + 1
    previous_explanation = uow.explanations.latest(previous.id) if previous else None
    explanation_id = uow.explanations.add(
        decision_pk=row.id, reference=row.reference, version=version, reason=reason,
        template=template, algorithm_revision=algorithm.revision,
        previous_explanation_id=previous_explanation.id if previous_explanation else None,
        document=document.to_json(), mention=document.mention, readability=score,
        generated_at=context.now())
    if row.status != EXPLAINED:
        uow.decisions.set_status(row.id, EXPLAINED)
    uow.publish(Event(topology.EXPLANATION_GENERATED, row.administration, {
        "reference": row.reference,
        "decision_id": row.decision_id,
        "administration": row.administration,
        "explanation_id": explanation_id,
        "version": version,
        "reason": reason,
        "mention_explicite": document.mention,
        # The motif of an unfavourable decision, to print on the notice (L211-2, L211-5).
        "motif": document.motif,
        "public_url": case.page_url,
        "readability": {"formula": FORMULA, "score": score},
        "template": template,
        "algorithm": {"id": algorithm.document["id"], "version": algorithm.document["version"],
                      "revision": algorithm.revision},
        "supersedes": ({"decision_id": row.supersedes,
                        "reference": previous.reference if previous else None}
                       if row.supersedes else None),
    }).to_message())
    log.info("explanation generated", extra={"reference": row.reference, "version": version,
                                             "template": template, "readability": score})
    return explanation_id
