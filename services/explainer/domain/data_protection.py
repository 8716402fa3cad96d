"""Your personal data: where each datum came from, how to have it corrected there, the data
protection officer, the CNIL.

RGPD art. 13(1)(b) and 14(1)(b) (the data protection officer's contact), 14(1)(d) and 14(2)(f)
(the categories of data and their source), 16 (rectification), 37(1)(a) (a public body must
designate an officer), 77 and 13(2)(d) / 14(2)(e) (the right to lodge a complaint with the
supervisory authority, the CNIL in France).
"""

from __future__ import annotations

from services.explainer.domain.case import Case
from services.explainer.domain.document import LIST, Block, paragraphs
from services.explainer.domain.wording import both, lower_first, sentence

LEGAL = ("Textes : articles 13, 14, 16, 37 et 77 du règlement général sur la protection des "
         "données (RGPD).")


def data_protection_blocks(case: Case) -> list[Block]:
    algorithm = case.algorithm
    service = algorithm.service
    # Sources that are corrected the same way are named together.
    by_correction: dict[str, list[str]] = {}
    for source in algorithm.data_sources:
        if source.get("correction"):
            by_correction.setdefault(sentence(source["correction"]), []).append(source["source"])
    items = [f"{both(*sources)} : {lower_first(correction)}"
             for correction, sources in by_correction.items()]
    blocks = paragraphs("Pour corriger une information à sa source :")
    if items:
        blocks.append(Block(LIST, items=tuple(items)))
    officer = algorithm.data_protection_officer
    where = officer["email"] if officer else f"{service['name']}, {service['address']}"
    blocks += paragraphs(f"Délégué à la protection des données : {where}. Vous pouvez vous "
                         f"plaindre à la CNIL, qui protège les données personnelles : "
                         f"www.cnil.fr.")
    return blocks
