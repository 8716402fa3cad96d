"""New versions of existing explanations, for a stated reason; old versions stay as they were."""

from __future__ import annotations

from collections.abc import Callable

from services.explainer.domain.explanation import DEFAULT_TEMPLATE
from services.explainer.service_layer.context import ExplainerContext
from services.explainer.service_layer.generation import algorithm_of, current_template, explain
from services.explainer.service_layer.unit_of_work import ExplainerUnitOfWork

BATCH = 200


def regenerate(
    uow_factory: Callable[[], ExplainerUnitOfWork],
    context: ExplainerContext,
    *,
    reason: str,
    key: tuple[str, str, str] | None = None,
    reference: str | None = None,
    outdated_only: bool = False,
) -> int:
    """Explain again the chosen decisions, one transaction per batch; return how many.

    `outdated_only` keeps the decisions whose latest explanation already uses the current
    wording (default or custom) and the current revision of their algorithm version.
    """
    done, after = 0, 0
    while True:
        with uow_factory() as uow:
            rows = uow.decisions.explained(key, reference, after, BATCH)
            if not rows:
                return done
            latest = uow.explanations.latest_templates([r.id for r in rows])
            for row in rows:
                algorithm = algorithm_of(uow, row, context)
                assert algorithm is not None  # explained decisions have their algorithm
                if outdated_only:
                    template = current_template(uow, algorithm.key)
                    wanted = (template.label if template else DEFAULT_TEMPLATE, algorithm.revision)
                    if latest.get(row.id) == wanted:
                        continue
                explain(uow, row, algorithm, context, reason)
                done += 1
            uow.commit()
            after = rows[-1].id
