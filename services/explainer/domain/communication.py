"""The right to the rules of the algorithm: the mention explicite, the formal request, the CADA."""

from __future__ import annotations

from datetime import date

from services.explainer.domain.case import Case
from services.explainer.domain.document import Block, paragraphs
from services.explainer.domain.wording import CRPA, sentence
from shared.deadlines import add_months

REQUEST_MONTHS = 1  # R311-13: silence kept one month on a request for communication is a refusal
CADA_MONTHS = 2  # R343-1: then two months to refer to the CADA


def mention_explicite(case: Case) -> str:
    """R311-3-1-1: the purpose, the right to the rules and how to use it, the CADA.

    Printed by the back office on the notice, with the access code it alone received.
    """
    algorithm, service = case.algorithm, case.algorithm.service
    return (
        f"Cette décision a été prise sur le fondement d'un traitement algorithmique : "
        f"« {algorithm.name} ». Finalité du traitement : "
        f"{sentence(str(algorithm.document['purpose']))} "
        f"Vous avez le droit d'obtenir la communication des règles qui définissent ce "
        f"traitement et de ses principales caractéristiques, et de la façon dont il a été "
        f"appliqué à votre situation (articles L311-3-1 et R311-3-1-2 du {CRPA}). Pour exercer "
        f"ce droit, consultez {case.page_url} avec la référence {case.reference} et le code "
        f"d'accès indiqués sur ce courrier, ou écrivez à : {service['name']}, "
        f"{service['address']}. Si l'administration refuse, ou ne vous répond pas dans un délai "
        f"d'un mois, vous pouvez saisir la Commission d'accès aux documents administratifs "
        f"(CADA)."
    )


def communication_blocks(case: Case) -> list[Block]:
    service = case.algorithm.service
    return paragraphs(
        f"Vous avez le droit de connaître les règles de cet algorithme et la façon dont elles "
        f"ont été appliquées à votre situation (article L311-3-1 du {CRPA}). Ce document vous "
        f"donne ces informations.",
        f"Vous pouvez aussi faire une demande officielle de communication : sur la page de "
        f"votre décision ({case.page_url}), ou par courrier à : {service['name']}, "
        f"{service['address']}. L'administration a un mois pour vous répondre. Sans réponse "
        f"dans ce délai, votre demande est considérée comme refusée (article R311-13 du même "
        f"code).",
        "Vous avez alors 2 mois pour saisir la CADA, la Commission d'accès aux documents "
        "administratifs (article R343-1 du même code). C'est une autorité indépendante. La "
        "saisir est gratuit. Vous pouvez le faire sur le site www.cada.fr ou par courrier.",
    )


def request_deadline(requested_on: date) -> date:
    """The day the administration's silence on a formal request becomes a refusal."""
    return add_months(requested_on, REQUEST_MONTHS)


def cada_deadline(requested_on: date) -> date:
    """The last day to refer to the CADA after that refusal."""
    return add_months(request_deadline(requested_on), CADA_MONTHS)
