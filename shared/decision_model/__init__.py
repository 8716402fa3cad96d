"""The decision model of an algorithm version: load, check values, evaluate, replay, explain."""

# Pure Python (stdlib and marshmallow) because decision_log, explainer and appeals all use it.
# Numbers are Decimal throughout, so every score, amount and counterfactual is exact.

from .checking import InvalidValues, check_values
from .computed import ComputedModel
from .counterfactuals import (
    COMBINATION,
    Counterfactual,
    Decisive,
    combinations,
    counterfactuals,
    decisive,
    without,
)
from .criteria import FAVOURABLE, UNFAVOURABLE, CriterionDef, Outcome, Outcomes
from .evaluation import Evaluation, NotEvaluable, evaluate, evaluate_typed
from .grounds import PROTECTED_GROUNDS
from .loading import dump_algorithm_model, load_algorithm_model
from .models import (
    AmountRange,
    Band,
    DecisionModel,
    Grid,
    LinearModel,
    OpaqueModel,
    PointsModel,
    Rule,
    RulesModel,
    Threshold,
    Weight,
)
from .openfisca.spec import EngineUnavailable
from .replay import Replay, ReplayCase, replay, replay_many
from .steps import AmountStep, GridStep, RuleStep, Step, ThresholdStep, WeightStep
from .values import Value, to_json_value

__all__ = [
    "COMBINATION",
    "FAVOURABLE",
    "PROTECTED_GROUNDS",
    "UNFAVOURABLE",
    "AmountRange",
    "AmountStep",
    "Band",
    "ComputedModel",
    "Counterfactual",
    "CriterionDef",
    "DecisionModel",
    "Decisive",
    "EngineUnavailable",
    "Evaluation",
    "Grid",
    "GridStep",
    "InvalidValues",
    "LinearModel",
    "NotEvaluable",
    "OpaqueModel",
    "Outcome",
    "Outcomes",
    "PointsModel",
    "Replay",
    "ReplayCase",
    "Rule",
    "RuleStep",
    "RulesModel",
    "Step",
    "Threshold",
    "ThresholdStep",
    "Value",
    "Weight",
    "WeightStep",
    "check_values",
    "combinations",
    "counterfactuals",
    "decisive",
    "dump_algorithm_model",
    "evaluate",
    "evaluate_typed",
    "load_algorithm_model",
    "replay",
    "replay_many",
    "to_json_value",
    "without",
]
