"""The letters to the person, written once: shown on screen, e-mailed, printed as PDF.

The acknowledgement carries what R112-5 of the CRPA lists (date of receipt, date at which
silence means rejection, the service's name, address, e-mail and phone) and the voies et
délais; the decision letter states its facts and law (L211-5), answers each ground, and says
how to go to court. Texts cite articles; they paraphrase, never quote.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.appeals.domain.deadlines import OBSERVATIONS, AppealPolicy, Deadlines
from services.appeals.domain.rules import AMENDED, ANNULLED, MAINTAINED, Ground
from shared.french import format_date, format_datetime, format_value

CRPA = "code des relations entre le public et l'administration"
KIND_NOUN = {"recours": "votre recours", OBSERVATIONS: "vos observations"}
OUTCOME_WORDS = {MAINTAINED: "maintenue", AMENDED: "modifiée", ANNULLED: "annulée"}


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Letter:
    title: str
    header: tuple[str, ...]
    sections: tuple[Section, ...]
    footer: str

    def text(self) -> str:
        """The letter as a plain-text e-mail."""
        lines = [self.title, "=" * len(self.title), ""]
        for section in self.sections:
            lines += [section.heading, "-" * len(section.heading)]
            lines += [*section.paragraphs]
            lines += [f"{label} : {value}" for label, value in section.facts]
            lines += [f"- {item}" for item in section.bullets]
            lines.append("")
        lines.append(self.footer)
        return "\n".join(lines)


@dataclass(frozen=True)
class Case:
    """What every letter about one appeal needs to know."""

    appeal_id: str
    kind: str
    reference: str
    decision_label: str
    decided_at: datetime
    service: Mapping[str, str]  # the registry's responsible_service, frozen at filing
    policy: AppealPolicy
    deadlines: Deadlines
    grounds: Sequence[Ground]
    attachment_names: Sequence[str]
    page_url: str
    criterion_labels: Mapping[str, str]


def _service_facts(service: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return (("Service", service.get("name", "")), ("Adresse", service.get("address", "")),
            ("Courriel", service.get("email", "")), ("Téléphone", service.get("phone", "")))


def _court(policy: AppealPolicy) -> str:
    return policy.court or "le tribunal administratif dont relève votre domicile"


def _ground_line(ground: Ground, labels: Mapping[str, str]) -> str:
    if ground.kind == "criterion":
        label = labels.get(ground.criterion or "", ground.criterion or "")
        claimed = ("" if ground.claimed_value is None
                   else f" (valeur exacte selon vous : {format_value(ground.claimed_value)})")
        return f"{label}{claimed} : {ground.text}".strip()
    if ground.kind == "account":
        return f"Votre point de vue : {ground.text}"
    return ground.text


def acknowledgement(case: Case) -> Letter:
    noun = KIND_NOUN[case.kind]
    deadlines = case.deadlines
    received = format_datetime(deadlines.received_at)
    opening = (f"Nous avons reçu {noun} le {received}. Il concerne la décision "
               f"« {case.decision_label} » du {format_date(case.decided_at)} "
               f"(référence {case.reference}).")
    human = ("Un agent du service va examiner votre dossier. Aucun algorithme ne décidera "
             "seul de la suite donnée à votre demande.")
    timing: list[tuple[str, str]] = [("Date de réception", received)]
    rights: list[str] = []
    if case.kind == OBSERVATIONS:
        assert deadlines.measure_final_on is not None
        timing.append(("La mesure ne deviendra pas définitive avant",
                       f"la fin du {format_date(deadlines.measure_final_on)}"))
        rights.append("Avant une décision défavorable prise en raison de votre situation, vous "
                      f"pouvez présenter vos observations (articles L121-1 et L122-1 du {CRPA}).")
    else:
        assert deadlines.implicit_rejection_on is not None
        timing.append(("Sans réponse de notre part",
                       f"votre recours sera considéré comme rejeté le "
                       f"{format_date(deadlines.implicit_rejection_on)} (rejet implicite, "
                       f"article L231-4 du {CRPA})"))
        rights.append("Ce recours interrompt le délai pour saisir le juge. Un nouveau délai de "
                      "deux mois commencera à la réponse à votre recours, ou à la date du rejet "
                      f"implicite (article L411-2 du {CRPA}).")
        rights.append("Si votre recours est rejeté, vous pourrez saisir le juge dans un délai "
                      f"de deux mois. Juridiction compétente : {_court(case.policy)}.")
    if deadlines.internal_due_at is not None:
        timing.append(("Notre objectif", "un premier examen de votre dossier par un agent avant "
                       f"le {format_datetime(deadlines.internal_due_at)}"))
    if case.policy.mandatory_prior_appeal:
        rights.append("Ce recours préalable est obligatoire avant toute action devant le juge "
                      f"(articles L412-1 et suivants du {CRPA}). La décision prise sur votre "
                      "recours remplacera la décision initiale.")
    if case.policy.legal_reference:
        rights.append(f"Textes applicables : {case.policy.legal_reference}.")
    written = [_ground_line(g, case.criterion_labels) for g in case.grounds]
    written += [f"Pièce jointe : {name}" for name in case.attachment_names]
    sections = (
        Section("Nous avons bien reçu votre demande", (opening, human)),
        Section("Les délais", facts=tuple(timing)),
        Section("Le service qui traite votre dossier", facts=_service_facts(case.service)),
        Section("Vos droits et les délais de recours", tuple(rights)),
        Section("Ce que vous nous avez écrit", bullets=tuple(written)),
        Section("Suivre votre dossier", (f"Page de votre dossier : {case.page_url}",)),
    )
    title = ("Accusé de réception de vos observations" if case.kind == OBSERVATIONS
             else "Accusé de réception de votre recours")
    return Letter(title, _header(case), sections, _footer(case))


@dataclass(frozen=True)
class Outcome:
    result: str
    facts: str
    law: str
    answers: Mapping[str, str]
    decided_at: datetime
    new_label: str | None = None
    new_reference: str | None = None
    corrections: Mapping[str, tuple[Any, Any]] | None = None


def decision_letter(case: Case, outcome: Outcome) -> Letter:
    decided = format_date(outcome.decided_at)
    initial = f"« {case.decision_label} » du {format_date(case.decided_at)}"
    if outcome.result == MAINTAINED:
        summary = f"La décision {initial} est maintenue."
    elif outcome.result == ANNULLED:
        summary = f"La décision {initial} est annulée."
    else:
        summary = (f"La décision {initial} est modifiée. La nouvelle décision est : "
                   f"« {outcome.new_label} ».")
        if outcome.new_reference:
            summary += f" Sa référence est {outcome.new_reference}."
    examined = (f"Un agent du service a examiné votre dossier et a pris cette décision le "
                f"{decided}.")
    sections = [Section("La décision sur " + KIND_NOUN[case.kind], (summary, examined))]
    if outcome.corrections:
        sections.append(Section("Les données corrigées", bullets=tuple(
            f"{case.criterion_labels.get(code, code)} : {format_value(before)} devient "
            f"{format_value(after)}" for code, (before, after) in outcome.corrections.items())))
    sections += [
        Section("Les faits", (outcome.facts,)),
        Section("Le droit", (outcome.law,)),
        Section("Nos réponses à ce que vous avez écrit", facts=tuple(
            (_ground_line(g, case.criterion_labels), outcome.answers.get(g.id, ""))
            for g in case.grounds)),
        Section("Contester cette décision", _court_rights(case, outcome)),
        Section("Le service qui a traité votre dossier", facts=_service_facts(case.service)),
    ]
    return Letter("Décision sur " + KIND_NOUN[case.kind], _header(case), tuple(sections),
                  _footer(case))


def _court_rights(case: Case, outcome: Outcome) -> tuple[str, ...]:
    rights = ["Vous pouvez contester cette décision devant le juge, dans un délai de deux mois "
              "à compter du jour où vous la recevez. Juridiction compétente : "
              f"{_court(case.policy)}."]
    if case.policy.mandatory_prior_appeal:
        rights.append("Cette décision remplace la décision initiale : c'est elle que vous "
                      "pouvez contester devant le juge.")
    if case.policy.legal_reference:
        rights.append(f"Textes applicables : {case.policy.legal_reference}.")
    if outcome.result == AMENDED:
        rights.append("La nouvelle décision a sa propre explication, que vous pouvez lire "
                      f"depuis la page de votre dossier : {case.page_url}")
    return tuple(rights)


def _header(case: Case) -> tuple[str, ...]:
    return (case.service.get("name", ""), case.service.get("address", ""),
            f"Dossier {case.appeal_id} — décision {case.reference}")


def _footer(case: Case) -> str:
    return f"{case.service.get('name', '')} — dossier {case.appeal_id}"
