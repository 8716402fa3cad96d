"""The wording of each kind of decision model, looked up by the model's kind name.

Adding a kind (Catala, Publicodes…): its computation in shared/decision_model (a `ModelKind`,
its schema in `model_schemas.MODEL_SCHEMAS`), and here one module implementing `KindWording`,
registered in `KINDS`. No other module of the explainer asks which kind a model is
(tests/unit/explainer/test_kinds.py checks it).
"""

from __future__ import annotations

from shared.decision_model import DecisionModel

from . import linear, opaque, openfisca, points, rules
from .base import KindWording

KINDS: dict[str, KindWording] = {
    "rules": rules.WORDING,
    "points": points.WORDING,
    "linear": linear.WORDING,
    "opaque": opaque.WORDING,
    "openfisca": openfisca.WORDING,
}


class UnknownKind(LookupError):
    """A model whose kind has no wording registered here."""


def wording_of(model: DecisionModel) -> KindWording:
    """The wording of the model's kind."""
    try:
        return KINDS[model.kind]
    except KeyError:
        raise UnknownKind(f"No wording for the model kind '{model.kind}'.") from None


__all__ = ["KINDS", "KindWording", "UnknownKind", "wording_of"]
