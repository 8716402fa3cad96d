"""The default explanation: every item R311-3-1-2 and the voies et délais ask for, in order."""

from __future__ import annotations

from decimal import Decimal

from services.explainer.domain.applied import applied_blocks
from services.explainer.domain.case import Case
from services.explainer.domain.communication import communication_blocks, mention_explicite
from services.explainer.domain.document import (
    LIST,
    NOTICE,
    STEPS,
    TABLE,
    Block,
    ExplanationDocument,
    Section,
    paragraphs,
)
from services.explainer.domain.recourse import (
    Deadlines,
    contest_blocks,
    recourse_blocks,
    recourse_legal,
)
from services.explainer.domain.what_if import what_if_blocks
from services.explainer.domain.wording import (
    CRPA,
    lower_first,
    number,
    quoted,
    sentence,
    upper_first,
    value_text,
)
from shared.decision_model import PROTECTED_GROUNDS, LinearModel, OpaqueModel, PointsModel
from shared.french import format_amount, format_date

# The default wording's version: generated explanations record it, and regenerating with a
# newer one creates new versions of the explanations, never edits the old ones.
DEFAULT_TEMPLATE_VERSION = 1
DEFAULT_TEMPLATE = f"default:v{DEFAULT_TEMPLATE_VERSION}"

CONTRIBUTION, DATA, PARAMETERS, OPERATIONS = "contribution", "data", "parameters", "operations"
LEGAL_BASES, WHAT_IF, PROTECTED, DIVERGENCE = "legal_bases", "what_if", "protected", "divergence"
RECOURSE, CONTEST, COMMUNICATION = "recourse", "contest", "communication"
SECTION_KEYS = (CONTRIBUTION, DATA, PARAMETERS, OPERATIONS, LEGAL_BASES, WHAT_IF, PROTECTED,
                DIVERGENCE, RECOURSE, CONTEST, COMMUNICATION)


def _article(item: str) -> str:
    return f"Texte : article R311-3-1-2 ({item}) du {CRPA}."


def build_document(case: Case, deadlines: Deadlines | None = None) -> ExplanationDocument:
    """The explanation of one decision with the default wording."""
    deadlines = deadlines or Deadlines.of(case)
    sections = [
        Section(CONTRIBUTION, "Le rôle de l'algorithme dans cette décision", _article("1°"),
                tuple(_contribution(case))),
        Section(DATA, "Les informations utilisées et leur origine", _article("2°"),
                tuple(_data(case))),
        Section(PARAMETERS, "Comment les règles ont été appliquées à votre situation",
                _article("3°"), tuple(applied_blocks(case))),
        Section(OPERATIONS, "Les étapes du traitement", _article("4°"),
                (*paragraphs("Le traitement suit ces étapes, dans cet ordre :"),
                 Block(STEPS, items=tuple(sentence(op) for op in
                                          case.algorithm.document["operations"])))),
        Section(LEGAL_BASES, "Les textes qui fondent cette décision",
                f"Textes : articles L211-2 et L211-5 du {CRPA}.", tuple(_legal_bases(case))),
        Section(WHAT_IF, "Ce qui aurait changé le résultat",
                f"Texte : article R311-3-1-2 (3°) du {CRPA}.", tuple(what_if_blocks(case))),
        Section(PROTECTED, "Les critères liés à un motif de discrimination",
                "Texte : article 225-1 du code pénal.", tuple(_protected(case))),
    ]
    if case.divergent:
        sections.append(Section(DIVERGENCE, "Écart avec les règles publiées",
                                f"Texte : article L311-3-1 du {CRPA}.", tuple(_divergence(case))))
    sections += [
        # Frozen as read on the start day; the page renders these two at reading time.
        Section(RECOURSE, "Vos recours et vos délais", recourse_legal(case),
                tuple(recourse_blocks(case, deadlines.notified_on))),
        Section(CONTEST, "Comment contester cette décision",
                "Textes : article 47 de la loi Informatique et Libertés du 6 janvier 1978 ; "
                "article 22 du règlement général sur la protection des données.",
                tuple(contest_blocks(case, deadlines.notified_on))),
        Section(COMMUNICATION, "Votre droit d'obtenir les règles de l'algorithme",
                f"Textes : articles L311-3-1, R311-3-1-2, R311-13 et R343-1 du {CRPA}.",
                tuple(communication_blocks(case))),
    ]
    return ExplanationDocument("Explication de votre décision", outcome_sentence(case),
                               tuple(_facts(case)), mention_explicite(case), tuple(sections))


def outcome_sentence(case: Case) -> str:
    outcome = case.outcome
    text = f"Décision du {format_date(case.decided_on)} : {lower_first(outcome['label'])}"
    if outcome.get("amount"):
        text += f", pour un montant de {format_amount(outcome['amount'])}"
    return f"{text}."


def _facts(case: Case) -> list[tuple[str, str]]:
    algorithm = case.algorithm
    facts = [("Référence", case.reference),
             ("Date de la décision", format_date(case.decided_on)),
             ("Service responsable", algorithm.service["name"]),
             ("Algorithme", f"{algorithm.name}, version {algorithm.document['version']}")]
    if case.supersedes_reference:
        facts.append(("Cette décision remplace la décision", case.supersedes_reference))
    return facts


def _model_sentence(case: Case) -> str:
    model = case.algorithm.model
    if isinstance(model, OpaqueModel):
        return "L'algorithme a calculé un résultat à partir de vos données."
    if isinstance(model, PointsModel):
        return "L'algorithme a compté des points, selon un barème."
    if isinstance(model, LinearModel):
        return ("L'algorithme a calculé un montant." if model.amount is not None
                else "L'algorithme a calculé un score.")
    return "L'algorithme a vérifié si vous remplissez les conditions prévues par les textes."


def _contribution(case: Case) -> list[Block]:
    texts = []
    if case.fully_automated:
        texts += ["Cette décision a été prise entièrement par un algorithme, sans intervention "
                  "d'un agent.", _model_sentence(case),
                  "Vous pouvez demander qu'une personne réexamine votre dossier : voyez plus bas "
                  "comment contester."]
    else:
        texts += [f"Un algorithme a aidé {case.human_role} à prendre cette décision.",
                  _model_sentence(case),
                  f"C'est {case.human_role} qui a pris la décision."]
        if case.evaluation is not None:
            texts.append(f"Le résultat proposé par l'algorithme était : "
                         f"{lower_first(case.evaluation.outcome_label)}.")
            if not case.divergent:
                texts.append("La décision suit ce résultat.")
    if isinstance(case.algorithm.model, OpaqueModel):
        texts.append("Ses règles ne peuvent pas être refaites à la main. L'explication repose "
                     "sur les effets indiqués par l'administration.")
    blocks = paragraphs(" ".join(texts))
    if case.divergent:
        blocks.append(Block(NOTICE, "Attention : la décision ne correspond pas au résultat des "
                                    "règles publiées. Voyez plus bas la partie « Écart avec les "
                                    "règles publiées »."))
    return blocks


def _data(case: Case) -> list[Block]:
    rows = []
    sources = case.sources
    for code, value in case.values.items():
        criterion = case.algorithm.criterion(code)
        label = criterion.label if criterion else code
        source = sources.get(code) or (criterion.source if criterion else "") or "non indiquée"
        rows.append((label, value_text(criterion, value), source))
    return [*paragraphs("L'algorithme a utilisé ces informations sur votre situation. "
                        "Vérifiez-les : si l'une est fausse, vous pouvez contester la décision."),
            Block(TABLE, header=("Information", "Pour vous", "Origine"), rows=tuple(rows))]


def _legal_bases(case: Case) -> list[Block]:
    items = []
    for basis in case.algorithm.document["legal_bases"]:
        text = basis["title"]
        if basis.get("article"):
            text += f", article {basis['article']}"
        if basis.get("url"):
            text += f" : {basis['url']}"
        items.append(text)
    return [*paragraphs("Ces textes autorisent ce traitement et fixent ses règles :"),
            Block(LIST, items=tuple(items))]


def _protected(case: Case) -> list[Block]:
    values = case.values
    used = [c for c in case.algorithm.criteria if c.protected_ground and c.code in values]
    if not used:
        return paragraphs("Cet algorithme n'utilise aucune information liée à un motif de "
                          "discrimination interdit par la loi.")
    items = tuple(
        f"{quoted(c.label)} : lié au motif « "
        f"{lower_first(PROTECTED_GROUNDS.get(c.protected_ground or '', c.protected_ground or ''))}"
        f" ». Pour vous : {value_text(c, values[c.code])}. Pourquoi l'administration l'utilise : "
        f"{sentence(c.justification or '')}" for c in used)
    return [*paragraphs("La loi interdit de traiter les personnes différemment pour certains "
                        "motifs, comme le handicap ou la situation de famille. Cet algorithme "
                        "utilise des informations liées à ces motifs. Voici pourquoi :"),
            Block(LIST, items=items)]


def _divergence(case: Case) -> list[Block]:
    replay, evaluation = case.replay, case.evaluation
    expected = (evaluation.outcome_label if evaluation is not None
                else str(replay.get("expected_outcome", "")))
    texts = [f"Avec vos données, les règles publiées donnent : {lower_first(expected)}."]
    if replay.get("expected_score") is not None:
        texts.append(f"Elles donnent un score de {number(Decimal(replay['expected_score']))}"
                     + (f", et non de {number(Decimal(str(case.decision['score'])))}."
                        if case.decision.get("score") is not None else "."))
    if replay.get("expected_amount") is not None:
        texts.append(f"Elles donnent un montant de "
                     f"{format_amount(Decimal(replay['expected_amount']))}.")
    texts.append(f"La décision prise est : {lower_first(case.outcome['label'])}.")
    if case.fully_automated:
        texts.append("Cet écart peut venir d'une erreur du programme. L'administration en a été "
                     "avertie. Vous pouvez vous appuyer sur cet écart pour contester la décision.")
    else:
        texts.append(f"{upper_first(case.human_role)} peut s'écarter du résultat de "
                     f"l'algorithme. Si vous pensez que c'est une erreur, signalez cet écart "
                     f"quand vous contestez la décision.")
    return [Block(NOTICE, "Attention : cette décision ne correspond pas aux règles publiées "
                          "de l'algorithme."), *paragraphs(" ".join(texts))]
