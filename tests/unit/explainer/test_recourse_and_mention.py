"""Voies et délais with dates from the notification, how to contest, the mention, the CADA."""

from datetime import date

from services.explainer.domain.explanation import build_document
from services.explainer.domain.recourse import Deadlines
from tests.unit.explainer.cases import REFERENCE, case, sample, section_text

FAMILY = {"quotient_familial": 1180, "parent_isole": False, "activite_parents": True,
          "fratrie_creche": False, "handicap_enfant": False, "anciennete_demande_mois": 8}
FILE = {"ecart_ressources_pct": 12.4, "changements_situation_12_mois": 2,
        "declaration_tardive": True, "changement_situation_familiale_recent": False}


def test_a_recours_gracieux_interrupts_the_court_delay_and_the_dates_are_the_persons():
    lines = section_text(build_document(case(sample("creche-attribution"), FAMILY)),
                         "recourse")
    assert lines == [
        "Les délais courent à partir du jour où vous avez reçu cette décision. Nous les "
        "calculons à partir du 2 novembre 2026, date de la décision. Si vous l'avez reçue plus "
        "tard, vos délais finissent plus tard.",
        "Vous pouvez demander à l'administration de revoir sa décision. Écrivez à : Maire de "
        "Ville-Exemple (recours gracieux). C'est un recours gracieux. Vous pouvez aussi écrire "
        "au supérieur de l'auteur de la décision : c'est un recours hiérarchique. Faites-le "
        "dans les 2 mois, soit au plus tard le 2 janvier 2027.",
        "Ce recours interrompt le délai pour aller devant le juge (article L411-2 du code des "
        "relations entre le public et l'administration). Un nouveau délai de 2 mois commence à "
        "la réponse. Sans réponse dans les 2 mois, votre recours est considéré comme rejeté "
        "(article L231-4 du même code).",
        "Vous pouvez aussi aller directement devant le juge. Le juge compétent est : Tribunal "
        "administratif dont relève Ville-Exemple. Vous avez 2 mois pour le saisir, soit au plus "
        "tard le 2 janvier 2027. C'est l'article R421-1 du code de justice administrative. Vous "
        "pouvez le faire en ligne, sur le site Télérecours citoyens : https://citoyens.telerecours.fr.",
    ]


def test_a_mandatory_prior_appeal_is_explained_with_its_authority_court_and_observations():
    document = build_document(case(sample("ciblage-controles"), FILE))
    lines = section_text(document, "recourse")
    assert lines[1] == (
        "Vous pouvez présenter vos observations, par écrit ou à l'oral, dans un délai de 15 "
        "jours, soit au plus tard le 17 novembre 2026 (articles L121-1 et L122-1 du code des "
        "relations entre le public et l'administration).")
    assert lines[2] == (
        "Avant d'aller devant le juge, vous devez d'abord faire un recours auprès de "
        "l'administration. C'est obligatoire : on parle de recours administratif préalable "
        "obligatoire (RAPO). Adressez-le à : Commission de recours amiable de Caisse-Exemple. "
        "Faites-le dans les 2 mois, soit au plus tard le 2 janvier 2027. Si vous allez devant "
        "le juge sans l'avoir fait, votre demande sera rejetée (articles L412-1 et suivants du "
        "code des relations entre le public et l'administration).")
    assert "le juge compétent est : Pôle social du tribunal judiciaire dont relève votre " \
           "domicile" in lines[3]
    assert "Télérecours" not in " ".join(lines)  # not a juge administratif
    assert document.section("recourse").legal == (
        "Textes : articles L412-1 et L231-4 du code des relations entre le public et "
        "l'administration ; indiqué par l'administration : Code de la sécurité sociale, "
        "article R142-1.")


def test_observations_are_only_offered_against_an_unfavourable_measure():
    favourable = {**FILE, "ecart_ressources_pct": 1, "declaration_tardive": False}
    lines = section_text(build_document(case(sample("ciblage-controles"), favourable)),
                         "recourse")
    assert not any("observations" in line for line in lines)


def test_deadlines_follow_a_later_notification_date():
    deadlines = Deadlines.of(case(sample("creche-attribution"), FAMILY), date(2026, 12, 31))
    assert (deadlines.appeal_by, deadlines.court_by) == (date(2027, 2, 28), date(2027, 2, 28))


def test_contesting_is_offered_online_by_post_phone_mail_and_at_the_counter():
    lines = section_text(build_document(case(sample("creche-attribution"), FAMILY)), "contest")
    assert lines[1:6] == [
        f"- En ligne : https://explicite.example/d/{REFERENCE}/contester",
        "- Par courrier : Service petite enfance de Ville-Exemple, Mairie de Ville-Exemple, 1 "
        "place de la Mairie, 99100 Ville-Exemple",
        "- Par téléphone : 01 23 45 67 89",
        "- Par courriel : petite-enfance@ville-exemple.fr",
        "- Au guichet : Mairie de Ville-Exemple, 1 place de la Mairie, 99100 Ville-Exemple",
    ]
    assert lines[0].startswith("Vous pouvez contester cette décision par le moyen de votre "
                               "choix.")
    assert any("Une personne examinera votre contestation" in line and "10 jours" in line
               for line in lines)


def test_sections_come_essential_first_then_the_four_items_then_the_rest():
    document = build_document(case(sample("creche-attribution"), FAMILY))
    assert [s.key for s in document.sections] == [
        "essential", "contribution", "data", "parameters", "operations", "what_if",
        "protected", "recourse", "contest", "communication", "data_protection", "legal_bases"]
    assert [document.section(k).legal for k in ("contribution", "data", "operations")] == [
        f"Texte : article R311-3-1-2 ({n}) du code des relations entre le public et "
        f"l'administration." for n in ("1°", "2° et 3°", "4°")]
    assert section_text(document, "operations")[0] == (
        "1. Le service obtient votre quotient familial auprès de la CAF et reprend les "
        "informations de votre demande.")


def test_a_revised_decision_names_the_one_it_replaces():
    document = build_document(case(sample("creche-attribution"), FAMILY,
                                   supersedes_reference="D-AAAAA-BBBBB"))
    assert ("Cette décision remplace la décision", "D-AAAAA-BBBBB") in document.facts
