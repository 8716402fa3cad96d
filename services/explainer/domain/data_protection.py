"""Your personal data: who is responsible, where each datum came from and how to correct it,
your rights and whom to write to, the CNIL; in detail, the rest of what RGPD art. 13 and 14
require.

Read in the GDPR's text (privacy-gdpr.eu, portail-rgpd.com) and the CNIL's guides:
- art. 13(1)(a)-(c) / 14(1)(a)-(c): the controller and its contact, the data protection
  officer's contact (required of a public body, art. 37(1)(a)), the purposes and the legal
  basis; 13(1)(e) / 14(1)(e): the recipients; 14(1)(d), 14(2)(f): the categories of data and
  their source; 13(2)(a) / 14(2)(a): the retention period or its criteria (the pages add
  Explicite's own, from the deployment's `personal_data_retention_days`: see
  `retention_sentence`); 13(2)(b) / 14(2)(c): access (15), rectification (16), erasure (17),
  limitation (18), objection (21); 13(2)(d) / 14(2)(e), 77: the complaint to the CNIL;
  12(3): an answer within one month, extendable by two months with reasons.
- Art. 17(3)(b): no erasure while the data are needed for a legal obligation or a task in
  the public interest. Art. 21(1): the right to object exists only against a processing based
  on art. 6(1)(e) (public task) or (f); not when the law obliges the administration (6(1)(c)).
- What the registry does not carry for an administration (the art. 6 basis, the recipients
  outside Explicite, how long its own files keep the data) is never guessed: the page says to
  ask the data protection officer.
"""

from __future__ import annotations

from services.explainer.domain.case import Algorithm, Case
from services.explainer.domain.document import LIST, Block, paragraphs
from services.explainer.domain.wording import both, lower_first, sentence
from shared.french import format_days

LEGAL = (
    "Textes : articles 6, 12 à 18, 21, 37 et 77 du règlement général sur la protection des "
    "données (RGPD)."
)
CNIL = (
    "Vous pouvez vous plaindre à la CNIL (article 77), la Commission nationale de "
    "l'informatique et des libertés : www.cnil.fr, ou 3 place de Fontenoy, TSA 80715, "
    "75334 Paris Cedex 07."
)


def controller(algorithm: Algorithm) -> str:
    """The organisation responsible for the processing (the registry's `organisation`)."""
    organisation = algorithm.document.get("organisation") or {}
    return str(organisation.get("name") or algorithm.service["name"])


def officer_contact(algorithm: Algorithm, *, short: bool = False) -> str:
    """How to reach the data protection officer (`short`: one way, the first the registry
    gives); the service when the registry has none."""
    officer = algorithm.data_protection_officer
    if not officer:
        service = algorithm.service
        return f"{service['name']}, {service['address']}"
    parts = [str(p) for p in (officer.get("email"), officer.get("url")) if p]
    if officer.get("address"):
        parts.append(f"par courrier : {officer['address']}")
    if short or len(parts) == 1:
        return parts[0]
    return ", ou ".join(parts)


def data_protection_blocks(case: Case) -> list[Block]:
    """The short view: correction at the source, the rights and whom to write to, the CNIL.
    The rest (the controller first) is in `data_protection_details`."""
    algorithm = case.algorithm
    # Sources that are corrected the same way are named together.
    by_correction: dict[str, list[str]] = {}
    for source in algorithm.data_sources:
        if source.get("correction"):
            by_correction.setdefault(sentence(source["correction"]), []).append(source["source"])
    items = [
        f"{both(*sources)} : {lower_first(correction)}"
        for correction, sources in by_correction.items()
    ]
    blocks = paragraphs("Pour corriger une information à sa source :")
    if items:
        blocks.append(Block(LIST, items=tuple(items)))
    blocks += paragraphs(
        "Pour voir vos données ou exercer vos autres droits, écrivez au délégué à la "
        f"protection des données : {officer_contact(algorithm, short=True)}.",
        # RGPD art. 12(3): an answer within one month; art. 77: a complaint to the CNIL at any
        # time, not only after that month (the earlier wording made it sound conditional).
        "Il doit répondre sous un mois. Vous pouvez aussi vous plaindre à la CNIL : www.cnil.fr.",
    )
    return blocks


def data_protection_details(case: Case) -> list[Block]:
    """Everything else RGPD art. 13 and 14 require, plainly; what is not known, whom to ask."""
    algorithm = case.algorithm
    who = controller(algorithm)
    service = algorithm.service
    sources = [
        f"{source['name']} : {source['source']}"
        for source in algorithm.data_sources
        if source.get("name") and source.get("source")
    ]
    collection = (algorithm.document.get("inventory") or {}).get("data_collection")
    purpose = str(algorithm.document.get("purpose") or "").strip()
    blocks = paragraphs(
        f"Responsable du traitement : {who}. Pour le joindre : {service['name']}, "
        f"{service['address']}" + (f", {service['email']}" if service.get("email") else "") + ".",
        f"Délégué à la protection des données : {officer_contact(algorithm)}.",
    )
    if purpose:
        blocks += paragraphs(f"À quoi servent vos données : {lower_first(sentence(purpose))}")
    blocks += paragraphs(
        "La base légale de ce traitement au sens du RGPD (article 6), par exemple une "
        "obligation fixée par la loi ou une mission de service public, n'est pas indiquée "
        "ici : demandez-la au délégué. Les textes qui fondent la décision sont cités plus "
        "haut."
    )
    if sources:
        blocks += paragraphs("D'où viennent vos données :")
        blocks.append(Block(LIST, items=tuple(sources)))
    if collection:
        blocks += paragraphs(sentence(str(collection)))
    blocks += paragraphs(
        f"Qui les voit : dans Explicite, les agents de {who} qui traitent la décision et "
        "les contestations, et ceux qui contrôlent ces accès. Chaque lecture est enregistrée. "
        f"Pour savoir à qui d'autre {who} transmet vos données, demandez au délégué.",
        f"Combien de temps {who} les garde dans ses propres dossiers : demandez-le au délégué. "
        "Explicite garde la décision et son explication ; pour savoir combien de temps, "
        "demandez aussi au délégué.",
        "Vos droits, que vous exercez en écrivant au délégué :",
    )
    blocks.append(
        Block(
            LIST,
            items=(
                "voir vos données et en recevoir une copie (article 15) ;",
                "faire corriger une donnée fausse ou compléter une donnée incomplète "
                "(article 16) ;",
                "demander leur effacement (article 17) : il peut être refusé tant que la loi "
                "ou la mission de service public oblige à les garder ;",
                "demander que leur usage soit limité (article 18), par exemple le temps de "
                "vérifier une donnée que vous dites fausse ;",
                "vous opposer à leur usage pour des raisons tenant à votre situation "
                "(article 21). Ce droit existe si le traitement repose sur une mission de "
                "service public, sauf si l'administration montre des raisons impérieuses de "
                "continuer. Il n'existe pas si la loi l'oblige à traiter ces données. Le "
                "délégué vous dira ce qu'il en est.",
            ),
        )
    )
    blocks += paragraphs(
        "La réponse vous est due dans un mois. Ce délai peut aller jusqu'à trois mois pour "
        "une demande complexe : on doit alors vous dire pourquoi dans le premier mois "
        "(article 12).",
        CNIL,
    )
    return blocks


def retention_sentence(days: int) -> str:
    """Explicite's own retention (`personal_data_retention_days`: the purges of decision_log
    and appeals), said in plain time; 0 means the deployment purges nothing."""
    if days <= 0:
        return (
            "Explicite n'a pas de durée fixée pour effacer vos coordonnées : demandez-la au "
            "délégué à la protection des données."
        )
    span = format_days(days)
    return (
        f"Explicite efface vos coordonnées (courriel, adresse) {span} après la décision. Si "
        f"vous la contestez : vos coordonnées, vos pièces jointes et les lettres, {span} "
        f"après votre contestation, une fois qu'elle a reçu sa réponse."
    )
