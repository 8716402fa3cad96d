"""Algorithm owners register their own wording for a version; every version is kept."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.explainer.domain.case import Algorithm, Case
from services.explainer.domain.readability import kandel_moles
from services.explainer.domain.template_context import template_context
from services.explainer.domain.templates import (
    BrokenTemplate,
    CustomTemplate,
    apply,
    check_sources,
)
from services.explainer.service_layer.context import ExplainerContext
from services.explainer.service_layer.generation import compose
from services.explainer.service_layer.unit_of_work import ExplainerUnitOfWork
from shared.decision_model import FAVOURABLE, NotEvaluable, evaluate, to_json_value
from shared.samples.values import plausible_value

PREVIEW_REFERENCE = "D-00000-00000"


class UnknownAlgorithm(Exception):
    """No such algorithm version in the caller's administration."""


class InvalidTemplate(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("invalid template")
        self.errors = errors


@dataclass(frozen=True)
class Registered:
    template_id: int
    version: int
    label: str
    preview_readability: float


def preview_case(algorithm: Algorithm, base_url: str) -> Case:
    """A plausible decision of this version, to try a template on before accepting it."""
    rng = random.Random(0)  # noqa: S311 - sample values, not security
    values = {c.code: plausible_value(rng, c) for c in algorithm.criteria}
    try:
        favourable = evaluate(algorithm.model, algorithm.criteria, values).outcome == FAVOURABLE
    except NotEvaluable:
        favourable = False
    outcome = algorithm.model.outcomes.of(FAVOURABLE if favourable else "unfavourable")
    decision = {
        "decision_id": "APERCU", "administration": algorithm.document["administration"],
        "algorithm": {"id": algorithm.document["id"], "version": algorithm.document["version"]},
        "decided_at": datetime.now(UTC).isoformat(),
        "automation": algorithm.document["automation_allowed"],
        "outcome": {"code": outcome.code, "label": outcome.label, "favourable": favourable,
                    "amount": None},
        "criteria": [{"code": code, "value": to_json_value(value)}
                     for code, value in values.items()],
        "supersedes": None,
    }
    return Case(algorithm, decision, PREVIEW_REFERENCE, base_url, {"status": "consistent"})


def register_template(uow: ExplainerUnitOfWork, key: tuple[str, str, str],
                      sections: dict[str, Any], note: str, *, by: str,
                      context: ExplainerContext) -> Registered:
    """Check, try on a plausible decision, then store as the version's next template.

    `key` is (administration, id, version): the caller's own administration's version.
    """
    stored = uow.algorithms.get(key)
    if stored is None:
        raise UnknownAlgorithm(" ".join(key))
    errors = check_sources(sections)
    if not sections:
        errors["sections"] = ["give at least one section"]
    if errors:
        raise InvalidTemplate(errors)
    algorithm = context.algorithms.get(stored.document, stored.revision)
    case = preview_case(algorithm, context.public_url)
    current = uow.templates.current(key)
    version = 1 if current is None else int(current.version) + 1
    trial = CustomTemplate(0, version, sections)
    try:
        apply(trial, compose(case, None)[0], template_context(case, case.decided_on))
    except BrokenTemplate as exc:
        raise InvalidTemplate({"sections": [str(exc)]}) from exc
    template_id = uow.templates.add(
        administration=key[0], algorithm_id=key[1], algorithm_version=key[2],
        version=version, sections=sections, note=note, registered_by=by,
        registered_at=context.now())
    template = CustomTemplate(template_id, version, sections)
    document, _label = compose(case, template)
    return Registered(template_id, version, template.label, kandel_moles(document.plain_text()))
