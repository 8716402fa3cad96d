"""Voies et délais de recours, with dates computed from the notification, and how to contest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from services.explainer.domain.case import Case
from services.explainer.domain.document import LIST, Block, paragraphs
from services.explainer.domain.wording import CRPA, duration_hours, lower_first, sentence
from shared.deadlines import add_months
from shared.french import format_date

APPEAL_MONTHS = 2  # recours administratif (L411-2) and RAPO, as the registry's appeal block says
COURT_MONTHS = 2  # R421-1 CJA for the tribunal administratif


@dataclass(frozen=True)
class Deadlines:
    """The last day for each step, counted from the day the person received the decision.

    These are safe dates: a délai franc and a last day falling on a holiday only ever give
    one or more days more, never fewer.
    """

    notified_on: date
    appeal_by: date
    court_by: date
    observations_by: date | None

    @classmethod
    def of(cls, case: Case, notified_on: date | None = None) -> Deadlines:
        notified = notified_on or case.decided_on
        days = case.algorithm.appeal.get("observations_days")
        observations = (notified + timedelta(days=int(days))
                        if days and not case.favourable else None)
        return cls(notified, add_months(notified, APPEAL_MONTHS),
                   add_months(notified, COURT_MONTHS), observations)


def _is_administrative_court(court: str) -> bool:
    return "administratif" in court.lower()


def recourse_blocks(case: Case, deadlines: Deadlines) -> list[Block]:
    appeal, service = case.algorithm.appeal, case.algorithm.service
    court = appeal.get("court") or "le tribunal administratif"
    authority = appeal.get("authority") or service["name"]
    texts = [f"Les délais courent à partir du jour où vous avez reçu cette décision. Nous les "
             f"calculons à partir du {format_date(deadlines.notified_on)}, date de la décision. "
             f"Si vous l'avez reçue plus tard, vos délais finissent plus tard."]
    if deadlines.observations_by is not None:
        texts.append(f"Vous pouvez présenter vos observations, par écrit ou à l'oral, dans un "
                     f"délai de {appeal['observations_days']} jours, soit au plus tard le "
                     f"{format_date(deadlines.observations_by)} (articles L121-1 et L122-1 du "
                     f"{CRPA}).")
    if appeal.get("mandatory_prior_appeal"):
        texts += [
            f"Avant d'aller devant le juge, vous devez d'abord faire un recours auprès de "
            f"l'administration. C'est obligatoire : on parle de recours administratif préalable "
            f"obligatoire (RAPO). Adressez-le à : {authority}. Faites-le dans les "
            f"{APPEAL_MONTHS} mois, soit au plus tard le {format_date(deadlines.appeal_by)}. Si "
            f"vous allez devant le juge sans l'avoir fait, votre demande sera rejetée (articles "
            f"L412-1 et suivants du {CRPA}).",
            f"Sans réponse dans les 2 mois, votre recours est considéré comme rejeté (article "
            f"L231-4 du même code). La décision prise sur votre recours remplace cette "
            f"décision. Ensuite, le juge compétent est : {court}. Vous aurez 2 mois pour le "
            f"saisir, après la réponse ou le rejet.",
        ]
    else:
        texts += [
            f"Vous pouvez demander à l'administration de revoir sa décision. Écrivez à : "
            f"{authority}. C'est un recours gracieux. Vous pouvez aussi écrire au supérieur de "
            f"l'auteur de la décision : c'est un recours hiérarchique. Faites-le dans les "
            f"{APPEAL_MONTHS} mois, soit au plus tard le {format_date(deadlines.appeal_by)}.",
            f"Ce recours interrompt le délai pour aller devant le juge (article L411-2 du "
            f"{CRPA}). Un nouveau délai de 2 mois commence à la réponse. Sans réponse dans les "
            f"2 mois, votre recours est considéré comme rejeté (article L231-4 du même code).",
        ]
        direct = (f"Vous pouvez aussi aller directement devant le juge. Le juge compétent est : "
                  f"{court}. Vous avez {COURT_MONTHS} mois pour le saisir, soit au plus tard le "
                  f"{format_date(deadlines.court_by)}.")
        if _is_administrative_court(court):
            direct += (" C'est l'article R421-1 du code de justice administrative. Vous pouvez "
                       "le faire en ligne, sur le site Télérecours citoyens : "
                       "https://citoyens.telerecours.fr.")
        texts.append(direct)
    return paragraphs(*texts)


def recourse_legal(case: Case) -> str:
    appeal = case.algorithm.appeal
    articles = ("L412-1 et L231-4" if appeal.get("mandatory_prior_appeal")
                else "L411-2 et L231-4")
    texts = [f"articles {articles} du {CRPA}"]
    if _is_administrative_court(appeal.get("court") or "tribunal administratif"):
        texts.append("articles R421-1 et R421-5 du code de justice administrative")
    if appeal.get("legal_reference"):
        texts.append(f"indiqué par l'administration : {appeal['legal_reference']}")
    return f"Textes : {' ; '.join(texts)}."


def contest_blocks(case: Case) -> list[Block]:
    service = case.algorithm.service
    blocks = paragraphs("Vous pouvez contester cette décision par le moyen de votre choix. Ils "
                        "ont tous la même valeur :")
    blocks.append(Block(LIST, items=(
        f"En ligne : {case.contest_url}",
        f"Par courrier : {service['name']}, {service['address']}",
        f"Par téléphone : {service['phone']}",
        f"Par courriel : {service['email']}",
        f"Au guichet : {service['address']}",
    )))
    human = ("Une personne examinera votre contestation. Un algorithme ne peut pas décider seul "
             "d'un recours (article 47 de la loi Informatique et Libertés).")
    hours = case.algorithm.appeal.get("internal_deadline_hours")
    if hours:
        human += (f" Le service responsable s'engage à l'examiner dans un délai de "
                  f"{duration_hours(int(hours))}.")
    texts = [f"Donnez votre référence : {case.reference}. Dites ce qui vous semble faux. "
             f"Joignez vos justificatifs si vous en avez.", human]
    if case.fully_automated:
        texts.append("Vous avez aussi le droit de donner votre point de vue et d'obtenir "
                     "qu'une personne intervienne (article 22 du règlement général sur la "
                     "protection des données, le RGPD).")
    texts.append(sentence("Vous pouvez vous faire aider par une association, ou par le "
                          "Défenseur des droits : www.defenseurdesdroits.fr. C'est gratuit"))
    return blocks + paragraphs(*texts)


# --- Provisional: the `routes` branch (issue 13) replaces what follows with the route model's
# own `next_step`, with this signature and meaning (see the interface between issues 12 and 13).

# While this file's appeal sections are the provisional ones, the whole main view is not held
# to its 700 words (tests/unit/explainer/test_essential_and_notices.py).
PROVISIONAL = True


@dataclass(frozen=True)
class NextStep:
    """What the person can do next, for « L'essentiel »: plain words, no article number."""

    text: str  # one or two plain sentences
    deadline: date | None  # the last day to do it (None when no delay applies)
    past: bool  # True when `today` is after `deadline`
    if_past: str | None  # when past: what the person can still do, plainly
    contact: str  # who to call or where to go


def next_step(case: Case, today: date) -> NextStep:
    """The first step the registry's appeal block offers, dated from the decision.

    The notification date is not known here: the delay is counted from the decision date,
    which can only make the deadline earlier than the real one. So a deadline shown as past
    says that a later receipt gives more time.
    """
    service = case.algorithm.service
    contact = f"{service['phone']}, {lower_first(service['name'])}"
    if case.favourable:
        return NextStep("Cette décision vous est favorable : vous n'avez rien à faire.", None,
                        False, None, contact)
    deadline = Deadlines.of(case).appeal_by
    if case.algorithm.appeal.get("mandatory_prior_appeal"):
        text = ("Pour contester, écrivez d'abord à l'administration : c'est obligatoire avant "
                "d'aller devant le juge.")
    else:
        text = ("Vous pouvez demander par écrit au service de revoir cette décision : c'est un "
                "recours gracieux.")
    past = today > deadline
    if_past = (f"Si vous avez reçu la décision après le {format_date(case.decided_on)}, il "
               f"n'est peut-être pas dépassé : appelez le service." if past else None)
    return NextStep(text, deadline, past, if_past, contact)
