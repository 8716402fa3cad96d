"""The wording of an opaque model: nothing can be computed again, the explanation rests on the
effects the administration sent, said as estimates."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from services.explainer.domain.case import Case
from services.explainer.domain.document import NOTICE, Block, paragraphs
from services.explainer.domain.wording import (
    both,
    label_of,
    lower_first,
    number,
    sentence,
    upper_first,
)
from shared.decision_model import OpaqueModel

from .base import KindWording
from .common import signed

if TYPE_CHECKING:
    from services.explainer.domain.what_if import WhatIfs


def _model(case: Case) -> OpaqueModel:
    model = case.algorithm.model
    assert isinstance(model, OpaqueModel)
    return model


class OpaqueWording(KindWording):
    def model_sentence(self, case: Case) -> str:
        return "Il calcule un score à partir de vos données."

    def contribution_note(self, case: Case) -> str | None:
        return (
            "Ses règles ne peuvent pas être refaites à la main. L'explication repose "
            "sur les effets indiqués par l'administration."
        )

    def effects(self, case: Case) -> dict[str, str]:
        return {code: f"{signed(effect)} (estimé)" for code, effect in case.contributions.items()}

    def calculation(self, case: Case) -> list[Block]:
        blocks = paragraphs(
            "Cet algorithme ne suit pas des règles que l'on peut refaire à la main. "
            "Description donnée par l'administration : "
            + sentence(lower_first(_model(case).description))
        )
        if not case.contributions:
            blocks += paragraphs(
                "L'administration n'a pas transmis l'effet de chaque information sur le résultat."
            )
        else:
            blocks += paragraphs(
                "L'effet de chaque information est indiqué par l'administration. "
                "Un nombre positif a augmenté le score, un nombre négatif l'a "
                "diminué."
            )
        if case.decision.get("score") is not None:
            blocks += paragraphs(f"Score calculé : {number(Decimal(str(case.decision['score'])))}.")
        blocks.append(
            Block(
                NOTICE,
                "Attention : ces effets sont une estimation donnée par "
                "l'administration. Nous ne pouvons pas refaire le calcul pour les "
                "vérifier.",
            )
        )
        return blocks

    def reason(self, case: Case, found: WhatIfs | None) -> str:
        return "Un algorithme a calculé un score à partir de vos données. Le détail est plus bas."

    def motif(self, case: Case, texts: str) -> str:
        return (
            f"{upper_first(case.human_role)} a décidé avec l'aide d'un algorithme "
            f"statistique. Textes appliqués : {texts}."
        )

    def no_model_what_ifs(self, case: Case) -> list[Block]:
        blocks = paragraphs(
            "Cet algorithme n'a pas de règles que l'on peut refaire à la main. Nous "
            "ne pouvons donc pas calculer exactement ce qui aurait changé le "
            "résultat."
        )
        ranked = sorted(case.contributions.items(), key=lambda item: (-abs(item[1]), item[0]))[:3]
        if ranked:
            names = [
                f"{label_of(case.algorithm.criterion(code), code)} (effet {signed(effect)})"
                for code, effect in ranked
            ]
            blocks += paragraphs(
                f"Selon l'administration, les informations qui ont le plus pesé "
                f"sont : {both(*names)}. C'est une estimation, pas un calcul exact."
            )
        return blocks


WORDING = OpaqueWording()
