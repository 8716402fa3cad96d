"""The read models kept from decision_log's events, and the explanations they trigger."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from services.explainer.adapters.repository import EXPLAINED, PARKED
from services.explainer.domain.commands import RecordAlgorithm, RecordDecision
from services.explainer.service_layer.context import ExplainerContext
from services.explainer.service_layer.generation import algorithm_of, explain
from services.explainer.service_layer.unit_of_work import ExplainerUnitOfWork
from shared.contracts.events import InvalidMessage

log = logging.getLogger(__name__)

AMENDED = (
    "Nouvelle version : l'administration a corrigé la description de l'algorithme avant "
    "sa mise en service (révision {revision})."
)
# The status is the only part of an entry that may change once decisions use it.
_MUTABLE = ("status",)


def record_algorithm(
    uow: ExplainerUnitOfWork, command: RecordAlgorithm, context: ExplainerContext
) -> None:
    """Keep the newest revision; explain what waited for it, redo what an amendment changed."""
    document = command.document
    key = (str(document["administration"]), str(document["id"]), str(document["version"]))
    existing = uow.algorithms.get(key)
    if existing is not None and existing.revision >= command.revision:
        return  # a resend, or an older revision arriving late
    uow.algorithms.save(document, command.revision, context.now())
    algorithm = context.algorithms.get(document, command.revision)
    if existing is not None and _substance(existing.document) != _substance(document):
        # The amendment overtook decisions explained with the previous revision (the two
        # events travel on different queues): their explanations must follow the registry.
        reason = AMENDED.format(revision=command.revision)
        after = 0
        while rows := uow.decisions.explained(key, after_pk=after):
            for row in rows:
                explain(uow, row, algorithm, context, reason)
            after = rows[-1].id
    explain_parked(uow, context, key)


def _substance(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in _MUTABLE}


def explain_parked(
    uow: ExplainerUnitOfWork, context: ExplainerContext, key: tuple[str, str, str] | None = None
) -> int:
    """Explain the parked decisions whose algorithm version is now known; return how many."""
    explained = 0
    while rows := uow.decisions.explainable(key):
        for row in rows:
            algorithm = algorithm_of(uow, row, context)
            assert algorithm is not None  # explainable() joined it
            explain(uow, row, algorithm, context)
            explained += 1
    return explained


def record_decision(
    uow: ExplainerUnitOfWork, command: RecordDecision, context: ExplainerContext
) -> None:
    """Keep the decision once; explain it now, or park it until its algorithm arrives."""
    known = uow.decisions.clashing(command.administration, command.decision_id, command.reference)
    if any(
        (k.administration, k.decision_id) == (command.administration, command.decision_id)
        for k in known
    ):
        return  # already recorded: a redelivery, or the same decision announced again
    if known:
        raise InvalidMessage(f"reference {command.reference} already belongs to another decision")
    _administration, algorithm_id, version = command.algorithm_key
    stored = uow.algorithms.get(command.algorithm_key)
    row = uow.decisions.add(
        reference=command.reference,
        access_code_hash=command.access_code_hash,
        administration=command.administration,
        decision_id=command.decision_id,
        algorithm_id=algorithm_id,
        algorithm_version=version,
        body=command.decision,
        replay=command.replay,
        supersedes=command.decision.get("supersedes"),
        log_seq=command.log_seq,
        log_hash=command.log_hash,
        channel=command.channel,
        logged_at=command.logged_at,
        received_at=context.now(),
        status=PARKED if stored is None else EXPLAINED,
    )
    if stored is None:
        log.info(
            "decision parked until its algorithm version is known",
            extra={"reference": command.reference, "algorithm": f"{algorithm_id} {version}"},
        )
        return
    explain(uow, row, context.algorithms.get(stored.document, stored.revision), context, first=True)


def record_decisions(
    uow: ExplainerUnitOfWork, commands: Sequence[RecordDecision], context: ExplainerContext
) -> dict[int, str]:
    """Record a batch of decisions: what they need looked up at once, their writes staged
    and sent together at the commit. Return the refused ones by position, with the reason."""
    _prefetch(uow, commands)
    refused = {}
    for position, command in enumerate(commands):
        try:
            record_decision(uow, command, context)
        except InvalidMessage as invalid:
            refused[position] = invalid.reason
    return refused


def _prefetch(uow: ExplainerUnitOfWork, commands: Sequence[RecordDecision]) -> None:
    """Look up at once what each decision will need (the decisions it may repeat, clash with or
    supersede, the latest explanation of those it supersedes, its algorithm version and
    template), and stage the batch's writes."""
    uow.stage_writes(len(commands))
    keys, references, superseded, algorithms = set(), set(), set(), set()
    for command in commands:
        keys.add((command.administration, command.decision_id))
        references.add(command.reference)
        if command.decision.get("supersedes"):
            superseded.add((command.administration, command.decision["supersedes"]))
        algorithms.add(command.algorithm_key)
    found = uow.decisions.prefetch(keys | superseded, references)
    uow.explanations.prefetch_latest(
        row.id for row in found if (row.administration, row.decision_id) in superseded
    )
    uow.algorithms.prefetch(algorithms)
    uow.templates.prefetch(algorithms)
