"""Linear models in French: weight × value, the threshold or the amount, the value that flips."""

from services.explainer.domain.explanation import build_document
from tests.unit.explainer.cases import case, heating_aid, sample, section_text

FILE = {"ecart_ressources_pct": 12.4, "changements_situation_12_mois": 2,
        "declaration_tardive": True, "changement_situation_familiale_recent": False}


def test_each_weight_times_the_persons_value_then_the_score_against_the_threshold():
    assert section_text(build_document(case(sample("ciblage-controles"), FILE)),
                        "parameters") == [
        "Un score est calculé. Chaque information compte pour un nombre de points, selon son "
        "poids. Avec un score de 40 points ou plus, le résultat est : dossier retenu pour un "
        "contrôle sur pièces.",
        "- Écart entre les ressources déclarées à la caisse et celles connues des impôts : "
        "12,4 %. Règle : 1,5 point par point d'écart. Calcul : 12,4 × 1,5 = 18,6 points.",
        "- Changements de situation déclarés sur 12 mois : 2. Règle : 8 points par changement "
        "de situation. Calcul : 2 × 8 = 16 points.",
        "- Dernière déclaration de ressources arrivée après la date limite : oui. Règle : 10 "
        "points si la déclaration est arrivée en retard. Cela compte pour 10 points.",
        "- Changement de situation familiale depuis moins de 6 mois : non. Règle : 12 points si "
        "la situation familiale a changé récemment. Cela compte pour 0 point.",
        "Votre score : 44,6 points. Il atteint le seuil de 40 points. Le résultat est donc : "
        "dossier retenu pour un contrôle sur pièces.",
    ]


def test_the_value_each_criterion_alone_would_need_with_the_resulting_score():
    lines = section_text(build_document(case(sample("ciblage-controles"), FILE)), "what_if")
    assert lines[0].endswith("Ce calcul porte sur le résultat de l'algorithme : la décision "
                             "reste celle d'un contrôleur de la caisse.")
    assert lines[1:] == [
        "- Si « Écart entre les ressources déclarées à la caisse et celles connues des impôts » "
        "avait été de 9,3 % au plus (au lieu de 12,4 %), votre score aurait été de 39,95 points "
        "au lieu de 44,6 : il n'aurait pas atteint le seuil de 40 points. Le résultat aurait "
        "été : dossier non retenu pour un contrôle.",
        "- Si « Changements de situation déclarés sur 12 mois » avait été de 1 au plus (au lieu "
        "de 2), votre score aurait été de 36,6 points au lieu de 44,6 : il n'aurait pas atteint "
        "le seuil de 40 points. Le résultat aurait été : dossier non retenu pour un contrôle.",
        "- Si la réponse à « Dernière déclaration de ressources arrivée après la date limite » "
        "avait été non (au lieu de oui), votre score aurait été de 34,6 points au lieu de 44,6 "
        ": il n'aurait pas atteint le seuil de 40 points. Le résultat aurait été : dossier non "
        "retenu pour un contrôle.",
        "Ces informations ne peuvent pas être changées. Nous ne proposons donc aucune piste "
        "pour elles : « Changement de situation familiale depuis moins de 6 mois ».",
    ]


def test_an_amount_is_computed_clamped_and_explained():
    document = build_document(case(heating_aid(), {"revenu_mensuel": 1600, "personnes_foyer": 2}))
    assert section_text(document, "parameters") == [
        "Un montant est calculé. Chaque information compte selon son poids. Le calcul part de "
        "300 €. Le montant est arrondi. Il reste compris entre 0 € et 400 €.",
        "- Revenu mensuel du foyer : 1 600 €. Règle : moins 0,25 € par euro de revenu. Calcul "
        ": 1 600 × -0,25 = -400 €.",
        "- Personnes vivant au foyer : 2. Règle : 40 € par personne. Calcul : 2 × 40 = 80 €.",
        "Le calcul donne -20 €. Le montant ne peut pas être inférieur à 0 €. Montant retenu : "
        "0 €. Le résultat est donc : aide au chauffage refusée.",
    ]
    assert section_text(document, "what_if")[1:] == [
        "- Si « Revenu mensuel du foyer » avait été de 1 518 € au plus (au lieu de 1 600 €), le "
        "montant aurait été de 1 € au lieu de 0 €. Le résultat aurait été : aide au chauffage "
        "accordée.",
        "- Si « Personnes vivant au foyer » avait été de 3 au moins (au lieu de 2), le montant "
        "aurait été de 20 € au lieu de 0 €. Le résultat aurait été : aide au chauffage "
        "accordée.",
    ]


def test_a_granted_amount_appears_in_the_outcome_sentence():
    document = build_document(case(heating_aid(), {"revenu_mensuel": 800, "personnes_foyer": 3}))
    assert document.outcome == ("Décision du 2 novembre 2026 : aide au chauffage accordée, pour "
                                "un montant de 220\u00a0€.")
