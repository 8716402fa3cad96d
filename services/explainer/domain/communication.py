"""The right to the rules of the algorithm: the mention explicite, the formal request, the CADA."""

from __future__ import annotations

from datetime import date

from services.explainer.domain.case import Case
from services.explainer.domain.document import Block, paragraphs
from services.explainer.domain.wording import CRPA, sentence
from shared.deadlines import add_months

REQUEST_MONTHS = 1  # R311-12, R311-13: silence kept one month on the request is a refusal
CADA_MONTHS = 2  # R343-1: then two months to refer to the CADA
MENTION_LIMIT_WORDS = 120

# Only a recours administratif against the decision itself interrupts the delay for going to
# court (L411-2); a request for the rules (L311-3-1, R311-3-1-2) and a referral to the CADA
# (L342-1, which concerns the refusal to communicate, not the decision) have no such effect in
# the texts. Saying so makes the person act in time, which protects them.
NO_EXTENSION = "Demander les règles ou saisir la CADA ne prolonge pas le délai pour contester."


def mention_explicite(case: Case) -> str:
    """R311-3-1-1: the purpose, the right to the rules and main characteristics, how to use
    it, and how to refer to the CADA; with the register's address (L312-1-3).

    Printed by the back office on the notice, with the access code it alone received. At most
    120 words for the sample algorithms (the purpose is the registry's: keep it short).
    """
    algorithm, service = case.algorithm, case.algorithm.service
    return (
        f"Décision prise sur le fondement d'un traitement algorithmique, un programme qui "
        f"applique des règles. Son but : "
        f"{sentence(_lower_first(str(algorithm.document['purpose'])))} "
        f"Vous pouvez obtenir ses règles, ses principales caractéristiques et la façon dont il "
        f"a été appliqué à votre situation : sur {case.page_url} avec la référence et le code "
        f"de ce courrier, ou en écrivant à {service['name']}, {service['address']}. Ses règles "
        f"sont publiées : {case.register_url}. Si l'administration refuse ou ne répond pas en "
        f"un mois, vous avez deux mois pour saisir la Commission d'accès aux documents "
        f"administratifs (CADA) : www.cada.fr."
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def communication_blocks(case: Case) -> list[Block]:
    return paragraphs(
        "Vous pouvez aussi demander officiellement ces règles. Sans réponse en un mois, vous "
        "avez deux mois pour saisir la CADA, la commission d'accès aux documents "
        "administratifs : www.cada.fr.",
        NO_EXTENSION,
    )


COMMUNICATION_LEGAL = (f"Textes : articles L311-3-1, R311-3-1-2, R311-12, R311-13 et R343-1 du "
                       f"{CRPA}. Seul un recours contre la décision interrompt le délai pour "
                       f"aller devant le juge : article L411-2 du même code.")


def request_deadline(requested_on: date) -> date:
    """The day the administration's silence on a formal request becomes a refusal."""
    return add_months(requested_on, REQUEST_MONTHS)


def cada_deadline(requested_on: date) -> date:
    """The last day to refer to the CADA after that refusal."""
    return add_months(request_deadline(requested_on), CADA_MONTHS)
