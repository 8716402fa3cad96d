"""The default explanation: « L'essentiel », the four items of R311-3-1-2 applied to the person,
then the rest; every article number in the sections' `legal` lines, which pages show together
in one closed section near the end.

Three sections depend on the reading date (`DATED`): the document is frozen as generated, and
`at_reading` builds those three again for the day it is read, so that a deadline already past
is shown as past.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from services.explainer.domain.applied import applied_blocks, applied_details, data_blocks
from services.explainer.domain.case import Case
from services.explainer.domain.communication import (
    COMMUNICATION_LEGAL,
    communication_blocks,
    mention_explicite,
)
from services.explainer.domain.data_protection import LEGAL as DATA_PROTECTION_LEGAL
from services.explainer.domain.data_protection import (
    data_protection_blocks,
    data_protection_details,
)
from services.explainer.domain.document import (
    LIST,
    NOTICE,
    STEPS,
    Block,
    ExplanationDocument,
    Section,
    paragraphs,
)
from services.explainer.domain.essential import essential_blocks
from services.explainer.domain.kinds import wording_of
from services.explainer.domain.motif import motif
from services.explainer.domain.recourse import (
    CONTEST_LEGAL,
    contest_blocks,
    contest_details,
    recourse_blocks,
    recourse_details,
    recourse_legal,
)
from services.explainer.domain.what_if import WhatIfs, what_if_blocks, what_ifs
from services.explainer.domain.wording import (
    CRPA,
    lower_first,
    number,
    points,
    sentence,
    upper_first,
    value_text,
)
from shared.decision_model import PROTECTED_GROUNDS, CriterionDef, Decisive, decisive
from shared.french import format_amount, format_date
from shared.routes import Recourse

# The default wording's version: generated explanations record it, and regenerating with a
# newer one creates new versions of the explanations, never edits the old ones.
DEFAULT_TEMPLATE_VERSION = 2
DEFAULT_TEMPLATE = f"default:v{DEFAULT_TEMPLATE_VERSION}"

ESSENTIAL = "essential"
CONTRIBUTION, DATA, PARAMETERS, OPERATIONS = "contribution", "data", "parameters", "operations"
LEGAL_BASES, WHAT_IF, PROTECTED, DIVERGENCE = "legal_bases", "what_if", "protected", "divergence"
RECOURSE, CONTEST, COMMUNICATION = "recourse", "contest", "communication"
DATA_PROTECTION = "data_protection"
SECTION_KEYS = (
    ESSENTIAL,
    CONTRIBUTION,
    DIVERGENCE,
    DATA,
    PARAMETERS,
    OPERATIONS,
    WHAT_IF,
    PROTECTED,
    RECOURSE,
    CONTEST,
    COMMUNICATION,
    DATA_PROTECTION,
    LEGAL_BASES,
)
# Built again at reading time, for the day the person reads them.
DATED = (ESSENTIAL, RECOURSE, CONTEST)
# Legal texts: shown inside the closed section « Les textes de loi », not in the main view.
LEGAL_ONLY = (LEGAL_BASES,)


def _article(item: str) -> str:
    return f"Texte : article R311-3-1-2 ({item}) du {CRPA}."


def build_document(
    case: Case,
    today: date | None = None,
    found: WhatIfs | None = None,
    dated: dict[str, Section] | None = None,
) -> ExplanationDocument:
    """The explanation of one decision with the default wording, dated sections as of `today`
    (by default the decision date); `found`: its what-ifs, and `dated`: its dated sections as
    of `today`, when already computed."""
    if found is None:
        found = what_ifs(case)
    if dated is None:
        dated = dated_sections(case, today or case.decided_on, found)
    sections = [
        dated[ESSENTIAL],
        Section(
            CONTRIBUTION, "Le rôle de l'algorithme", _article("1°"), tuple(_contribution(case))
        ),
    ]
    if case.divergent:
        sections.append(
            Section(
                DIVERGENCE,
                "L'écart entre la décision et l'algorithme",
                f"Texte : article L311-3-1 du {CRPA}.",
                tuple(_divergence(case)),
            )
        )
    sections += [
        Section(
            DATA, "Vos informations et leur effet", _article("2° et 3°"), tuple(data_blocks(case))
        ),
        Section(
            PARAMETERS,
            "Le calcul",
            _parameters_legal(case),
            tuple(applied_blocks(case)),
            tuple(applied_details(case)),
        ),
        _operations(case),
        Section(
            WHAT_IF,
            "Ce qui aurait changé le résultat",
            f"Texte : article R311-3-1-2 (3°) du {CRPA}.",
            tuple(what_if_blocks(case, found)),
        ),
        Section(
            PROTECTED,
            "Les critères liés à un motif de discrimination",
            "Texte : article 225-1 du code pénal.",
            tuple(_protected(case, found)),
        ),
        dated[RECOURSE],
        dated[CONTEST],
        Section(
            COMMUNICATION,
            "Votre droit d'obtenir les règles",
            COMMUNICATION_LEGAL,
            tuple(communication_blocks(case)),
        ),
        Section(
            DATA_PROTECTION,
            "Vos données personnelles",
            DATA_PROTECTION_LEGAL,
            tuple(data_protection_blocks(case)),
            tuple(data_protection_details(case)),
        ),
        Section(
            LEGAL_BASES,
            "Les textes qui fondent cette décision",
            f"Textes : articles L211-2 et L211-5 du {CRPA}.",
            tuple(_legal_bases(case)),
        ),
    ]
    mention, motif_ = notice(case)
    return ExplanationDocument(
        "Explication de votre décision",
        outcome_sentence(case),
        tuple(_facts(case)),
        mention,
        tuple(sections),
        motif=motif_,
    )


def notice(case: Case) -> tuple[str, str | None]:
    """What the back office prints on the notice, as `build_document` writes it: the mention
    explicite and the motif (None for a favourable decision). Cheap: no what-if, no section."""
    return mention_explicite(case), motif(case)


def dated_sections(case: Case, today: date, found: WhatIfs | None = None) -> dict[str, Section]:
    """The sections whose text depends on the day they are read, as of `today`."""
    return {
        ESSENTIAL: Section(
            ESSENTIAL,
            "L'essentiel",
            "",
            tuple(essential_blocks(case, today, found or what_ifs(case))),
        ),
        RECOURSE: Section(
            RECOURSE,
            "Vos recours et vos délais",
            recourse_legal(case),
            tuple(recourse_blocks(case, today)),
            tuple(recourse_details(case, today)),
        ),
        CONTEST: Section(
            CONTEST,
            contest_title(case),
            CONTEST_LEGAL,
            tuple(contest_blocks(case, today)),
            tuple(contest_details(case, today)),
        ),
    }


def contest_title(case: Case) -> str:
    """A preparatory measure is not contestable (the page says so): what the person can do
    is report a wrong datum, and the section says that, not « contester »."""
    if not case.recourse.contestable:
        return "Comment signaler une information fausse"
    return "Comment contester cette décision"


def contest_action(recourse: Recourse | None) -> str:
    """The page's button, under « L'essentiel »: the same choice as `contest_title` (a
    decision whose algorithm version is not known yet is contested)."""
    if recourse is not None and not recourse.contestable:
        return "Signaler une information fausse"
    return "Contester cette décision"


def at_reading(
    document: ExplanationDocument,
    case: Case,
    today: date,
    rewrite: dict[str, Section] | None = None,
) -> ExplanationDocument:
    """The frozen document with its dated sections built again for `today`.

    `rewrite`: the dated sections already rewritten by the explanation's custom template, if
    it has one; otherwise the default wording's.
    """
    fresh = rewrite if rewrite is not None else dated_sections(case, today)
    sections = tuple(fresh.get(s.key, s) if s.key in DATED else s for s in document.sections)
    return replace(document, sections=sections, read_on=today.isoformat())


def outcome_sentence(case: Case) -> str:
    outcome = case.outcome
    text = f"Décision du {format_date(case.decided_on)} : {lower_first(outcome['label'])}"
    if outcome.get("amount"):
        text += f", pour un montant de {format_amount(outcome['amount'])}"
    return f"{text}."


def _facts(case: Case) -> list[tuple[str, str]]:
    facts = [("Référence", case.reference), ("Service responsable", case.algorithm.service["name"])]
    if case.supersedes_reference:
        facts.append(("Cette décision remplace la décision", case.supersedes_reference))
    return facts


def _model_sentence(case: Case) -> str:
    return wording_of(case.algorithm.model).model_sentence(case)


def _contribution(case: Case) -> list[Block]:
    if case.fully_automated:
        texts = [
            f"Un algorithme a pris cette décision seul, sans agent. {_model_sentence(case)} "
            f"Vous pouvez demander qu'une personne réexamine votre dossier."
        ]
    else:
        texts = [
            f"{upper_first(case.human_role)} a décidé, avec l'aide d'un algorithme. "
            f"{_model_sentence(case)}"
        ]
        if case.evaluation is not None and not case.divergent:
            # What it proposed is the outcome above; when the decision departs from it, the
            # section on the difference, just below, says so.
            texts.append("La décision suit sa proposition.")
    note = wording_of(case.algorithm.model).contribution_note(case)
    if note:
        texts.append(note)
    return paragraphs(" ".join(texts))


def _operations(case: Case) -> Section:
    """The registry's operations; for a model computed by its engine, the path its computation
    took for the person, the registry's description in the closed section."""
    described = (
        Block(STEPS, items=tuple(sentence(op) for op in case.algorithm.document["operations"])),
    )
    title, legal = "Les étapes du traitement", _article("4°")
    path = (
        wording_of(case.algorithm.model).operations(case) if case.evaluation is not None else None
    )
    if path is not None:
        return Section(
            OPERATIONS,
            title,
            legal,
            tuple(path),
            (*paragraphs("Les étapes, telles que l'administration les décrit :"), *described),
        )
    return Section(OPERATIONS, title, legal, described)


def _parameters_legal(case: Case) -> str:
    """R311-3-1-2 3°, and for rules each condition's own reference (kept out of the items)."""
    text = _article("3°")
    references = list(dict.fromkeys(wording_of(case.algorithm.model).calculation_references(case)))
    return " ".join([text, *references])


def _legal_bases(case: Case) -> list[Block]:
    items = []
    for basis in case.algorithm.document["legal_bases"]:
        text = basis["title"]
        if basis.get("article"):
            text += f", article {basis['article']}"
        if basis.get("url"):
            text += f" : {basis['url']}"
        items.append(text)
    return [
        *paragraphs("Ces textes autorisent ce traitement et fixent ses règles :"),
        Block(LIST, items=tuple(items)),
    ]


def _protected(case: Case, stated: WhatIfs) -> list[Block]:
    values = case.values
    used = [c for c in case.algorithm.criteria if c.protected_ground and c.code in values]
    if not used:
        return paragraphs(
            "Cet algorithme n'utilise aucune information liée à un motif de "
            "discrimination interdit par la loi."
        )
    found = _decisive(case, used, stated)
    checked = {code for claim in stated.checks for code, _value in claim.changes}
    items = []
    for criterion in used:
        ground = PROTECTED_GROUNDS.get(
            criterion.protected_ground or "", criterion.protected_ground or ""
        )
        items.append(
            f"{criterion.label} (motif : {lower_first(ground)}). Pour vous : "
            f"{value_text(criterion, values[criterion.code])}. "
            f"{_decisive_sentence(case, criterion, found, criterion.code in checked)}"
            f"Pourquoi : {sentence(criterion.justification or '')}"
        )
    return [Block(LIST, items=tuple(items))]


def _decisive(
    case: Case, used: list[CriterionDef], stated: WhatIfs
) -> dict[str, Decisive | None] | None:
    """For each protected criterion, whether it decided the algorithm's result; None when the
    result cannot be computed."""
    model = case.algorithm.model
    if not model.evaluable or case.evaluation is None:
        return None
    criteria = case.algorithm.criteria
    return {c.code: decisive(model, criteria, case.values, c.code, stated.found) for c in used}


DECISIVE_MARK = "a été décisif"
NOT_DECISIVE = "Il n'a pas changé votre résultat. "


def _decisive_sentence(
    case: Case, criterion: CriterionDef, found: dict[str, Decisive | None] | None, checked: bool
) -> str:
    """Said plainly when the criterion decided the result: without it, or with another
    value, the result would have been the other one. `checked`: the what-ifs already give
    that other value and its result, as a datum to check."""
    if found is None:
        return ""
    decided = found.get(criterion.code)
    if decided is None:
        return NOT_DECISIVE
    if checked:
        # A what-if to check gives its other value and the result: not said twice.
        return f"Il {DECISIVE_MARK} pour vous (voyez plus haut). "
    whose = "le résultat de l'algorithme" if case.divergent else "le résultat"
    if decided.without is not None:
        after, how = decided.without, "sans lui"
    else:
        assert decided.other is not None
        after = decided.other.resulting_evaluation
        value = decided.other.changes[0][1]
        how = (
            f"avec la réponse {value_text(criterion, value)}"
            if criterion.type == "boolean"
            else f"avec {value_text(criterion, value)}"
        )
    score = wording_of(case.algorithm.model).result_figure(case, after)
    return (
        f"Il {DECISIVE_MARK} pour vous : {how}, {whose} aurait été : "
        f"{lower_first(after.outcome_label)}{score}. "
    )


def _divergence(case: Case) -> list[Block]:
    replay, evaluation = case.replay, case.evaluation
    expected = (
        evaluation.outcome_label
        if evaluation is not None
        else str(replay.get("expected_outcome", ""))
    )
    texts = [f"Avec vos données, les règles publiées donnent : {lower_first(expected)}"]
    expected_score = replay.get("expected_score")
    if expected_score is not None:
        texts[0] += f", avec {points(Decimal(str(expected_score)))}"
    texts[0] += "."
    declared = case.decision.get("score")
    if (
        expected_score is not None
        and declared is not None
        and Decimal(str(declared)) != Decimal(str(expected_score))
    ):
        texts.append(f"L'administration a indiqué un score de {number(Decimal(str(declared)))}.")
    if replay.get("expected_amount") is not None:
        texts.append(
            f"Elles donnent un montant de {format_amount(Decimal(str(replay['expected_amount'])))}."
        )
    texts.append(f"La décision prise est : {lower_first(case.outcome['label'])}.")
    blocks = [
        Block(NOTICE, "Attention : cette décision ne suit pas le résultat des règles publiées.")
    ]
    if case.fully_automated:
        texts.append(
            "Cet écart peut venir d'une erreur du programme. L'administration en a été "
            "avertie. Vous pouvez vous appuyer sur cet écart pour contester."
        )
        return blocks + paragraphs(" ".join(texts))
    role = upper_first(case.human_role)
    reasons = case.departure_reasons
    if reasons:
        texts.append(f"{role} peut s'écarter du résultat de l'algorithme. Voici ses raisons :")
        return blocks + paragraphs(" ".join(texts), f"« {reasons} »")
    texts.append(
        f"{role} peut s'écarter du résultat de l'algorithme, mais n'a pas donné ses "
        f"raisons. Vous pouvez les demander au service, et signaler cet écart si "
        f"vous contestez."
    )
    return blocks + paragraphs(" ".join(texts))
