"""« Vos recours et vos délais », « Comment contester cette décision », and the next step.

Everything here reads the registry's route model (`shared.routes`) and dates it from the day
the person received the decision, so that the explanation says what the contest form, the
acknowledgement and the letters say. The functions take the reading date (`today`): a
deadline read after it passed is shown as past, with what the person can still do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.explainer.domain.case import Case
from services.explainer.domain.document import LIST, NOTICE, Block, paragraphs
from services.explainer.domain.wording import duration_hours, sentence
from shared.deadlines import add_months
from shared.french import format_date
from shared.routes import OBSERVATIONS, PREALABLE, DatedRoute, Plan, Start, plan
from shared.routes import is_review_outcome as _is_review_outcome
from shared.routes.wording import (
    after_review_sentence,
    court_sentence,
    court_texts,
    late_consequence,
    preparatory_sentences,
    route_sentence,
    start_sentence,
    texts_of,
    to,
    upper_first,
)


def start_of(case: Case) -> Start:
    """From the notification date when the back office gave it, else the decision date."""
    return Start.of(case.decided_on, case.notified_on)


def plan_of(case: Case) -> Plan:
    return plan(case.recourse, start_of(case))


def is_review_outcome(case: Case) -> bool:
    """This decision was taken on a recours (appeals' revised decision)."""
    return bool(case.decision.get("supersedes")) and \
        _is_review_outcome(str(case.decision["decision_id"]))


@dataclass(frozen=True)
class Deadlines:
    """The dates a custom template may print (`template_context`): the start, the first
    recours, the court and the observations, with the day they were computed for."""

    notified_on: date
    appeal_by: date | None
    court_by: date | None
    observations_by: date | None

    @classmethod
    def of(cls, case: Case, notified_on: date | None = None) -> Deadlines:
        start = Start(notified_on, True) if notified_on else start_of(case)
        dated = plan(case.recourse, start)
        first = dated.first_recours
        observations = dated.dated(OBSERVATIONS)
        return cls(start.day, first.last_day if first else None, dated.court_last_day,
                   observations.last_day if observations and not case.favourable else None)


def _past_notice(dated: DatedRoute) -> Block:
    assert dated.last_day is not None
    return Block(NOTICE, f"Ce délai a pris fin le {format_date(dated.last_day)}. "
                         f"{upper_first(late_consequence(dated.route))}")


def recourse_blocks(case: Case, today: date) -> list[Block]:
    """« Vos recours et vos délais », as read on `today`."""
    recourse, dated_plan = case.recourse, plan_of(case)
    if not recourse.contestable:
        assert recourse.preparatory is not None
        blocks = paragraphs(*preparatory_sentences(recourse.preparatory))
        blocks += paragraphs(*(route_sentence(d) for d in dated_plan.routes),
                             court_sentence(recourse.court, None))
        return blocks
    if is_review_outcome(case):
        route = recourse.prior_appeal or recourse.routes[0]
        return paragraphs("Cette décision a été prise sur votre recours.",
                          start_sentence(dated_plan.start),
                          after_review_sentence(recourse.court, route))
    blocks = paragraphs(start_sentence(dated_plan.start))
    for dated in dated_plan.routes:
        if dated.route.kind == OBSERVATIONS and case.favourable:
            continue
        blocks += paragraphs(route_sentence(dated))
        if dated.past(today):
            blocks.append(_past_notice(dated))
        elif dated.route.kind == PREALABLE:
            blocks += paragraphs("Si vous allez devant le juge sans l'avoir fait, votre "
                                 "demande sera rejetée. La réponse à votre recours remplacera "
                                 "cette décision.")
        elif dated.route.is_recours:
            blocks += paragraphs("Ce recours arrête le délai pour aller devant le juge. Un "
                                 "nouveau délai de 2 mois commence à la réponse. Sans réponse "
                                 "dans les 2 mois, votre recours est considéré comme rejeté.")
    court = court_sentence(recourse.court, dated_plan.court_last_day)
    if recourse.prior_appeal is not None:
        court = f"Ensuite, si la réponse ne vous convient pas : {court[0].lower()}{court[1:]}"
    blocks += paragraphs(court)
    return blocks


def recourse_legal(case: Case) -> str:
    texts: list[str] = []
    for route in case.recourse.routes:
        texts += [t for t in texts_of(route) if t not in texts]
    texts += [t for t in court_texts(case.recourse.court) if t not in texts]
    return f"Textes : {' ; '.join(texts)}."


def contest_blocks(case: Case, today: date) -> list[Block]:
    """« Comment contester cette décision », as read on `today`."""
    service, recourse = case.algorithm.service, case.recourse
    if not recourse.contestable:
        assert recourse.preparatory is not None
        intro = ("Si une information utilisée pour choisir votre dossier est fausse, dites-le. "
                 "Une personne l'examinera. Ce n'est pas un recours : le choix de votre "
                 f"dossier pour {recourse.preparatory.follows} ne peut pas être contesté.")
    else:
        first = plan_of(case).first_recours
        assert first is not None
        intro = (f"Contester cette décision, c'est faire "
                 f"{'un recours préalable' if first.route.kind == PREALABLE else 'un recours'}"
                 f" adressé {to(first.route.authority)}.")
        if first.last_day is not None and not first.past(today):
            intro += f" Faites-le au plus tard le {format_date(first.last_day)}."
    blocks = paragraphs(f"{intro} Le plus sûr est d'écrire :")
    blocks.append(Block(LIST, items=(
        f"en ligne : {case.contest_url}",
        f"par courriel : {service['email']}",
        f"par courrier : {service['name']}, {service['address']}. C'est la date du cachet "
        f"de la poste qui compte.",
    )))
    human = ("Une personne examinera votre demande. Un algorithme ne peut pas décider seul "
             "d'un recours (article 47 de la loi Informatique et Libertés).")
    if recourse.internal_deadline_hours:
        human += (f" Le service responsable s'engage à l'examiner dans un délai de "
                  f"{duration_hours(recourse.internal_deadline_hours)}.")
    texts = [f"Vous pouvez aussi venir au guichet ({service['address']}) ou appeler le "
             f"{service['phone']}. Un agent notera votre demande et vous enverra un accusé de "
             f"réception.",
             "Une demande faite à l'oral est plus difficile à prouver. Confirmez-la par écrit "
             "avant la date limite." if not recourse.oral_filing_counts else "",
             f"Donnez votre référence : {case.reference}. Dites ce qui vous semble faux. "
             f"Joignez vos justificatifs si vous en avez.", human]
    if case.fully_automated:
        texts.append("Vous avez aussi le droit de donner votre point de vue et d'obtenir "
                     "qu'une personne intervienne (article 22 du règlement général sur la "
                     "protection des données, le RGPD).")
    texts.append(sentence("Vous pouvez vous faire aider par une association, ou par le "
                          "Défenseur des droits : www.defenseurdesdroits.fr. C'est gratuit"))
    return blocks + paragraphs(*texts)


@dataclass(frozen=True)
class NextStep:
    """What « L'essentiel » says the person can do next, and by when."""

    text: str  # one or two plain sentences, no article number
    deadline: date | None  # the last day to do it (None when no delay applies)
    past: bool  # True when `today` is after `deadline`
    if_past: str | None  # when past: what the person can still do, plainly
    contact: str  # who to call or where to go


def next_step(case: Case, today: date) -> NextStep:
    service, recourse = case.algorithm.service, case.recourse
    contact = f"{service['name']} : {service['phone']}"
    dated_plan = plan_of(case)
    if not recourse.contestable:
        assert recourse.preparatory is not None
        prep = recourse.preparatory
        return NextStep(f"Le choix de votre dossier pour {prep.follows} ne peut pas être "
                        f"contesté. Vous pourrez contester {prep.result}.", None, False, None,
                        contact)
    if is_review_outcome(case):
        deadline = add_months(dated_plan.start.day, recourse.court.months)
        return _dated(f"Cette décision a été prise sur votre recours. Si vous n'êtes pas "
                      f"d'accord, vous pouvez saisir {recourse.court.name}.", deadline, today,
                      "Le délai pour saisir le juge est passé. Demandez conseil à une "
                      "association ou au Défenseur des droits.", contact)
    if case.favourable:
        return NextStep("Cette décision vous est favorable : vous n'avez rien à faire.", None,
                        False, None, contact)
    first = dated_plan.first_recours
    assert first is not None
    route = first.route
    if route.kind == PREALABLE:
        text = (f"Vous pouvez demander un nouvel examen {to(route.authority)}. C'est "
                f"obligatoire avant d'aller devant le juge.")
    elif route.kind == OBSERVATIONS:
        text = f"Vous pouvez donner votre avis {to(route.authority)}."
    else:
        text = (f"Vous pouvez demander {to(route.authority)} de revoir cette décision : "
                f"c'est un recours gracieux.")
    if_past = (f"Le délai est passé. Vous pouvez encore écrire {to(route.authority)} : "
               f"{late_consequence(route)}")
    return _dated(text, first.last_day, today, if_past, contact)


def _dated(text: str, deadline: date | None, today: date, if_past: str, contact: str
           ) -> NextStep:
    past = deadline is not None and today > deadline
    return NextStep(text, deadline, past, if_past if past else None, contact)
