"""Grounds of discrimination listed by article 225-1 of the Code pénal, with French labels."""

from types import MappingProxyType

# Codes are stored in the registry; labels are shown to the public as written here.
PROTECTED_GROUNDS = MappingProxyType(
    {
        "origine": "Origine",
        "sexe": "Sexe",
        "situation_de_famille": "Situation de famille",
        "grossesse": "Grossesse",
        "apparence_physique": "Apparence physique",
        "particuliere_vulnerabilite_economique": (
            "Particulière vulnérabilité résultant de la situation économique"
        ),
        "patronyme": "Patronyme",
        "lieu_de_residence": "Lieu de résidence",
        "etat_de_sante": "État de santé",
        "perte_d_autonomie": "Perte d'autonomie",
        "handicap": "Handicap",
        "caracteristiques_genetiques": "Caractéristiques génétiques",
        "moeurs": "Mœurs",
        "orientation_sexuelle": "Orientation sexuelle",
        "identite_de_genre": "Identité de genre",
        "age": "Âge",
        "opinions_politiques": "Opinions politiques",
        "activites_syndicales": "Activités syndicales",
        "capacite_a_s_exprimer_dans_une_langue_autre_que_le_francais": (
            "Capacité à s'exprimer dans une langue autre que le français"
        ),
        "appartenance_ou_non_appartenance_a_une_ethnie_une_nation_une_pretendue_race_ou_une_religion": (  # noqa: E501
            "Appartenance ou non-appartenance, vraie ou supposée, à une ethnie, une nation, "
            "une prétendue race ou une religion déterminée"
        ),
    }
)
