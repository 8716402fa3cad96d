"""Letters that stand up: addressee, place and date, one outcome sentence, the next step with
its date, the voies et délais of the new situation, the signer's name, quality and delegation;
an acknowledgement that tells the truth about timeliness and oral filings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from services.appeals.domain import letters
from services.appeals.domain.deadlines import compute_deadlines
from services.appeals.domain.routing import routing_for
from services.appeals.domain.rules import Ground
from shared.routes import GRACIEUX, PREALABLE, SIGNALEMENT, Start, load_recourse
from shared.samples import SAMPLE_ALGORITHMS

RECEIVED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
DECIDED = datetime(2026, 10, 28, 14, 0, tzinfo=UTC)
SIGNER = letters.Signer(
    "Camille",
    "Martin",
    "instructeur du service petite enfance",
    "Par délégation du maire, arrêté n° 2026-12 (exemple)",
)
ADDRESS = "Léa Dubois\n3 rue des Lilas\n99100 Ville-Exemple"


def document(algorithm_id: str) -> dict[str, Any]:
    return next(d for d in SAMPLE_ALGORITHMS if d["id"] == algorithm_id)


def case(
    algorithm_id: str = "creche-attribution", kind: str = GRACIEUX, **changes: Any
) -> letters.Case:
    doc = document(algorithm_id)
    routing = routing_for(load_recourse(doc), Start(date(2026, 10, 28), False), kind)
    values: dict[str, Any] = dict(
        appeal_id="R-ABCDE-FGHIJ",
        reference="D-CRECH-00001",
        decision_label="Place en crèche non proposée",
        decided_at=DECIDED,
        service=doc["responsible_service"],
        routing=routing,
        deadlines=compute_deadlines(routing, RECEIVED),
        grounds=[
            Ground("g1", "criterion", "Je suis seule.", "parent_isole", True),
            Ground("g2", "account", "Je travaille à temps plein."),
        ],
        attachment_names=["attestation.pdf"],
        page_url="http://x/d/D-CRECH-00001/recours/R-1",
        criterion_labels={"parent_isole": "Parent qui élève seul son enfant"},
        filed_on=date(2026, 11, 2),
        in_time=True,
        postal_address=ADDRESS,
        email="lea@example.org",
    )
    values.update(changes)
    return letters.Case(**values)


def outcome(result: str = "maintained", **changes: Any) -> letters.Outcome:
    values: dict[str, Any] = dict(
        result=result,
        facts="La CAF indique un couple au 1er mars.",
        law="Délibération n° 2025-117, article 2.",
        answers={
            "g1": "Votre déclaration du 1er mars dit « en couple ».",
            "g2": "Votre emploi compte pour 10 points.",
        },
        decided_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
        main_reason="votre total de 45 points reste sous le seuil de 60 points",
        signer=SIGNER,
    )
    values.update(changes)
    return letters.Outcome(**values)


def test_a_letter_has_the_addressee_the_place_and_date_and_the_signer():
    letter = letters.decision_letter(case(), outcome())
    assert letter.addressee == ("Léa Dubois", "3 rue des Lilas", "99100 Ville-Exemple")
    assert letter.place_date == "Ville-Exemple, le 20 novembre 2026"
    assert letter.sender[0] == "Service petite enfance de Ville-Exemple"
    assert letter.signature == (
        "Par délégation du maire, arrêté n° 2026-12 (exemple)",
        "Camille Martin",
        "instructeur du service petite enfance",
    )
    assert "Appelez le 01 23 45 67 89" in letter.contact
    text = letter.text()
    assert (
        text.index("Léa Dubois")
        < text.index("Ville-Exemple, le 20 novembre 2026")
        < text.index(letter.title)
        < text.index("Camille Martin")
    )


def test_a_maintained_refusal_says_it_stays_refused_and_why_and_where_to_go_next():
    letter = letters.decision_letter(case(), outcome())
    assert letter.title == "Réponse à votre recours : décision maintenue"
    assert letter.summary == (
        "Votre demande reste refusée, parce que votre total de 45 "
        "points reste sous le seuil de 60 points."
    )
    steps = next(s for s in letter.sections if s.heading == "Ce qui va se passer")
    assert steps.paragraphs[0] == (
        "La décision contestée reste en vigueur. Si vous voulez aller devant le juge, faites-le "
        "au plus tard le 20 janvier 2027 : c'est 2 mois après cette lettre. Si vous l'avez "
        "reçue plus tard, vous avez plus de temps."
    )
    rights = next(s for s in letter.sections if s.heading == "Si vous n'êtes pas d'accord")
    assert rights.paragraphs[0].startswith(
        "Si vous n'êtes pas d'accord avec cette décision, vous pouvez saisir le juge dans les 2 "
        "mois après l'avoir reçue. Le juge compétent est le tribunal administratif dont relève "
        "Ville-Exemple."
    )
    assert (
        "Un nouveau recours auprès de l'administration n'arrêterait pas ce délai."
        in rights.paragraphs[0]
    )
    who = next(s for s in letter.sections if s.heading == "Qui a décidé").paragraphs[0]
    assert who == (
        "Cette décision a été prise le 20 novembre 2026 par Camille Martin, "
        "instructeur du service petite enfance, après examen de votre dossier."
    )


def test_modified_only_when_the_result_changed():
    granted = letters.decision_letter(
        case(),
        outcome(
            "amended",
            changed=True,
            new_label="Place en crèche proposée",
            new_favourable=True,
            new_reference="D-NEW00-00001",
            corrections={"parent_isole": (False, True)},
        ),
    )
    assert granted.title == "Réponse à votre recours : décision modifiée"
    assert granted.summary == "Votre demande est acceptée : place en crèche proposée."
    steps = next(s for s in granted.sections if s.heading == "Ce qui va se passer")
    assert "D-NEW00-00001" in steps.paragraphs[0]
    same = letters.decision_letter(
        case(),
        outcome(
            "amended",
            changed=False,
            new_label="Place en crèche non proposée",
            corrections={"parent_isole": (False, True)},
        ),
    )
    assert same.title == "Réponse à votre recours : données corrigées, résultat inchangé"
    assert same.summary.startswith(
        "Des données ont été corrigées, mais votre demande reste refusée, parce que"
    )
    assert "modifiée" not in same.text()


def test_an_aid_granted_on_recours_says_its_amount():
    transport = case("aide-transport-scolaire", decision_label="Aide refusée")
    letter = letters.decision_letter(
        transport,
        outcome(
            "amended",
            changed=True,
            new_label="Aide au transport scolaire accordée",
            new_favourable=True,
            new_amount=150,
        ),
    )
    assert letter.summary == (
        "Votre demande est acceptée : aide au transport scolaire "
        "accordée, d'un montant de 150\u00a0€."
    )


def test_corrected_values_are_written_with_their_unit():
    transport = case(
        "aide-transport-scolaire",
        decision_label="Aide refusée",
        criterion_labels={"revenu_fiscal_reference": "Revenu fiscal de référence"},
        criterion_units={"revenu_fiscal_reference": "€"},
    )
    letter = letters.decision_letter(
        transport,
        outcome(
            "amended",
            changed=True,
            new_label="Aide au transport scolaire accordée",
            new_favourable=True,
            corrections={"revenu_fiscal_reference": (27300, 24000)},
        ),
    )
    assert (
        "Revenu fiscal de référence : 27\u202f300\u00a0€ devient 24\u202f000\u00a0€"
        in letter.text()
    )


def test_an_annulment_says_what_happens_to_the_request_and_by_when():
    letter = letters.decision_letter(
        case(), outcome("annulled", main_reason="", reexamine_by=date(2026, 12, 18))
    )
    assert letter.summary == (
        "La décision du 28 octobre 2026 est annulée : votre demande "
        "sera examinée à nouveau, et vous recevrez une nouvelle décision "
        "au plus tard le 18 décembre 2026."
    )
    assert letter.title.endswith("décision annulée")


def test_a_prior_appeal_is_decided_by_the_commission_at_its_meeting():
    control = case("ciblage-controles", PREALABLE)
    letter = letters.decision_letter(
        control,
        outcome(
            body="la commission de recours amiable de Caisse-Exemple",
            deliberated_on=date(2026, 11, 18),
        ),
    )
    who = next(s for s in letter.sections if s.heading == "Qui a décidé").paragraphs[0]
    assert who == (
        "La commission de recours amiable de Caisse-Exemple a pris cette décision "
        "lors de sa séance du 18 novembre 2026. Le dossier a été préparé par "
        "Camille Martin, instructeur du service petite enfance."
    )
    assert letter.signature[0] == "Pour la commission de recours amiable de Caisse-Exemple"
    text = letter.text()
    assert "pôle social du tribunal judiciaire" in text and "Télérecours" not in text
    assert "C'est cette décision, et non la décision de départ, que vous contestez." in text
    assert "L412-7" in text


def test_the_acknowledgement_says_what_was_filed_to_whom_and_the_r112_5_items():
    text = letters.acknowledgement(case()).text()
    for item in (
        "Vous avez fait un recours gracieux adressé au maire de Ville-Exemple.",
        "2 novembre 2026",
        "considéré comme rejeté",
        "2 janvier 2027",
        "Service petite enfance de Ville-Exemple",
        "1 place de la Mairie",
        "petite-enfance@ville-exemple.fr",
        "01 23 45 67 89",
        "Ce recours arrête le délai pour aller devant le juge.",
        "tribunal administratif dont relève Ville-Exemple",
        "L411-2",
        "L231-4",
        "Parent qui élève seul son enfant",
        "attestation.pdf",
        "Léa Dubois",
    ):
        assert item in text, item
    assert "hiérarchique" not in text


def test_a_late_recours_is_acknowledged_truthfully():
    text = letters.acknowledgement(case(in_time=False)).text()
    assert "Ce recours arrête le délai" not in text
    assert (
        "Ce recours a été fait après la fin du délai. Il sera examiné, mais il n'arrête "
        "pas le délai pour aller devant le juge : ce délai est terminé."
    ) in text
    assert "Délai pour faire ce recours : dépassé (il finissait le 28 décembre 2026)" in text


def test_a_postmark_and_an_oral_filing_are_said_with_what_to_do():
    posted = letters.acknowledgement(case(channel="letter", postmarked_on=date(2026, 10, 31)))
    assert (
        "Date du cachet de la poste : 31 octobre 2026 : c'est cette date qui compte pour le délai"
    ) in posted.text()
    phoned = letters.acknowledgement(case(channel="phone", written=False)).text()
    assert (
        "Vous avez fait votre demande à l'oral. Un agent l'a notée et vous envoie cet "
        "accusé de réception : gardez-le, il prouve la date de votre demande."
    ) in phoned
    assert (
        "confirmez aussi votre recours par écrit (en ligne, par courriel ou par courrier) "
        "au plus tard le 28 décembre 2026."
    ) in phoned
    assert "Ce recours arrête le délai" not in phoned
    assert "à condition de pouvoir prouver qu'il a été fait : confirmez-le par écrit" in phoned


def test_a_signalement_is_not_acknowledged_as_a_recours():
    control = case("ciblage-controles", SIGNALEMENT, in_time=None)
    letter = letters.acknowledgement(control)
    text = letter.text()
    assert letter.title == "Accusé de réception de votre signalement"
    assert (
        "Ce n'est pas un recours : le choix de votre dossier pour un contrôle ne peut pas "
        "être contesté." in text
    )
    assert "Notre réponse : au plus tard le 2 décembre 2026" in text
    assert "commission de recours amiable" not in text.split("Vos droits")[0]
    assert (
        "Pour la contester, vous devrez d'abord faire un recours à la commission de recours "
        "amiable de Caisse-Exemple, avant d'aller devant le juge. C'est obligatoire."
    ) in text
    assert "L231-4" not in text and "rejeté" not in text


def test_the_answer_to_a_signalement_says_what_follows_the_selection():
    control = case("ciblage-controles", SIGNALEMENT, in_time=None)
    kept = letters.decision_letter(control, outcome())
    assert kept.title == "Réponse à votre signalement"
    assert kept.summary.startswith(
        "Le choix de votre dossier pour un contrôle est maintenu, parce que"
    )
    steps = next(s for s in kept.sections if s.heading == "Ce qui va se passer")
    assert steps.paragraphs[0].startswith("Le contrôle aura lieu.")
    assert "aller devant le juge, faites-le" not in kept.text()
    rights = next(s for s in kept.sections if s.heading == "Si vous n'êtes pas d'accord")
    assert rights.paragraphs[0].startswith(
        "Vous pourrez contester la décision que la caisse prendra après le contrôle"
    )
    assert "commission de recours amiable de Caisse-Exemple" in rights.paragraphs[1]
    dropped = letters.decision_letter(control, outcome("annulled", main_reason=""))
    assert dropped.summary == "Votre dossier n'est plus retenu pour un contrôle."


def test_a_claimed_value_is_written_with_its_unit():
    text = letters.acknowledgement(
        case(
            grounds=[Ground("g1", "criterion", "Il a baissé.", "quotient_familial", 600)],
            criterion_labels={"quotient_familial": "Quotient familial de la famille"},
            criterion_units={"quotient_familial": "€"},
        )
    ).text()
    assert "Quotient familial de la famille (valeur exacte selon vous : 600\u00a0€)" in text


def test_a_corrected_signalement_that_changes_the_result_says_the_file_is_dropped():
    """Corrected data that bring the score under the threshold end the selection: the letter
    must not say that the check still takes place (review finding 1)."""
    control = case("ciblage-controles", SIGNALEMENT, in_time=None)
    corrected = letters.decision_letter(
        control,
        outcome(
            "amended",
            changed=True,
            new_label="Dossier non retenu pour un contrôle",
            new_favourable=True,
            new_reference="D-NEW00-00002",
            main_reason="votre séparation date de 2024",
            corrections={"changement_situation_familiale_recent": (True, False)},
        ),
    )
    assert corrected.summary == (
        "Votre dossier n'est plus retenu pour un contrôle, parce que votre séparation date de 2024."
    )
    text = corrected.text()
    assert "maintenu" not in text and "Le contrôle aura lieu" not in text
    assert "Envoyez les pièces" not in text
    steps = next(s for s in corrected.sections if s.heading == "Ce qui va se passer")
    assert steps.paragraphs[0].startswith(
        "Vous n'avez aucune pièce à envoyer pour ce contrôle. Une nouvelle décision remplace"
    )
    assert "D-NEW00-00002" in steps.paragraphs[0]
    same = letters.decision_letter(
        control,
        outcome(
            "amended",
            changed=False,
            new_label="Dossier retenu pour un contrôle sur pièces",
            corrections={"declaration_tardive": (True, False)},
        ),
    )
    assert same.summary.startswith(
        "Des données ont été corrigées, mais le choix de votre "
        "dossier pour un contrôle est maintenu, parce que"
    )
    assert (
        next(s for s in same.sections if s.heading == "Ce qui va se passer")
        .paragraphs[0]
        .startswith("Le contrôle aura lieu.")
    )


def test_a_signalement_names_the_later_decision_and_its_delay_without_ambiguity():
    """« Vous avez 2 mois à partir du jour où vous recevez cette décision » read in an answer
    to a selection points at the selection, which is not contestable (review finding 4)."""
    control = case("ciblage-controles", SIGNALEMENT, in_time=None)
    for letter in (letters.acknowledgement(control), letters.decision_letter(control, outcome())):
        text = letter.text()
        assert "recevez cette décision" not in text
        assert (
            "Vous aurez 2 mois pour le faire, à partir du jour où vous recevrez cette décision-là."
        ) in text


def test_a_late_recours_is_promised_no_new_court_delay():
    """A recours made after the court delay does not prorogate it, and the answer to it opens
    no new delay (L411-2 CRPA: only a recours made « dans le délai imparti pour l'introduction
    d'un recours contentieux » interrupts it): neither the acknowledgement nor the letter may
    offer « 2 mois » for the court (review finding 2)."""
    late = case(in_time=False)
    acknowledged = letters.acknowledgement(late).text()
    assert "Vous pourrez alors aller devant le juge dans les 2 mois" not in acknowledged
    assert (
        "Sans réponse le 2 janvier 2027, votre recours sera considéré comme rejeté." in acknowledged
    )
    kept = letters.decision_letter(late, outcome())
    text = kept.text()
    assert "faites-le au plus tard" not in text
    assert "vous pouvez saisir le juge dans les 2 mois" not in text
    assert (
        "Votre recours a été fait après la fin du délai : cette réponse ne vous ouvre pas "
        "un nouveau délai pour aller devant le juge."
    ) in text
    assert "demandez conseil à une association ou à un avocat" in text
    # In time, the letter still gives the court and its date.
    assert (
        "faites-le au plus tard le 20 janvier 2027"
        in letters.decision_letter(case(), outcome()).text()
    )


def test_a_late_filing_counted_from_the_decision_date_asks_when_it_was_received():
    """The delay runs from the day the person received the decision (R421-1 CJA); when only
    the decision date is known, lateness is not a fact yet (review finding 3)."""
    text = letters.acknowledgement(case(in_time=False)).text()
    assert (
        "Ce délai a été compté à partir du 28 octobre 2026, date de la décision. Si vous "
        "l'avez reçue plus tard, dites-nous à quelle date : votre recours est peut-être "
        "dans le délai."
    ) in text
    notified = routing_for(
        load_recourse(document("creche-attribution")), Start(date(2026, 10, 30), True), GRACIEUX
    )
    assert (
        "date de la décision"
        not in letters.acknowledgement(case(in_time=False, routing=notified)).text()
    )


def test_an_annulment_sends_the_person_to_the_new_decision_not_to_court():
    """The annulment gives the person what they asked; the new decision carries its own voies
    et délais (R421-5 CJA) (review finding 6)."""
    letter = letters.decision_letter(
        case(), outcome("annulled", main_reason="", reexamine_by=date(2026, 12, 18))
    )
    rights = next(s for s in letter.sections if s.heading == "Si vous n'êtes pas d'accord")
    assert rights.paragraphs == (
        "La nouvelle décision vous dira comment la contester et dans quel délai.",
    )
    assert "saisir le juge" not in letter.text()


def test_guillemets_never_end_a_line():
    """French typography: a no-break space inside « », so that a printed letter never leaves
    « alone at the end of a line (seen in the acknowledgement's PDF)."""
    text = letters.acknowledgement(case()).text()
    assert "«\u00a0Place en crèche non proposée\u00a0»" in text


def test_a_decision_confirmed_by_a_supervisor_names_both_people():
    """Four eyes: the person is told that a second agent examined and confirmed the decision,
    by name and quality, not only the statistics (review finding 12)."""
    validator = letters.Signer("Nadia", "Bensaïd", "responsable du service petite enfance")
    letter = letters.decision_letter(case(), outcome(validator=validator))
    who = next(s for s in letter.sections if s.heading == "Qui a décidé").paragraphs[0]
    assert who == (
        "Cette décision a été prise le 20 novembre 2026 par Camille Martin, "
        "instructeur du service petite enfance, après examen de votre dossier. "
        "Nadia Bensaïd, responsable du service petite enfance, a examiné le dossier "
        "à son tour et l'a confirmée."
    )
