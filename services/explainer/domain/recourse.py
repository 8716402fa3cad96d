"""« Vos recours et vos délais », « Comment contester cette décision », and the next step.

Everything here reads the registry's route model (`shared.routes`) and dates it from the day
the person received the decision, so that the explanation says what the contest form, the
acknowledgement and the letters say. The functions take the reading date (`today`): a
deadline read after it passed is shown as past, with what the person can still do.

Each section has two parts. Its blocks, in the main view, say the essential in a few plain
sentences: the route, its authority, its dated deadline, what stops the delay for going to
court, the court, how to write. Its details, in the closed section of legal texts and in the
printable version, say it all in the routes' full wording (`shared.routes.wording`, shared
with appeals' letters), with the texts the routes apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.explainer.domain.case import Case
from services.explainer.domain.document import LIST, NOTICE, Block, paragraphs
from services.explainer.domain.wording import duration_hours, lower_first, sentence
from shared.deadlines import add_months
from shared.french import format_date
from shared.routes import OBSERVATIONS, PREALABLE, DatedRoute, Plan, Start, plan
from shared.routes import is_review_outcome as _is_review_outcome
from shared.routes.wording import (
    NAMES,
    WITH_ARTICLE,
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


def _past_notice(dated: DatedRoute, *, named: bool = False) -> Block:
    """`named`: the notice stands apart from the route's sentence, so it names the route."""
    assert dated.last_day is not None
    which = f"Le délai du {NAMES[dated.route.kind]}" if named else "Ce délai"
    return Block(NOTICE, f"{which} a pris fin le {format_date(dated.last_day)}. "
                         f"{upper_first(late_consequence(dated.route))}")


# --- « Vos recours et vos délais »


def recourse_blocks(case: Case, today: date) -> list[Block]:
    """« Vos recours et vos délais » in the main view, as read on `today`: each route with its
    authority and last day, what a recours does to the delay for going to court, the court,
    and from which day the delays run. « L'essentiel » has just said the first step in full
    words (`next_step`): this is the list of every way, short."""
    recourse, dated_plan = case.recourse, plan_of(case)
    if not recourse.contestable:
        assert recourse.preparatory is not None
        prep = recourse.preparatory
        if case.favourable:
            return paragraphs(f"Votre dossier n'a pas été choisi pour {prep.follows} : il n'y "
                              f"a rien à contester.")
        return paragraphs(prep.refusal, f"Contre la décision qui suivra : {_later_routes(case)}.")
    if is_review_outcome(case):
        return [*paragraphs(f"Cette décision a été prise sur votre recours. Si vous n'êtes pas "
                            f"d'accord, vous pouvez saisir {recourse.court.name}"
                            f"{_by(court_deadline(case))}. {_after_review(case)}"),
                *_court_past(case, today), *_start_if_past(case, today)]
    items: list[str] = []
    notices: list[Block] = []
    said_interruption = False
    for dated in dated_plan.routes:
        route = dated.route
        if route.kind == OBSERVATIONS and case.favourable:
            continue
        # Once past, the notice below gives the date and what remains.
        by = (f" : au plus tard le {format_date(dated.last_day)}"
              if dated.last_day and not dated.past(today) else "")
        item = f"{upper_first(NAMES[route.kind])} {to(route.authority)}{by}."
        if dated.past(today):
            notices.append(_past_notice(dated, named=True))
        elif route.kind == PREALABLE:
            item += " Sans lui, le juge rejettera votre demande ; sa réponse remplacera " \
                    "cette décision."
        elif route.is_recours and not said_interruption:
            # L411-2: made within the delay for going to court, it interrupts it; the new
            # delay runs from the answer, or from the rejection that 2 months of silence are
            # (L231-4 2°).
            item += " Il arrête le délai pour aller devant le juge, qui recommence à la " \
                    "réponse, ou après 2 mois sans réponse."
            said_interruption = True
        items.append(item)
    items.append(_court_short(case, dated_plan, today))
    return [Block(LIST, items=tuple(items)), *(notices or _court_past(case, today)),
            *_start_if_past(case, today)]


def court_deadline(case: Case) -> date | None:
    """The last day to go to court directly: after a decision taken on a recours, the court's
    delay runs from it (CJA R421-1); else the plan's (none before a mandatory prior appeal)."""
    dated_plan = plan_of(case)
    if is_review_outcome(case):
        return add_months(dated_plan.start.day, case.recourse.court.months)
    return dated_plan.court_last_day


def _court_past(case: Case, today: date) -> list[Block]:
    last_day = court_deadline(case)
    if last_day is None or today <= last_day:
        return []
    return [Block(NOTICE, f"Le délai pour aller devant le juge a pris fin le "
                          f"{format_date(last_day)}. Demandez conseil à une association ou au "
                          f"Défenseur des droits.")]


def _after_review(case: Case) -> str:
    """A second recours does not interrupt the delay again (CE, 16 mai 1980, n° 14022, in
    `after_review_sentence`); after a mandatory prior appeal, its answer is what is contested."""
    route = case.recourse.prior_appeal or case.recourse.routes[0]
    if route.kind == PREALABLE:
        return "C'est cette décision, et non la décision de départ, que vous contestez."
    return "Un nouveau recours auprès de l'administration n'arrêterait pas ce délai."


def _by(last_day: date | None) -> str:
    return f", au plus tard le {format_date(last_day)}" if last_day else ""


def _later_routes(case: Case) -> str:
    """The routes against the decision that will follow a preparatory measure: undated, since
    they run from that decision's own notification."""
    recourse = case.recourse
    first = recourse.recours_routes[0]
    delay = f"dans les {first.months or 2} mois après l'avoir reçue"
    if first.kind == PREALABLE:
        return f"d'abord {first.authority}, {delay}, puis {recourse.court.name}"
    return f"{WITH_ARTICLE[first.kind]} {to(first.authority)}, {delay}, ou {recourse.court.name}"


def _court_short(case: Case, dated_plan: Plan, today: date) -> str:
    court, last_day = case.recourse.court, dated_plan.court_last_day
    if case.recourse.prior_appeal is not None:
        return f"Ensuite, si la réponse ne vous convient pas : {court.name}."
    if last_day is not None and today > last_day:
        return f"Ou directement {court.name}."
    first = dated_plan.first_recours
    if last_day is not None and first is not None and first.last_day == last_day:
        return f"Ou directement, dans le même délai, {court.name}."
    by = f" : au plus tard le {format_date(last_day)}" if last_day else ""
    return f"Ou directement {court.name}{by}."


def _start_if_past(case: Case, today: date) -> list[Block]:
    """From which day the delays run, said where it matters: once a date shown has passed.
    Before, the dates shown are safe (counted from the decision date when the notification's
    is not known, they can only end earlier than the real ones); the details say it always."""
    dated_plan = plan_of(case)
    last_days = [d.last_day for d in dated_plan.routes if d.last_day is not None]
    last_days += [d for d in [court_deadline(case)] if d is not None]
    if not any(today > day for day in last_days):
        return []
    start = dated_plan.start
    if start.notified:
        return paragraphs(f"Ces délais partent du {format_date(start.day)}, jour où vous avez "
                          f"reçu la décision.")
    return paragraphs(f"Décision reçue après le {format_date(start.day)} ? Il reste peut-être "
                      f"du temps : appelez le service.")


def recourse_details(case: Case, today: date) -> list[Block]:
    """Every route in the routes' full wording, as the letters say them, as read on `today`:
    for the closed section of legal texts and the printable version."""
    recourse, dated_plan = case.recourse, plan_of(case)
    if not recourse.contestable and case.favourable:
        return recourse_blocks(case, today)
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


# --- « Comment contester cette décision »


def contest_blocks(case: Case, today: date) -> list[Block]:
    """« Comment contester cette décision » in the main view: where to write (the postmark
    counts), that a person examines it, free help. What the filing is and by when, the list
    above says; the other ways and what they prove, the details."""
    del today  # the same on any day: the dates are in « Vos recours et vos délais »
    service, recourse = case.algorithm.service, case.recourse
    human = "Une personne examinera votre demande"
    if recourse.internal_deadline_hours:
        human += f", sous {duration_hours(recourse.internal_deadline_hours)}"
    first = ([] if recourse.contestable else
             ["Une information de votre dossier est fausse ? Signalez-le."] if case.favourable
             else ["Une information utilisée pour choisir votre dossier est fausse ? "
                   "Signalez-le."])
    if is_review_outcome(case):
        first = ["Vous pouvez encore écrire au service, mais cela n'arrête pas le délai pour "
                 "aller devant le juge."]
    # A delay runs only against a decision (L112-1: the postmark's date is the filing's).
    postmark = " (la date du cachet de la poste compte)" if recourse.contestable else ""
    return paragraphs(" ".join([
        *first,
        f"Écrivez de préférence : {case.contest_url}, {service['email']}, ou {service['name']}, "
        f"{service['address']}{postmark}.",
        f"{human}. Aide gratuite : Défenseur des droits, www.defenseurdesdroits.fr."]))


def contest_details(case: Case, today: date) -> list[Block]:
    """How to contest in full, as read on `today`: every way to file and what each proves, the
    reference to give, the human examination, the rights of a fully automated decision."""
    service, recourse = case.algorithm.service, case.recourse
    if not recourse.contestable:
        assert recourse.preparatory is not None
        intro = ("Si une information utilisée pour choisir votre dossier est fausse, dites-le. "
                 "Une personne l'examinera. Ce n'est pas un recours : le choix de votre "
                 f"dossier pour {recourse.preparatory.follows} ne peut pas être contesté.")
    elif is_review_outcome(case):
        intro = (f"Cette décision a été prise sur votre recours : pour la contester, saisissez "
                 f"{recourse.court.name}. Vous pouvez aussi écrire au service, mais cela "
                 f"n'arrête pas le délai pour aller devant le juge.")
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
             "avant la date limite." if recourse.contestable and not recourse.oral_filing_counts
             else "",
             f"Donnez votre référence : {case.reference}. Dites ce qui vous semble faux. "
             f"Joignez vos justificatifs si vous en avez.", human]
    if case.fully_automated:
        texts.append("Vous avez aussi le droit de donner votre point de vue et d'obtenir "
                     "qu'une personne intervienne (article 22 du règlement général sur la "
                     "protection des données, le RGPD).")
    texts.append(sentence("Vous pouvez vous faire aider par une association, ou par le "
                          "Défenseur des droits : www.defenseurdesdroits.fr. C'est gratuit"))
    return blocks + paragraphs(*texts)


CONTEST_LEGAL = ("Textes : article 47 de la loi Informatique et Libertés du 6 janvier 1978 ; "
                 "article 22 du règlement général sur la protection des données.")


# --- The next step, for « L'essentiel »


@dataclass(frozen=True)
class NextStep:
    """What « L'essentiel » says the person can do next, and by when."""

    text: str  # one or two plain sentences, no article number
    deadline: date | None  # the last day to do it (None when no delay applies)
    past: bool  # True when `today` is after `deadline`
    if_past: str | None  # when past: what the person can still do, plainly
    contact: str  # who to call or where to go: « 01 23 45 67 89, service … »


def next_step(case: Case, today: date) -> NextStep:
    service, recourse = case.algorithm.service, case.recourse
    contact = f"{service['phone']}, {lower_first(service['name'])}"
    dated_plan = plan_of(case)
    if case.favourable and (not recourse.contestable or not is_review_outcome(case)):
        return NextStep("Cette décision vous est favorable : vous n'avez rien à faire.", None,
                        False, None, contact)
    if not recourse.contestable:
        assert recourse.preparatory is not None
        prep = recourse.preparatory
        return NextStep(f"Le choix de votre dossier pour {prep.follows} ne peut pas être "
                        f"contesté. Vous pourrez contester {prep.result}.", None, False, None,
                        contact)
    start = dated_plan.start
    # Counted from the decision date, a deadline may end later for whoever received the
    # decision later: said, so that nobody gives up a right they still have.
    later = ("" if start.notified else
             f" Décision reçue après le {format_date(start.day)} ? Il reste peut-être du "
             f"temps.")
    if is_review_outcome(case):
        deadline = court_deadline(case)
        return _dated(f"Cette décision a été prise sur votre recours. Si vous n'êtes pas "
                      f"d'accord, vous pouvez saisir {recourse.court.name}.", deadline, today,
                      "Demandez conseil à une association ou au Défenseur des droits." + later,
                      contact)
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
    if_past = (f"{upper_first(late_consequence(route))}{later}" if not route.is_recours
               or route.kind == PREALABLE else
               f"Un recours sera encore examiné, mais il ne permet plus d'aller devant le juge."
               f"{later}")
    return _dated(text, first.last_day, today, if_past, contact)


def _dated(text: str, deadline: date | None, today: date, if_past: str, contact: str
           ) -> NextStep:
    past = deadline is not None and today > deadline
    return NextStep(text, deadline, past, if_past if past else None, contact)
