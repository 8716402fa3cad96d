"""The letters to the person, written once: shown on screen, e-mailed, printed as PDF.

Every letter is a real letter: the sender, the addressee block for the post, the place and
date, one plain sentence that says what happens, the next step with its date, the voies et
délais of the new situation, who signs (first name, name, quality, delegation: CRPA L212-1),
and a person to contact. The acknowledgement carries what R112-5 CRPA lists (date of
receipt, date at which silence means rejection, the service's name, address, e-mail and
phone, the voies et délais) and tells the truth about timeliness. The route sentences come
from `shared.routes.wording`, as on the explanation page and the contest form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from services.appeals.domain.deadlines import Deadlines
from services.appeals.domain.routing import Routing
from services.appeals.domain.rules import AMENDED, ANNULLED, MAINTAINED, Ground
from shared.deadlines import add_months
from shared.french import PARIS, format_amount, format_date, format_datetime, format_value
from shared.routes import GRACIEUX, HIERARCHIQUE, OBSERVATIONS, PREALABLE, SIGNALEMENT
from shared.routes.wording import (
    after_review_sentence,
    court_sentence,
    court_texts,
    filed_sentence,
    follow_up_sentence,
    interruption_sentence,
    late_answer_sentence,
    late_start_sentence,
    oral_sentence,
    preparatory_sentences,
    silence_sentence,
    texts_of,
    to,
    upper_first,
)

NOUNS = {OBSERVATIONS: "vos observations", SIGNALEMENT: "votre signalement"}


def noun(kind: str) -> str:
    return NOUNS.get(kind, "votre recours")


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Letter:
    title: str
    sender: tuple[str, ...]  # the service, as on letterhead
    addressee: tuple[str, ...]  # for the window of an envelope
    place_date: str  # « Ville-Exemple, le 2 novembre 2026 »
    reference: str  # « Dossier R-… — décision D-… »
    summary: str  # what happens, in one plain sentence
    sections: tuple[Section, ...]
    signature: tuple[str, ...]  # delegation, first name and name, quality
    contact: str

    def text(self) -> str:
        """The letter as a plain-text e-mail."""
        lines = [
            *self.sender,
            "",
            *self.addressee,
            "",
            self.place_date,
            self.reference,
            "",
            self.title,
            "=" * len(self.title),
            "",
            self.summary,
            "",
        ]
        for section in self.sections:
            lines += [section.heading, "-" * len(section.heading)]
            lines += [*section.paragraphs]
            lines += [f"{label} : {value}" for label, value in section.facts]
            lines += [f"- {item}" for item in section.bullets]
            lines.append("")
        lines += [*self.signature, "", self.contact]
        return "\n".join(lines)

    def word_count(self) -> int:
        return len(self.text().split())


@dataclass(frozen=True)
class Signer:
    """The agent who signs (CRPA L212-1: first name, name and quality, legibly)."""

    first_name: str
    last_name: str
    quality: str
    delegation: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class Case:
    """What every letter about one contestation needs to know."""

    appeal_id: str
    reference: str
    decision_label: str
    decided_at: datetime
    service: Mapping[str, str]  # the registry's responsible_service, frozen at filing
    routing: Routing
    deadlines: Deadlines
    grounds: Sequence[Ground]
    attachment_names: Sequence[str]
    page_url: str
    criterion_labels: Mapping[str, str]
    channel: str = "online"
    criterion_units: Mapping[str, str] = field(default_factory=dict)
    filed_on: date | None = None  # the date that counts: the postmark for a letter
    postmarked_on: date | None = None
    in_time: bool | None = None
    written: bool = True
    postal_address: str | None = None
    email: str | None = None

    @property
    def kind(self) -> str:
        return self.routing.kind


def place_of(address: str) -> str:
    """The town of a French address: what follows the postcode."""
    found = re.search(r"\b\d{5}\s+([^,]+)$", address.strip())
    return found.group(1).strip() if found else address.split(",")[-1].strip()


def _sender(service: Mapping[str, str]) -> tuple[str, ...]:
    return (
        service.get("name", ""),
        *[p.strip() for p in service.get("address", "").split(",")],
        f"Téléphone : {service.get('phone', '')}",
        f"Courriel : {service.get('email', '')}",
    )


def _addressee(case: Case) -> tuple[str, ...]:
    if case.postal_address:
        return tuple(
            line.strip() for line in re.split(r"[\n,]", case.postal_address) if line.strip()
        )
    return (f"Par courriel : {case.email}",) if case.email else ("À remettre en main propre",)


def _place_date(case: Case, day: date) -> str:
    return f"{place_of(case.service.get('address', ''))}, le {format_date(day)}"


def _reference(case: Case) -> str:
    return f"Dossier {case.appeal_id} — décision {case.reference}"


def _service_facts(service: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return (
        ("Service", service.get("name", "")),
        ("Adresse", service.get("address", "")),
        ("Courriel", service.get("email", "")),
        ("Téléphone", service.get("phone", "")),
    )


def _contact(service: Mapping[str, str]) -> str:
    return (
        f"Une question ? Appelez le {service.get('phone', '')} ou écrivez à "
        f"{service.get('email', '')}. Une personne du service vous répondra."
    )


def _ground_line(
    ground: Ground, labels: Mapping[str, str], units: Mapping[str, str] | None = None
) -> str:
    if ground.kind == "criterion":
        code = ground.criterion or ""
        label = labels.get(code, code)
        claimed = (
            ""
            if ground.claimed_value is None
            else f" (valeur exacte selon vous : "
            f"{format_value(ground.claimed_value, (units or {}).get(code))})"
        )
        return f"{label}{claimed} : {ground.text}".strip()
    if ground.kind == "account":
        return f"Votre point de vue : {ground.text}"
    return ground.text


def _written(case: Case, ground: Ground) -> str:
    return _ground_line(ground, case.criterion_labels, case.criterion_units)


def _received_on(case: Case) -> date:
    return case.deadlines.received_at.astimezone(PARIS).date()


def acknowledgement(case: Case) -> Letter:
    routing, deadlines = case.routing, case.deadlines
    received = format_datetime(deadlines.received_at)
    what = (
        f"Nous avons bien reçu {noun(case.kind)} le {received}. Il concerne la décision "
        f"«\u00a0{case.decision_label}\u00a0» du {format_date(case.decided_at)}."
    )
    filed = _what_you_filed(case)
    timing: list[tuple[str, str]] = [("Date de réception", received)]
    if case.postmarked_on is not None:
        timing.append(
            (
                "Date du cachet de la poste",
                f"{format_date(case.postmarked_on)} : c'est cette date qui compte pour le délai",
            )
        )
    rights: list[str] = []
    if case.kind == SIGNALEMENT:
        answer_by = deadlines.legal_due_at.astimezone(PARIS).date() - timedelta(days=1)
        timing.append(("Notre réponse", f"au plus tard le {format_date(answer_by)}"))
        rights += _after_preparatory(routing)
    elif case.kind == OBSERVATIONS:
        assert deadlines.measure_final_on is not None
        timing.append(
            (
                "La mesure ne deviendra pas définitive avant",
                f"la fin du {format_date(deadlines.measure_final_on)}",
            )
        )
        rights.append(interruption_sentence(_route(case), True))
        rights.append(court_sentence(routing.court, None))
    else:
        assert deadlines.implicit_rejection_on is not None
        timing.append(
            (
                "Si nous ne répondons pas",
                silence_sentence(
                    _route(case), deadlines.implicit_rejection_on, case.in_time is not False
                ),
            )
        )
        if case.in_time is not None:
            timing.append(
                (
                    "Délai pour faire ce recours",
                    ("respecté" if case.in_time else "dépassé")
                    + (
                        f" (il finissait le {format_date(routing.last_day)})"
                        if routing.last_day
                        else ""
                    ),
                )
            )
        oral = not case.written and not routing.oral_filing_counts
        rights.append(interruption_sentence(_route(case), case.in_time is not False, oral))
        if case.in_time is False and (counted := late_start_sentence(routing.start)):
            rights.append(counted)
        rights.append(court_sentence(routing.court, None))
    if deadlines.internal_due_at is not None:
        timing.append(
            (
                "Notre objectif",
                "un premier examen de votre dossier par un agent avant "
                f"le {format_datetime(deadlines.internal_due_at)}",
            )
        )
    written = [_written(case, g) for g in case.grounds]
    written += [f"Pièce jointe : {name}" for name in case.attachment_names]
    sections = (
        Section("Votre demande", (what, *filed)),
        Section("Les délais", facts=tuple(timing)),
        Section("Vos droits et les délais de recours", tuple(rights)),
        Section("Le service qui traite votre dossier", facts=_service_facts(case.service)),
        Section("Ce que vous nous avez écrit", bullets=tuple(written)),
        Section("Textes", (_texts(case),)),
        Section("Suivre votre dossier", (f"Page de votre dossier : {case.page_url}",)),
    )
    summary = (
        "Un agent va examiner votre demande. Aucun algorithme ne décidera seul de la suite donnée."
    )
    return Letter(
        f"Accusé de réception de {noun(case.kind)}",
        _sender(case.service),
        _addressee(case),
        _place_date(case, _received_on(case)),
        _reference(case),
        summary,
        sections,
        (case.service.get("name", ""),),
        _contact(case.service),
    )


def _route(case: Case) -> Any:
    assert case.routing.route is not None
    return case.routing.route


def _what_you_filed(case: Case) -> list[str]:
    """What was filed, to whom; how it was made, and what the person must do to keep the
    delay (an oral recours is hard to prove)."""
    routing = case.routing
    if case.kind == SIGNALEMENT:
        assert routing.preparatory is not None
        sentences = [
            f"Vous nous signalez une information fausse. Ce n'est pas un recours : le "
            f"choix de votre dossier pour {routing.preparatory.follows} ne peut pas "
            f"être contesté. Une personne va vérifier ce que vous dites."
        ]
    else:
        sentences = [filed_sentence(_route(case))]
    if (
        not case.written
        and not routing.oral_filing_counts
        and routing.route is not None
        and routing.route.is_recours
        and case.in_time is not False
    ):
        sentences.append(oral_sentence(routing.last_day))
    return sentences


def _after_preparatory(routing: Routing) -> list[str]:
    """A preparatory measure: not contestable; how the decision that follows is."""
    assert routing.preparatory is not None
    sentences = preparatory_sentences(routing.preparatory)
    if routing.result_route is not None:
        sentences.append(follow_up_sentence(routing.result_route))
    return [*sentences, court_sentence(routing.court, None)]


def _texts(case: Case) -> str:
    texts: list[str] = []
    if case.routing.route is not None:
        texts += texts_of(case.routing.route)
    texts += [t for t in court_texts(case.routing.court) if t not in texts]
    if case.kind == SIGNALEMENT:
        texts.append("articles 12 et 16 du règlement général sur la protection des données")
    texts.append(
        "article L112-3 du code des relations entre le public et l'administration "
        "(accusé de réception)"
    )
    return f"{upper_first(' ; '.join(texts))}."


@dataclass(frozen=True)
class Outcome:
    result: str
    facts: str
    law: str
    answers: Mapping[str, str]
    decided_at: datetime
    main_reason: str = ""
    original_favourable: bool = False
    changed: bool = False  # the result is another outcome than the contested decision's
    new_label: str | None = None
    new_favourable: bool | None = None
    new_amount: Any = None
    new_reference: str | None = None
    corrections: Mapping[str, tuple[Any, Any]] | None = None
    signer: Signer | None = None
    validator: Signer | None = None  # the second agent who confirmed (four eyes)
    body: str | None = None  # the body that decided a mandatory prior appeal
    deliberated_on: date | None = None
    reexamine_by: date | None = None


def outcome_title(result: str, changed: bool) -> str:
    """« Modifiée » only when the result changed."""
    if result == MAINTAINED:
        return "Décision maintenue"
    if result == ANNULLED:
        return "Décision annulée"
    return "Décision modifiée" if changed else "Données corrigées, résultat inchangé"


def outcome_sentence(case: Case, outcome: Outcome) -> str:
    """What happens, in one plain sentence."""
    initial = f"la décision du {format_date(case.decided_at)}"
    reason = _reason(outcome.main_reason)
    if case.kind == SIGNALEMENT and case.routing.preparatory is not None:
        follows = case.routing.preparatory.follows
        if _dropped(outcome):
            return f"Votre dossier n'est plus retenu pour {follows}{reason}."
        corrected = "Des données ont été corrigées, mais l" if outcome.result == AMENDED else "L"
        return f"{corrected}e choix de votre dossier pour {follows} est maintenu{reason}."
    if outcome.result == ANNULLED:
        assert outcome.reexamine_by is not None
        return (
            f"{upper_first(initial)} est annulée : votre demande sera examinée à nouveau, "
            f"et vous recevrez une nouvelle décision au plus tard le "
            f"{format_date(outcome.reexamine_by)}."
        )
    if outcome.result == AMENDED and outcome.changed:
        label = (outcome.new_label or "").rstrip(".")
        if outcome.new_favourable:
            amount = (
                f", d'un montant de {format_amount(outcome.new_amount)}"
                if outcome.new_amount
                else ""
            )
            return f"Votre demande est acceptée : {label[:1].lower()}{label[1:]}{amount}."
        return f"La décision change : {label[:1].lower()}{label[1:]}{reason}."
    corrected = "Des données ont été corrigées, mais " if outcome.result == AMENDED else ""
    if not outcome.original_favourable:
        text = f"{corrected}votre demande reste refusée{reason}."
    else:
        text = f"{corrected}la décision ne change pas{reason}."
    return upper_first(text)


def _reason(main_reason: str) -> str:
    text = main_reason.strip().rstrip(".")
    if not text:
        return ""
    if text.lower().startswith(("parce que", "car ")):
        return f", {text[:1].lower()}{text[1:]}"
    return f", parce que {text[:1].lower()}{text[1:]}"


def _dropped(outcome: Outcome) -> bool:
    """A signalement that ends the selection: annulled, or data corrected so that the model
    gives the other outcome (the new decision then says « non retenu »)."""
    return outcome.result == ANNULLED or (outcome.result == AMENDED and outcome.changed)


def _late_recours(case: Case) -> bool:
    """A recours gracieux or hiérarchique filed after the court delay: it conserved nothing,
    so its answer opens no new delay for the court (L411-2 CRPA)."""
    return case.in_time is False and case.kind in (GRACIEUX, HIERARCHIQUE)


def _next_steps(case: Case, outcome: Outcome) -> tuple[str, ...]:
    if case.kind == SIGNALEMENT:
        assert case.routing.preparatory is not None
        if _dropped(outcome):
            text = "Vous n'avez aucune pièce à envoyer pour ce contrôle."
            if outcome.result == AMENDED:
                text += " " + _new_decision(case, outcome, "le choix de votre dossier")
            return (text,)
        return (
            "Le contrôle aura lieu. Envoyez les pièces que la caisse vous demandera : "
            "elle les examinera avant toute décision.",
        )
    if outcome.result == ANNULLED:
        assert outcome.reexamine_by is not None
        return (
            f"Le service examinera votre demande à nouveau. Vous recevrez une nouvelle "
            f"décision au plus tard le {format_date(outcome.reexamine_by)}. Elle aura sa "
            f"propre explication.",
        )
    if outcome.result == AMENDED:
        return (_new_decision(case, outcome, "la décision contestée"),)
    if _late_recours(case):
        return ("La décision contestée reste en vigueur.",)
    court = case.routing.court
    last_day = add_months(outcome.decided_at.astimezone(PARIS).date(), court.months)
    return (
        f"La décision contestée reste en vigueur. Si vous voulez aller devant le juge, "
        f"faites-le au plus tard le {format_date(last_day)} : c'est {court.months} mois "
        f"après cette lettre. Si vous l'avez reçue plus tard, vous avez plus de temps.",
    )


def _new_decision(case: Case, outcome: Outcome, replaced: str) -> str:
    """Where the decision that replaces `replaced` is explained."""
    text = (
        f"Une nouvelle décision remplace {replaced}. Elle a sa propre explication, que "
        f"vous pouvez lire depuis la page de votre dossier : {case.page_url}"
    )
    if outcome.new_reference:
        text += f" (référence de la nouvelle décision : {outcome.new_reference})"
    return f"{text}."


def _who_decided(case: Case, outcome: Outcome) -> str:
    decided = format_date(outcome.decided_at)
    signer = outcome.signer
    by = f"{signer.full_name}, {signer.quality}" if signer else "un agent du service"
    if outcome.body and outcome.deliberated_on:
        return (
            f"{upper_first(outcome.body)} a pris cette décision lors de sa séance du "
            f"{format_date(outcome.deliberated_on)}. Le dossier a été préparé par {by}."
        )
    text = f"Cette décision a été prise le {decided} par {by}, après examen de votre dossier."
    if outcome.validator is not None:
        text += (
            f" {outcome.validator.full_name}, {outcome.validator.quality}, a examiné le "
            f"dossier à son tour et l'a confirmée."
        )
    return text


def _signature(case: Case, outcome: Outcome) -> tuple[str, ...]:
    signer = outcome.signer
    if signer is None:
        return (case.service.get("name", ""),)
    lines = []
    if outcome.body and outcome.deliberated_on:
        lines.append(f"Pour {outcome.body}")
    if signer.delegation:
        lines.append(signer.delegation)
    return (*lines, signer.full_name, signer.quality)


def decision_letter(case: Case, outcome: Outcome) -> Letter:
    sections = [Section("Ce qui va se passer", _next_steps(case, outcome))]
    if outcome.corrections:
        sections.append(
            Section(
                "Les données corrigées",
                bullets=tuple(
                    f"{case.criterion_labels.get(code, code)} : "
                    f"{format_value(before, case.criterion_units.get(code))} devient "
                    f"{format_value(after, case.criterion_units.get(code))}"
                    for code, (before, after) in outcome.corrections.items()
                ),
            )
        )
    sections += [
        Section("Les faits", (outcome.facts,)),
        Section("Le droit", (outcome.law,)),
        Section(
            "Nos réponses à ce que vous avez écrit",
            bullets=tuple(
                f"Vous avez écrit : {_written(case, g)} Notre réponse : "
                f"{outcome.answers.get(g.id, '')}"
                for g in case.grounds
            ),
        ),
        Section("Si vous n'êtes pas d'accord", _rights_after(case, outcome)),
        Section("Qui a décidé", (_who_decided(case, outcome),)),
        Section("Textes", (_texts_after(case),)),
    ]
    result = outcome_title(outcome.result, outcome.changed)
    title = (
        f"Réponse à {noun(case.kind)}"
        if case.kind == SIGNALEMENT
        else f"Réponse à {noun(case.kind)} : {result[:1].lower()}{result[1:]}"
    )
    return Letter(
        title,
        _sender(case.service),
        _addressee(case),
        _place_date(case, outcome.decided_at.astimezone(PARIS).date()),
        _reference(case),
        outcome_sentence(case, outcome),
        tuple(sections),
        _signature(case, outcome),
        _contact(case.service),
    )


def _rights_after(case: Case, outcome: Outcome) -> tuple[str, ...]:
    """The voies et délais of the new situation."""
    routing = case.routing
    if case.kind == SIGNALEMENT:
        if _dropped(outcome):
            return ("Votre dossier n'étant plus retenu, il n'y a rien à contester.",)
        return tuple(_after_preparatory(routing)[2:])
    if outcome.result == ANNULLED:
        # The annulment grants what was asked; the new decision states its own voies et
        # délais (R421-5 CJA), and it is that decision the person may contest.
        return ("La nouvelle décision vous dira comment la contester et dans quel délai.",)
    if _late_recours(case) and outcome.result == MAINTAINED:
        return (late_answer_sentence(routing.start), f"Le juge compétent est {routing.court.name}.")
    if case.kind == OBSERVATIONS:
        court = routing.court
        return (
            f"Quand la mesure sera définitive, vous pourrez la contester : d'abord par un "
            f"recours {to(_route(case).authority)}, ou directement devant {court.name}, "
            f"dans les {court.months} mois après l'avoir reçue.",
        )
    return (after_review_sentence(routing.court, _route(case)),)


def _texts_after(case: Case) -> str:
    texts = [
        "article L211-5 du code des relations entre le public et l'administration (motivation)",
        "article L212-1 du même code (signature)",
    ]
    if case.routing.route is not None and case.routing.route.kind == PREALABLE:
        texts.append(
            "article L412-7 du même code (la décision sur votre recours remplace la "
            "décision contestée)"
        )
    texts += court_texts(case.routing.court)
    return f"{upper_first(' ; '.join(texts))}."


__all__ = [
    "Case",
    "Letter",
    "Outcome",
    "Section",
    "Signer",
    "acknowledgement",
    "decision_letter",
    "noun",
    "outcome_sentence",
    "outcome_title",
    "place_of",
]
