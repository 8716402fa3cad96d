"""A kind of decision model is one computation (a `ModelKind` and its schema) and one wording
module (`kinds.KindWording`): nothing else in the explainer, nor in shared/, asks which class a
model is, and a new kind registered in the two tables gets a whole explanation."""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import pytest
from marshmallow import fields, post_load

from services.explainer.domain import kinds
from services.explainer.domain.case import Algorithm, Case
from services.explainer.domain.document import Block, paragraphs
from services.explainer.domain.explanation import SECTION_KEYS, build_document
from services.explainer.domain.kinds.base import KindWording
from services.explainer.domain.kinds.common import AT_MOST
from services.explainer.domain.what_if import what_ifs
from services.explainer.domain.wording import lower_first
from shared.decision_model import (
    FAVOURABLE,
    UNFAVOURABLE,
    Counterfactual,
    CriterionDef,
    Evaluation,
    Outcomes,
)
from shared.decision_model.computed import ModelKind
from shared.decision_model.json_fields import Number
from shared.decision_model.model_schemas import MODEL_SCHEMAS, ModelSchema
from shared.decision_model.values import Value
from shared.french import format_amount
from tests.unit.explainer.cases import BASE_URL, REFERENCE, heating_aid, plain, section_text

ROOT = Path(__file__).resolve().parents[3]
# The only modules that may ask which class a model is: each kind's wording, about its own.
KIND_MODULES = ROOT / "services/explainer/domain/kinds"


def model_class_checks(source: str) -> list[int]:
    """Lines of `isinstance(x, <Name>Model)` (or a union or tuple holding one)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "isinstance"
            and len(node.args) == 2
        ):
            continue
        names = [
            n.id if isinstance(n, ast.Name) else n.attr
            for n in ast.walk(node.args[1])
            if isinstance(n, ast.Name | ast.Attribute)
        ]
        if any(name.endswith("Model") for name in names):
            lines.append(node.lineno)
    return lines


def test_the_check_finds_each_form_of_a_model_class_test():
    assert model_class_checks("isinstance(m, RulesModel)") == [1]
    assert model_class_checks("x = 1\nisinstance(m, PointsModel | LinearModel)") == [2]
    assert model_class_checks("isinstance(m, (dm.OpaqueModel, int))") == [1]
    assert model_class_checks("isinstance(step, RuleStep)\nm.kind == 'rules'") == []


def test_no_code_outside_the_kind_modules_asks_which_class_a_model_is():
    found = []
    for folder in ("services", "shared"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if KIND_MODULES in path.parents:
                continue
            found += [
                f"{path.relative_to(ROOT)}:{line}"
                for line in model_class_checks(path.read_text(encoding="utf-8"))
            ]
    assert not found, f"ask the kind's wording (kinds.wording_of) instead: {found}"


def test_every_kind_of_the_registry_has_a_wording():
    assert set(MODEL_SCHEMAS) == set(kinds.KINDS)


# A toy kind: favourable when the monthly income is at most a ceiling, for a fixed amount.


@dataclass(frozen=True)
class CeilingModel(ModelKind):
    kind: ClassVar[str] = "ceiling"
    outcomes: Outcomes
    criterion: str
    ceiling: Decimal
    amount: Decimal

    def criteria_used(self) -> tuple[str, ...]:
        return (self.criterion,)

    def explain(self, values: Mapping[str, Value]) -> Evaluation:
        income = values[self.criterion]
        assert isinstance(income, Decimal)
        outcome = FAVOURABLE if income <= self.ceiling else UNFAVOURABLE
        chosen = self.outcomes.of(outcome)
        amount = self.amount if outcome == FAVOURABLE else Decimal(0)
        return Evaluation(outcome, chosen.code, chosen.label, None, amount, ())

    def what_ifs(
        self, criteria: Sequence[CriterionDef], values: Mapping[str, Value], include_fixed: bool
    ) -> list[Any]:
        current = self.explain(values)
        if current.outcome == FAVOURABLE:
            return []
        changes = ((self.criterion, self.ceiling),)
        after = self.explain({**values, self.criterion: self.ceiling})
        return [
            Counterfactual(
                "single_criterion",
                self.criterion,
                values[self.criterion],
                self.ceiling,
                changes,
                after.outcome,
                after,
            )
        ]


class CeilingSchema(ModelSchema):
    criterion = fields.String(required=True)
    ceiling = Number(required=True)
    amount = Number(required=True)

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> CeilingModel:
        return CeilingModel(data["outcomes"], data["criterion"], data["ceiling"], data["amount"])


def _ceiling(case: Case) -> CeilingModel:
    model = case.algorithm.model
    assert isinstance(model, CeilingModel)
    return model


class CeilingWording(KindWording):
    def model_sentence(self, case: Case) -> str:
        return "Il compare votre revenu à un plafond."

    def effects(self, case: Case) -> dict[str, str]:
        return {_ceiling(case).criterion: "comparé au plafond"}

    def calculation(self, case: Case) -> list[Block]:
        return paragraphs(f"Le plafond est de {format_amount(_ceiling(case).ceiling)}.")

    def reason(self, case: Case, found: Any) -> str:
        return f"Votre revenu est comparé au plafond de {format_amount(_ceiling(case).ceiling)}."

    def motif(self, case: Case, texts: str) -> str:
        return f"Revenu au-dessus du plafond. Règles fixées par : {texts}."

    def what_if_result(
        self, case: Case, current: Evaluation, after: Evaluation, *, single: bool
    ) -> str:
        return f"le résultat aurait été : {lower_first(after.outcome_label)}."

    def beyond(self, case: Case, cf: Any, code: str, new: Any, base: Any, lower: bool) -> str:
        return AT_MOST


@pytest.fixture
def ceiling_kind(monkeypatch):
    """The toy kind registered in the two tables, as a new kind's module would be."""
    monkeypatch.setitem(MODEL_SCHEMAS, "ceiling", CeilingSchema)
    monkeypatch.setitem(kinds.KINDS, "ceiling", CeilingWording())


def _case(income: int) -> Case:
    document = heating_aid()
    document["model"] = {
        "kind": "ceiling",
        "outcomes": document["model"]["outcomes"],
        "criterion": "revenu_mensuel",
        "ceiling": 1200,
        "amount": 150,
    }
    algorithm = Algorithm.from_document(document, 1)
    favourable = income <= 1200
    outcome = algorithm.model.outcomes.of(FAVOURABLE if favourable else UNFAVOURABLE)
    decision = {
        "decision_id": "TEST-1",
        "decided_at": "2026-11-02T09:30:00+01:00",
        "automation": "full",
        "subject": {"ref": "personne-1"},
        "outcome": {
            "code": outcome.code,
            "label": outcome.label,
            "favourable": favourable,
            "amount": 150 if favourable else None,
            "currency": "EUR",
        },
        "criteria": [
            {"code": "revenu_mensuel", "value": income, "source": None},
            {"code": "personnes_foyer", "value": 2, "source": None},
        ],
    }
    return Case(algorithm, decision, REFERENCE, BASE_URL, {"status": "consistent"})


def test_a_kind_registered_in_one_module_gets_a_whole_explanation(ceiling_kind):
    refused = _case(1500)
    document = build_document(refused)
    assert [s.key for s in document.sections] == [k for k in SECTION_KEYS if k != "divergence"]
    for section in document.sections:
        assert section.blocks, section.key
    assert section_text(document, "contribution")[0].endswith(
        "Il compare votre revenu à un plafond. Vous pouvez demander qu'une personne "
        "réexamine votre dossier."
    )
    assert section_text(document, "essential")[0] == (
        "- Votre revenu est comparé au plafond de 1 200 €."
    )
    assert "Le plafond est de 1 200 €." in section_text(document, "parameters")
    [what_if] = what_ifs(refused)
    assert what_if.changes == (("revenu_mensuel", Decimal(1200)),)
    assert any("1 200 €" in line for line in section_text(document, "what_if"))
    assert (document.motif or "").startswith("Revenu au-dessus du plafond. Règles fixées par : ")
    granted = build_document(_case(900))
    assert granted.motif is None
    assert "comparé au plafond" in plain(granted.plain_text())


def test_a_kind_with_no_wording_is_refused_plainly(monkeypatch):
    monkeypatch.setitem(MODEL_SCHEMAS, "ceiling", CeilingSchema)
    with pytest.raises(kinds.UnknownKind, match="ceiling"):
        build_document(_case(1500))
