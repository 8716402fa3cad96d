"""The wording every kind of decision model gives the explainer: the sentences that depend on
how the model computes (a condition, a points grid, a weighted score, an engine's computation,
or no executable model at all).

The explainer's sections (applied, essential, motif, what_if, explanation) ask the wording of
the model's kind (`kinds.wording_of`) and never which class the model is: adding a kind is one
module here, registered in `kinds.KINDS`, beside its computation in shared/decision_model.

The methods that read `case.evaluation` are called only when it is there: for an evaluable
model whose evaluation failed, the sections say so themselves; a model with no executable form
(`evaluable` False) never has one.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from services.explainer.domain.case import Case
from services.explainer.domain.document import Block
from services.explainer.domain.wording import lower_first
from shared.decision_model import Counterfactual, Evaluation, combinations

from .common import EXACTLY

if TYPE_CHECKING:
    from services.explainer.domain.what_if import WhatIfs


class KindWording(Protocol):
    """The French sentences of one kind of model; defaults for what most kinds share."""

    def model_sentence(self, case: Case) -> str:
        """« Le rôle de l'algorithme »: what it does, in one sentence (`Il compte des
        points, selon un barème.`)."""
        ...

    def contribution_note(self, case: Case) -> str | None:
        """Said after the role, when the kind needs it (an opaque model cannot be redone)."""
        return None

    def effects(self, case: Case) -> dict[str, str]:
        """What each criterion gave, for the data table (R311-3-1-2 2°)."""
        ...

    def calculation(self, case: Case) -> list[Block]:
        """« Le calcul »: how the effects make the result (R311-3-1-2 3°)."""
        ...

    def calculation_details(self, case: Case) -> list[Block]:
        """What the closed section of legal texts adds to « Le calcul »."""
        return []

    def calculation_references(self, case: Case) -> list[str]:
        """The references of the conditions applied, for the section's legal line."""
        return []

    def operations(self, case: Case) -> list[Block] | None:
        """The operations as the computation made them for the person; None: the registry's
        description alone."""
        return None

    def reason(self, case: Case, found: WhatIfs | None) -> str:
        """« L'essentiel »'s main reason, with the person's figures and the gap."""
        ...

    def motif(self, case: Case, texts: str) -> str:
        """The motif of an unfavourable decision: the facts, then `texts`, the law."""
        ...

    def what_if_result(
        self, case: Case, current: Evaluation, after: Evaluation, *, single: bool
    ) -> str:
        """`vous auriez eu 20 points de plus, soit 65 points : …`: what a what-if gives."""
        return f"le résultat aurait été : {lower_first(after.outcome_label)}."

    def beyond(
        self,
        case: Case,
        cf: Counterfactual,
        code: str,
        new: Any,
        base: Mapping[str, Any],
        lower: bool,
    ) -> str:
        """AT_MOST, AT_LEAST or EXACTLY: whether every value beyond `new` (below it when
        `lower`) also gives the what-if's result, so that `ou moins` is true; `base`: the
        person's values with the what-if's other changes applied."""
        return EXACTLY

    def smallest_sets(
        self, case: Case, found: list[Counterfactual], codes: Collection[str]
    ) -> list[Counterfactual] | None:
        """The smallest sets of changes the person may act on; None when the kind does not
        search for sets, so that nothing is said of them."""
        model = case.algorithm.model
        sets = combinations(model, case.algorithm.criteria, case.values, codes, limit=2)
        return None if sets is None else list(sets)

    def result_figure(self, case: Case, after: Evaluation) -> str:
        """` (45 points)`: the figure another value would have given, said after its outcome
        in the sentence on a decisive criterion; empty when the kind has none."""
        return ""

    def no_model_what_ifs(self, case: Case) -> list[Block]:
        """The what-if section of a model with no executable form."""
        return []
