"""The sentences that name a route, its authority, its delay and its texts, written once.

The explanation, the contest form, the acknowledgement and the letters all say these
sentences, so that they never disagree. Plain French, no article number in a sentence the
person reads; the texts go in lists of their own (`texts_of`, `court_texts`).
"""

from __future__ import annotations

from datetime import date

from shared.french import format_date
from shared.routes.dates import DatedRoute, Start
from shared.routes.model import (
    ADMINISTRATIVE,
    CSS,
    GRACIEUX,
    HIERARCHIQUE,
    OBSERVATIONS,
    PREALABLE,
    SIGNALEMENT,
    Court,
    Preparatory,
    Recourse,
    Route,
    with_article,
)

CRPA_NAME = "code des relations entre le public et l'administration"
CJA_NAME = "code de justice administrative"
CSS_NAME = "code de la sécurité sociale"
TELERECOURS = "https://citoyens.telerecours.fr"

NAMES = {
    GRACIEUX: "recours gracieux",
    HIERARCHIQUE: "recours hiérarchique",
    PREALABLE: "recours préalable obligatoire",
    OBSERVATIONS: "observations",
    SIGNALEMENT: "signalement d'une information fausse",
}
WITH_ARTICLE = {
    GRACIEUX: "un recours gracieux",
    HIERARCHIQUE: "un recours hiérarchique",
    PREALABLE: "un recours préalable obligatoire",
    OBSERVATIONS: "des observations",
    SIGNALEMENT: "le signalement d'une information fausse",
}
# What each route asks, in the person's words, for the choice on the form.
PURPOSES = {
    GRACIEUX: "demander à l'auteur de la décision de la revoir",
    HIERARCHIQUE: "demander à son supérieur de revoir la décision",
    PREALABLE: "demander un nouvel examen, obligatoire avant d'aller devant le juge",
    OBSERVATIONS: "donner votre avis avant que la mesure ne devienne définitive",
}


def to(authority: str) -> str:
    """`le maire de X` → `au maire de X`; `la commission…` → `à la commission…`."""
    lowered = authority.lower()
    if lowered.startswith("le "):
        return "au " + authority[3:]
    if lowered.startswith("les "):
        return "aux " + authority[4:]
    return "à " + authority


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def start_sentence(start: Start) -> str:
    if start.notified:
        return (
            f"Les délais comptent à partir du {format_date(start.day)}, jour où la "
            f"décision vous a été remise."
        )
    return (
        f"Les délais comptent à partir du {format_date(start.day)}, date de la décision. "
        f"Si vous l'avez reçue plus tard, vos délais finissent plus tard."
    )


def filing_sentence(dated: DatedRoute, today: date) -> str:
    """The contest form's first sentence: what the person files, to whom, by when."""
    route = dated.route
    verb = "présentez" if route.kind == OBSERVATIONS else "faites"
    what = (
        f"Vous {verb} {WITH_ARTICLE[route.kind]} adressé{_agreement(route)} {to(route.authority)}"
    )
    if dated.last_day is None:
        return f"{what}."
    if dated.past(today):
        return (
            f"{what}. Le délai a pris fin le {format_date(dated.last_day)} : "
            f"{late_consequence(route)}"
        )
    return f"{what}, au plus tard le {format_date(dated.last_day)}."


def filed_sentence(route: Route) -> str:
    """The acknowledgement's version of the form's sentence: what was filed, to whom."""
    verb = "présenté" if route.kind == OBSERVATIONS else "fait"
    return (
        f"Vous avez {verb} {WITH_ARTICLE[route.kind]} adressé{_agreement(route)} "
        f"{to(route.authority)}."
    )


def _agreement(route: Route) -> str:
    return "es" if route.kind == OBSERVATIONS else ""


def late_consequence(route: Route) -> str:
    """What a filing after the delay still does, and what it no longer does."""
    if route.kind == PREALABLE:
        return (
            "votre recours sera examiné, mais il peut être déclaré trop tardif, et vous "
            "ne pourrez peut-être plus aller devant le juge."
        )
    if route.kind == OBSERVATIONS:
        return "la mesure est devenue définitive ; vous pouvez faire un recours."
    return "votre recours sera examiné, mais il ne vous permet plus d'aller devant le juge."


def signalement_sentence(service_name: str, preparatory: Preparatory) -> str:
    return (
        f"Vous signalez une information fausse {to(with_article(service_name))}. Ce "
        f"n'est pas un recours : le choix de votre dossier pour {preparatory.follows} ne "
        f"peut pas être contesté."
    )


def route_sentence(dated: DatedRoute) -> str:
    """How to use a route, dated when its start is known."""
    route = dated.route
    delay = _delay(route)
    if route.kind == OBSERVATIONS:
        text = (
            f"Avant que cette mesure ne devienne définitive, vous pouvez présenter vos "
            f"observations, par écrit ou à l'oral, {to(route.authority)}"
        )
    elif route.kind == PREALABLE:
        text = (
            f"Avant d'aller devant le juge, vous devez d'abord faire un recours "
            f"{to(route.authority)}. C'est obligatoire"
        )
    elif route.kind == HIERARCHIQUE:
        text = (
            f"Vous pouvez aussi écrire {to(route.authority)}, qui est le supérieur de "
            f"l'auteur de la décision : c'est un recours hiérarchique"
        )
    else:
        text = (
            f"Vous pouvez demander {to(route.authority)} de revoir cette décision : "
            f"c'est un recours gracieux"
        )
    if dated.last_day is not None:
        return f"{text}. Faites-le dans les {delay}, au plus tard le {format_date(dated.last_day)}."
    return f"{text}. Vous avez {delay} à partir du jour où vous recevez cette décision."


def follow_up_sentence(route: Route) -> str:
    """How the decision that will follow a preparatory measure is contested: in the future,
    and from the day *that* decision is received, never « cette décision », which the reader
    of an answer about the selection takes for the selection itself."""
    if route.kind == PREALABLE:
        text = (
            f"Pour la contester, vous devrez d'abord faire un recours "
            f"{to(route.authority)}, avant d'aller devant le juge. C'est obligatoire"
        )
    else:
        text = (
            f"Pour la contester, vous pourrez demander {to(route.authority)} de la "
            f"revoir : c'est un {NAMES[route.kind]}"
        )
    return (
        f"{text}. Vous aurez {_delay(route)} pour le faire, à partir du jour où vous "
        f"recevrez cette décision-là."
    )


def _delay(route: Route) -> str:
    if route.kind == OBSERVATIONS:
        return f"{route.days} jours"
    return f"{route.months or 2} mois"


def interruption_sentence(route: Route, in_time: bool, oral: bool = False) -> str:
    """What filing this route does to the court delay (L411-2, L412-x CRPA)."""
    if route.kind == PREALABLE:
        text = (
            "Tant que ce recours n'a pas reçu de réponse, vous ne pouvez pas aller "
            "devant le juge. La décision prise sur votre recours remplacera la décision "
            "contestée : c'est elle que vous pourrez contester devant le juge."
        )
        if not in_time:
            text += (
                " Ce recours a été fait après la fin du délai de "
                f"{route.months or 2} mois : il sera examiné, mais il peut être déclaré "
                "trop tardif. Il ne peut pas l'être si la décision que vous avez reçue "
                "n'indiquait pas ce délai."
            )
        return text
    if route.kind == OBSERVATIONS:
        return "Vos observations seront examinées avant que la mesure ne devienne définitive."
    if in_time and oral:
        return (
            "Un recours fait dans le délai arrête le délai pour aller devant le juge, à "
            "condition de pouvoir prouver qu'il a été fait : confirmez-le par écrit. Un "
            "nouveau délai de 2 mois commencera à la réponse, ou au rejet sans réponse."
        )
    if in_time:
        return (
            "Ce recours arrête le délai pour aller devant le juge. Un nouveau délai de "
            "2 mois commencera à la réponse, ou au rejet sans réponse."
        )
    return (
        "Ce recours a été fait après la fin du délai. Il sera examiné, mais il "
        "n'arrête pas le délai pour aller devant le juge : ce délai est terminé. Si la "
        "décision que vous avez reçue n'indiquait pas les délais de recours, vous "
        "pouvez peut-être encore saisir le juge : demandez conseil à une association ou "
        "à un avocat."
    )


def silence_sentence(route: Route, rejection_on: date, in_time: bool = True) -> str:
    """L231-4 2° CRPA (R142-1-A I CSS for the commission de recours amiable). A recours
    gracieux or hiérarchique made after the court delay conserves nothing: its implicit
    rejection opens no new delay (L411-2 interrupts only « dans le délai imparti pour
    l'introduction d'un recours contentieux »), so no court delay is promised then."""
    text = (
        f"Sans réponse le {format_date(rejection_on)}, votre recours sera considéré comme rejeté."
    )
    if not in_time and route.kind in (GRACIEUX, HIERARCHIQUE):
        return text
    return f"{text} Vous pourrez alors aller devant le juge dans les 2 mois."


def late_start_sentence(start: Start) -> str | None:
    """A filing judged late from the decision date only: the delay runs from the day the
    person received the decision (R421-1 CJA), which they may know and we do not."""
    if start.notified:
        return None
    return (
        f"Ce délai a été compté à partir du {format_date(start.day)}, date de la décision. "
        f"Si vous l'avez reçue plus tard, dites-nous à quelle date : votre recours est "
        f"peut-être dans le délai."
    )


def late_answer_sentence(start: Start) -> str:
    """The answer to a late recours gracieux or hiérarchique keeps the decision and opens no
    new court delay (a recours made after the delay does not prorogate it: CE, Sect., 5 juin
    1953, Dame veuve Meignen, as reported by A. Icard, jurisconsulte.net). Unless the person
    received the decision later than we counted, or it did not state its voies et délais
    (R421-5 CJA): then they may still go to court, and should seek advice. « Un requérant
    n'est pas recevable à contester une décision expresse confirmative d'une décision de rejet
    devenue définitive » (CE, 17 juin 2019, n° 413797, tables, read on ArianeWeb)."""
    unless = (
        "Si la décision que vous avez reçue n'indiquait pas les délais de recours"
        if start.notified
        else f"Si vous avez reçu la décision après le {format_date(start.day)}, ou si elle "
        f"n'indiquait pas les délais de recours"
    )
    return (
        "Votre recours a été fait après la fin du délai : cette réponse ne vous ouvre pas "
        f"un nouveau délai pour aller devant le juge. {unless}, vous pouvez peut-être "
        "encore saisir le juge : demandez conseil à une association ou à un avocat."
    )


def oral_sentence(last_day: date | None) -> str:
    """An oral recours counts only if the person can prove it (CE, 7 novembre 1956, Delzant:
    no form is required; the proof is theirs): a written one is the safe way."""
    text = (
        "Vous avez fait votre demande à l'oral. Un agent l'a notée et vous envoie cet "
        "accusé de réception : gardez-le, il prouve la date de votre demande."
    )
    if last_day is not None:
        text += (
            f" Pour être sûr de garder votre délai pour aller devant le juge, confirmez "
            f"aussi votre recours par écrit (en ligne, par courriel ou par courrier) au "
            f"plus tard le {format_date(last_day)}."
        )
    return text


def court_sentence(court: Court, last_day: date | None) -> str:
    text = f"Le juge compétent est {court.name}."
    if last_day is not None:
        text += (
            f" Vous pouvez le saisir directement dans les {court.months} mois, au plus "
            f"tard le {format_date(last_day)}."
        )
    if court.order == ADMINISTRATIVE:
        text += (
            f" Vous pouvez le saisir en ligne, sur le site Télérecours citoyens : {TELERECOURS}."
        )
    return text


def after_review_sentence(court: Court, route: Route) -> str:
    """Voies et délais after a decision on a recours: the court only. A second recours
    gracieux after the first has been answered does not interrupt the delay again (CE,
    16 mai 1980, n° 14022: only the first recours administratif conserves it)."""
    text = (
        f"Si vous n'êtes pas d'accord avec cette décision, vous pouvez saisir le juge "
        f"dans les {court.months} mois après l'avoir reçue. Le juge compétent est "
        f"{court.name}."
    )
    if court.order == ADMINISTRATIVE:
        text += f" Vous pouvez le faire en ligne : {TELERECOURS}."
    if route.kind == PREALABLE:
        text += " C'est cette décision, et non la décision de départ, que vous contestez."
    else:
        text += " Un nouveau recours auprès de l'administration n'arrêterait pas ce délai."
    return text


def preparatory_sentences(preparatory: Preparatory) -> list[str]:
    return [
        f"Le choix de votre dossier pour {preparatory.follows} n'est pas encore une "
        f"décision sur vos droits. Il ne peut pas être contesté en lui-même.",
        preparatory.refusal,
        f"Vous pourrez contester {preparatory.result}.",
    ]


def texts_of(route: Route) -> list[str]:
    """The texts behind a route, for the legal references of a section or a letter."""
    if route.kind in (GRACIEUX, HIERARCHIQUE):
        base = [f"articles L410-1, L411-2 et L231-4 du {CRPA_NAME}"]
    elif route.kind == PREALABLE and route.regime == CSS:
        base = [
            f"articles L142-4, R142-1 et R142-1-A du {CSS_NAME}",
            f"articles L412-1 à L412-8 et L231-4 du {CRPA_NAME}",
        ]
    elif route.kind == PREALABLE:
        base = [f"articles L412-1 à L412-8 et L231-4 du {CRPA_NAME}"]
    elif route.kind == OBSERVATIONS:
        base = [f"articles L121-1 et L122-1 du {CRPA_NAME}"]
    else:
        base = []
    return base + list(route.texts)


def court_texts(court: Court) -> list[str]:
    if court.order == ADMINISTRATIVE:
        base = [f"articles R312-1, R421-1 et R421-5 du {CJA_NAME}"]
    else:
        base = [
            f"articles R142-1-A et R142-10 du {CSS_NAME}",
            "article L211-16 du code de l'organisation judiciaire",
        ]
    return base + [t for t in court.texts if t not in base]


def register_sentences(recourse: Recourse) -> list[str]:
    """How any decision of this algorithm is contested, undated: for the public register."""
    if recourse.preparatory is not None:
        sentences = preparatory_sentences(recourse.preparatory)
        sentences += [follow_up_sentence(route) for route in recourse.routes]
    else:
        sentences = [route_sentence(DatedRoute(route, None, None)) for route in recourse.routes]
    return [*sentences, court_sentence(recourse.court, None)]
