"""Voies et délais from the route model: the right authority, dated from the notification,
past deadlines shown as past, and the next step « L'essentiel » offers. The main view says it
short; the details (in the closed section of legal texts) in the routes' full wording."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from services.explainer.domain.case import Case
from services.explainer.domain.document import NOTICE
from services.explainer.domain.explanation import build_document
from services.explainer.domain.recourse import (
    Deadlines,
    contest_blocks,
    contest_details,
    next_step,
    recourse_blocks,
    recourse_details,
    recourse_legal,
)
from tests.unit.explainer.cases import case, plain, sample, section_text

FAMILY = {"quotient_familial": 1180, "parent_isole": False, "activite_parents": True,
          "fratrie_creche": False, "handicap_enfant": False, "anciennete_demande_mois": 8}
FILE = {"ecart_ressources_pct": 12.4, "changements_situation_12_mois": 2,
        "declaration_tardive": True, "changement_situation_familiale_recent": False}
PUPIL = {"revenu_fiscal_reference": 31000, "distance_km": 2.5, "etablissement_de_secteur": True}
DECIDED = date(2026, 11, 2)


def with_decision(found: Case, **changes: Any) -> Case:
    return dataclasses.replace(found, decision={**found.decision, **changes})


def lines_of(blocks: Any) -> list[str]:
    return [plain(line) for block in blocks for line in block.lines()]


def test_the_creche_refusal_is_contested_before_the_mayor_who_has_no_superior():
    section = build_document(case(sample("creche-attribution"), FAMILY)).section("recourse")
    assert section_text_of(section) == [
        "- Recours gracieux au maire de Ville-Exemple : au plus tard le 2 janvier 2027. Il "
        "arrête le délai pour aller devant le juge, qui recommence à la réponse, ou après 2 "
        "mois sans réponse.",
        "- Ou directement, dans le même délai, le tribunal administratif dont relève "
        "Ville-Exemple.",
    ]
    lines = lines_of(section.details)
    assert lines == [
        "Les délais comptent à partir du 2 novembre 2026, date de la décision. Si vous l'avez "
        "reçue plus tard, vos délais finissent plus tard.",
        "Vous pouvez demander au maire de Ville-Exemple de revoir cette décision : c'est un "
        "recours gracieux. Faites-le dans les 2 mois, au plus tard le 2 janvier 2027.",
        "Ce recours arrête le délai pour aller devant le juge. Un nouveau délai de 2 mois "
        "commence à la réponse. Sans réponse dans les 2 mois, votre recours est considéré "
        "comme rejeté.",
        "Le juge compétent est le tribunal administratif dont relève Ville-Exemple. Vous pouvez "
        "le saisir directement dans les 2 mois, au plus tard le 2 janvier 2027. Vous pouvez le "
        "saisir en ligne, sur le site Télérecours citoyens : https://citoyens.telerecours.fr.",
    ]
    assert "hiérarchique" not in " ".join(lines + section_text_of(section))


def section_text_of(section: Any) -> list[str]:
    return lines_of(section.blocks)


def test_the_transport_grant_is_contested_before_the_regional_president():
    section = build_document(case(sample("aide-transport-scolaire"), PUPIL,
                                  favourable=False)).section("recourse")
    short = section_text_of(section)
    assert short[0].startswith("- Recours gracieux au président du conseil régional de "
                               "Région-Exemple : au plus tard le 2 janvier 2027.")
    assert "tribunal administratif dont relève Chef-Lieu-Exemple, où siège la région" in short[1]
    lines = lines_of(section.details)
    assert "Vous pouvez demander au président du conseil régional de Région-Exemple de revoir " \
           "cette décision : c'est un recours gracieux." in lines[1]
    assert "tribunal administratif dont relève Chef-Lieu-Exemple, où siège la région" in lines[3]
    assert "hiérarchique" not in " ".join(lines + short)


def test_a_selection_for_a_check_is_a_preparatory_measure_whose_result_goes_to_the_cra():
    document = build_document(case(sample("ciblage-controles"), FILE))
    assert section_text(document, "recourse") == [
        "Vous ne pouvez pas refuser ce contrôle. Si vous n'envoyez pas les pièces demandées, "
        "la caisse peut suspendre le versement de vos prestations.",
        "Contre la décision qui suivra : d'abord la commission de recours amiable de "
        "Caisse-Exemple, dans les 2 mois après l'avoir reçue, puis le pôle social du tribunal "
        "judiciaire dont relève votre domicile.",
    ]
    lines = lines_of(document.section("recourse").details)
    assert lines[:3] == [
        "Le choix de votre dossier pour un contrôle n'est pas encore une décision sur vos "
        "droits. Il ne peut pas être contesté en lui-même.",
        "Vous ne pouvez pas refuser ce contrôle. Si vous n'envoyez pas les pièces demandées, "
        "la caisse peut suspendre le versement de vos prestations.",
        "Vous pourrez contester la décision que la caisse prendra après le contrôle, si elle "
        "change vos droits.",
    ]
    assert lines[3] == (
        "Avant d'aller devant le juge, vous devez d'abord faire un recours à la commission de "
        "recours amiable de Caisse-Exemple. C'est obligatoire. Vous avez 2 mois à partir du "
        "jour où vous recevez cette décision.")
    assert lines[4] == ("Le juge compétent est le pôle social du tribunal judiciaire dont "
                        "relève votre domicile.")
    text = " ".join(lines)
    assert "observations" not in text and "Télérecours" not in text and "2027" not in text
    legal = document.section("recourse").legal
    assert "articles L142-4, R142-1 et R142-1-A du code de la sécurité sociale" in legal
    assert "R142-10" in legal and "L211-16 du code de l'organisation judiciaire" in legal
    contest = lines_of(contest_blocks(case(sample("ciblage-controles"), FILE), DECIDED))
    assert contest[0].startswith("Une information utilisée pour choisir votre dossier est "
                                 "fausse ? Signalez-le.")
    assert "cachet de la poste" not in contest[0]  # no delay runs against a selection
    details = lines_of(contest_details(case(sample("ciblage-controles"), FILE), DECIDED))
    assert details[0].startswith("Si une information utilisée pour choisir votre dossier est "
                                 "fausse, dites-le. Une personne l'examinera. Ce n'est pas un "
                                 "recours")
    assert "Confirmez-la par écrit avant la date limite" not in " ".join(details)


def test_a_file_not_selected_has_nothing_to_contest():
    favourable = case(sample("ciblage-controles"), {**FILE, "ecart_ressources_pct": 1,
                                                    "declaration_tardive": False})
    assert lines_of(recourse_blocks(favourable, DECIDED)) == [
        "Votre dossier n'a pas été choisi pour un contrôle : il n'y a rien à contester."]
    assert "refuser" not in " ".join(lines_of(recourse_details(favourable, DECIDED)))
    step = next_step(favourable, DECIDED)
    assert step.text == "Cette décision vous est favorable : vous n'avez rien à faire."


def test_dates_run_from_the_notification_when_the_back_office_gives_it():
    notified = with_decision(case(sample("creche-attribution"), FAMILY),
                             notified_on="2026-11-06")
    lines = lines_of(recourse_details(notified, date(2026, 11, 20)))
    assert lines[0] == ("Les délais comptent à partir du 6 novembre 2026, jour où la décision "
                        "vous a été remise.")
    assert "au plus tard le 6 janvier 2027" in lines[1]
    assert "au plus tard le 6 janvier 2027" in lines_of(recourse_blocks(notified,
                                                                        date(2026, 11, 20)))[0]
    # Read after it passed, the main view says from which day the delays ran.
    assert lines_of(recourse_blocks(notified, date(2027, 1, 7)))[-1] == (
        "Ces délais partent du 6 novembre 2026, jour où vous avez reçu la décision.")
    deadlines = Deadlines.of(case(sample("creche-attribution"), FAMILY), date(2026, 12, 31))
    assert (deadlines.appeal_by, deadlines.court_by) == (date(2027, 2, 28), date(2027, 2, 28))


def test_a_deadline_read_after_it_passed_is_shown_as_past_with_what_remains():
    refused = case(sample("creche-attribution"), FAMILY)
    blocks = recourse_blocks(refused, date(2027, 1, 3))
    notices = [b for b in blocks if b.kind == NOTICE]
    assert [plain(n.text) for n in notices] == [
        "Le délai du recours gracieux a pris fin le 2 janvier 2027. Votre recours sera examiné, "
        "mais il ne vous permet plus d'aller devant le juge."]
    assert "au plus tard" not in " ".join(lines_of(blocks))
    assert lines_of(blocks)[-1] == ("Décision reçue après le 2 novembre 2026 ? Il reste "
                                    "peut-être du temps : appelez le service.")
    notices = [b for b in recourse_details(refused, date(2027, 1, 3)) if b.kind == NOTICE]
    assert [plain(n.text) for n in notices] == [
        "Ce délai a pris fin le 2 janvier 2027. Votre recours sera examiné, mais il ne vous "
        "permet plus d'aller devant le juge."]
    step = next_step(refused, date(2027, 1, 3))
    assert step.past and step.deadline == date(2027, 1, 2)
    assert step.if_past == ("Un recours sera encore examiné, mais il ne permet plus d'aller "
                            "devant le juge. Décision reçue après le 2 novembre 2026 ? Il reste "
                            "peut-être du temps.")
    # Known, the notification date leaves no doubt to raise.
    notified = with_decision(refused, notified_on="2026-11-02")
    assert "Décision reçue" not in (next_step(notified, date(2027, 1, 3)).if_past or "")


def test_next_step_names_the_authority_the_day_and_who_to_call():
    step = next_step(case(sample("creche-attribution"), FAMILY), date(2026, 11, 20))
    assert step.text == ("Vous pouvez demander au maire de Ville-Exemple de revoir cette "
                         "décision : c'est un recours gracieux.")
    assert (step.deadline, step.past, step.if_past) == (date(2027, 1, 2), False, None)
    assert step.contact == "01 23 45 67 89, service petite enfance de Ville-Exemple"
    favourable = next_step(case(sample("aide-transport-scolaire"), PUPIL, favourable=True),
                           DECIDED)
    assert favourable.deadline is None and "vous n'avez rien à faire" in favourable.text
    selection = next_step(case(sample("ciblage-controles"), FILE), DECIDED)
    assert selection.deadline is None
    assert selection.text.startswith("Le choix de votre dossier pour un contrôle ne peut pas "
                                     "être contesté.")


def test_a_decision_taken_on_a_recours_offers_the_court_not_a_second_recours():
    reviewed = with_decision(case(sample("creche-attribution"), FAMILY),
                             decision_id="CRECHE-1.recours-4", supersedes="CRECHE-1")
    lines = lines_of(recourse_blocks(reviewed, DECIDED))
    assert lines == [
        "Cette décision a été prise sur votre recours. Si vous n'êtes pas d'accord, vous pouvez "
        "saisir le tribunal administratif dont relève Ville-Exemple, au plus tard le 2 janvier "
        "2027. Un nouveau recours auprès de l'administration n'arrêterait pas ce délai."]
    details = lines_of(recourse_details(reviewed, DECIDED))
    assert details[0] == "Cette décision a été prise sur votre recours."
    assert "Un nouveau recours auprès de l'administration n'arrêterait pas ce délai." in details[2]
    assert "recours gracieux" not in " ".join(lines + details)
    assert next_step(reviewed, DECIDED).deadline == date(2027, 1, 2)
    contest = " ".join(lines_of(contest_blocks(reviewed, DECIDED)))
    assert "cela n'arrête pas le délai pour aller devant le juge" in contest


def test_contesting_says_writing_is_safest_and_the_postmark_counts():
    short = " ".join(lines_of(contest_blocks(case(sample("creche-attribution"), FAMILY),
                                             DECIDED)))
    assert "(la date du cachet de la poste compte)" in short
    assert "Une personne examinera votre demande, sous 10 jours." in short
    lines = lines_of(contest_details(case(sample("creche-attribution"), FAMILY), DECIDED))
    text = " ".join(lines)
    assert "même valeur" not in text
    assert "C'est la date du cachet de la poste qui compte." in text
    assert "Une demande faite à l'oral est plus difficile à prouver. Confirmez-la par écrit " \
           "avant la date limite." in text
    assert "dans un délai de 10 jours" in text


def test_a_version_registered_with_a_legacy_appeal_block_is_still_explained():
    legacy = sample("creche-attribution")
    del legacy["recourse"]
    legacy["appeal"] = {"mandatory_prior_appeal": False,
                        "authority": "Maire de Ville-Exemple (recours gracieux)",
                        "court": "Tribunal administratif dont relève Ville-Exemple",
                        "legal_reference": None, "internal_deadline_hours": 240,
                        "observations_days": None}
    found = case(legacy, FAMILY)
    lines = lines_of(recourse_details(found, DECIDED))
    assert "Vous pouvez demander au maire de Ville-Exemple de revoir cette décision" in lines[1]
    assert "le tribunal administratif dont relève Ville-Exemple" in lines[3]
    assert lines_of(recourse_blocks(found, DECIDED))[0].startswith(
        "- Recours gracieux au maire de Ville-Exemple")
    assert recourse_legal(found).startswith("Textes : articles L410-1, L411-2 et L231-4")
