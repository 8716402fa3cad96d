"""An explanation as pages and the API show it, for those allowed to read it, and nobody else."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.engine import Row

from services.explainer.adapters import tables as t
from services.explainer.domain.document import ExplanationDocument
from services.explainer.domain.explanation import DEFAULT_TEMPLATE, at_reading, contest_action
from services.explainer.domain.template_context import template_context
from services.explainer.domain.templates import BrokenTemplate, CustomTemplate, rewrite_sections
from services.explainer.service_layer.access import may_read
from services.explainer.service_layer.context import ExplainerContext
from services.explainer.service_layer.generation import (
    case_of,
    dated_sections_of,
    first_reading,
    paris_day,
)
from services.explainer.service_layer.requests import CommunicationRequest
from services.explainer.service_layer.unit_of_work import ExplainerUnitOfWork
from shared import audit
from shared.audit import actor_of
from shared.auth.principal import Principal
from shared.auth.tokens import normalize_reference
from shared.routes import load_recourse


@dataclass(frozen=True)
class ExplanationView:
    decision: Row[Any]
    # None while the decision waits for its algorithm version (a Row, or at its first reading
    # the same columns with the document just built)
    explanation: Any
    history: list[Row[Any]]
    request: CommunicationRequest | None
    replaces: Row[Any] | None
    replaced_by: list[Row[Any]]

    @property
    def document(self) -> ExplanationDocument | None:
        if self.explanation is None:
            return None
        return ExplanationDocument.from_json(dict(self.explanation.document))

    @property
    def latest_version(self) -> int:
        return int(self.history[-1].version) if self.history else 0


def document_at(
    uow: ExplainerUnitOfWork, view: ExplanationView, context: ExplainerContext, today: date
) -> ExplanationDocument | None:
    """The frozen document with its dated sections built for `today` (`at_reading`): a
    deadline read after it has passed is shown as past. The sections take the explanation's
    own wording: its custom template if it has one (the default's if that template fails)."""
    document = view.document
    if document is None or view.explanation is None:
        return None
    decision = view.decision
    stored = uow.algorithms.get(
        (decision.administration, decision.algorithm_id, decision.algorithm_version)
    )
    if stored is None:
        return document
    if dated_as_built(view.explanation, int(stored.revision), today):
        return replace(document, read_on=today.isoformat())
    algorithm = context.algorithms.get(stored.document, stored.revision)
    case = case_of(
        decision, algorithm, context, view.replaces.reference if view.replaces is not None else None
    )
    fresh = dated_sections_of(case, today, context)
    template = _template_of(uow, algorithm.key, str(view.explanation.template))
    # A template that fails leaves the default wording, as when the explanation was generated.
    with suppress(BrokenTemplate):
        if template is not None:
            fresh = {
                s.key: s
                for s in rewrite_sections(template, fresh.values(), template_context(case, today))
            }
    return at_reading(document, case, today, fresh)


def dated_as_built(explanation: Any, revision: int, today: date) -> bool:
    """Whether a version read `today` shows the dated sections it holds: it has the default
    wording, the algorithm's current revision is the one it was built with, and it is read
    the day it is dated for (`generation.paris_day(generated_at)`, the day `explain` and
    `materialize` build it for, with the very `dated_sections_of` a reading calls). Then
    building them again gives the same sections, byte for byte: a reading on the day the
    decision was explained (a person told by e-mail often reads at once) neither computes the
    what-ifs nor the dated sections. Read on a later day, or after an amendment, or with a
    custom template, they are built again as before."""
    return (
        str(explanation.template) == DEFAULT_TEMPLATE
        and int(explanation.algorithm_revision) == revision
        and paris_day(explanation.generated_at) == today
    )


def contest_label(uow: ExplainerUnitOfWork, view: ExplanationView) -> str:
    """The words of the page's « contest » button, from the registry's routes: a report of a
    wrong datum against a preparatory measure, a contestation otherwise."""
    decision = view.decision
    stored = uow.algorithms.get(
        (decision.administration, decision.algorithm_id, decision.algorithm_version)
    )
    if stored is None:
        return contest_action(None)
    return contest_action(load_recourse(stored.document))


def _template_of(
    uow: ExplainerUnitOfWork, key: tuple[str, str, str], label: str
) -> CustomTemplate | None:
    """The custom template an explanation was written with (`custom:<id>:v<n>`), if any."""
    if not label.startswith("custom:"):
        return None
    row = next(
        (r for r in uow.templates.history(key) if label == f"custom:{r.id}:v{r.version}"), None
    )
    return (
        None if row is None else CustomTemplate(int(row.id), int(row.version), dict(row.sections))
    )


def commit_reading(uow: ExplainerUnitOfWork, principal: Principal) -> None:
    """Commit a reading: its audit entry and, at a first reading, the document just built.

    The person's own reading does not wait for the disk (`commit_without_waiting_for_disk`);
    an agent's does. Why: the trail of readings is there so that nobody reads a person's file
    unnoticed (docs/security.md). An agent's reading is exactly that: its entry is durable
    before the page is sent. A reading signed in with the code of the person's letter is
    recorded too, but a crash of the database server may lose the entries of its last ~600 ms
    (whole entries, never a corrupted or half-sealed trail: a sealed entry is on disk, since
    the seal that chains it commits normally after it in the WAL). The person loses nothing
    they need: the page was shown, the access log of the web server keeps the request, and a
    document lost with it is built again, byte-identical, at the next reading. What it buys:
    a reading no longer waits for an fsync (docs/benchmark.md, 7 December 2026)."""
    if principal.kind == "usager":
        uow.commit_without_waiting_for_disk()
    else:
        uow.commit()


def read_explanation(
    uow: ExplainerUnitOfWork,
    reference: str,
    principal: Principal,
    context: ExplainerContext,
    version: int | None = None,
) -> ExplanationView | None:
    """The view, or None alike when the reference is unknown and when it is not theirs.

    Three statements for a reading of a built document (the decision with its algorithm
    version, formal request and whether it was replaced; the audit entry; every version with
    the document read), and the commit: a reading waits on the database for each of them.
    """
    decision = uow.decisions.for_reading(normalize_reference(reference))
    if decision is None or not may_read(uow, principal, decision):
        return None
    uow.algorithms.remember(
        (decision.administration, decision.algorithm_id, decision.algorithm_version), decision
    )
    # Every reading of a person's explanation leaves a trace, theirs included (the caller
    # commits it).
    audit.record(
        uow.session,
        t.audit,
        actor=actor_of(principal),
        administration=decision.administration,
        action="read",
        subject=f"explanation:{decision.reference}",
        purpose=(
            "lecture par la personne concernée"
            if principal.kind == "usager"
            else "lecture par un agent de l'administration"
        ),
    )
    history = uow.explanations.for_reading(decision.id, version)
    explanation = next(
        (row for row in reversed(history) if version is None or row.version == version), None
    )
    if version is not None and explanation is None:
        return None
    if explanation is not None:
        built = first_reading(uow, decision, explanation, context)
        if built is not None:
            # Its first reading: the document was just built from its frozen inputs.
            explanation = built
    replaces = (
        uow.decisions.find(decision.administration, decision.supersedes)
        if decision.supersedes
        else None
    )
    request = (
        None
        if decision.request_requested_at is None
        else CommunicationRequest.recorded(decision.request_requested_at, decision.request_deadline)
    )
    return ExplanationView(
        decision,
        explanation,
        history,
        request,
        replaces,
        uow.decisions.superseded_by(decision) if decision.replaced else [],
    )
