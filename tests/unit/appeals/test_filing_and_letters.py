"""What a person files, checked; and the letters they receive, complete."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.appeals.domain import letters
from services.appeals.domain.deadlines import AppealPolicy, compute_deadlines
from services.appeals.domain.filing import (
    Disputed,
    Filing,
    FilingInvalid,
    Upload,
    check_filing,
    safe_filename,
    sniff,
)
from services.appeals.domain.rules import Ground
from shared.decision_model import CriterionDef

CRITERIA = [CriterionDef("revenu", "Revenu mensuel", "number", "CAF", unit="€"),
            CriterionDef("parent_isole", "Parent isolé", "boolean", "Déclaration")]
RECEIVED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
SERVICE = {"name": "Service petite enfance", "address": "1 place de la Mairie",
           "email": "pe@ville.fr", "phone": "01 23 45 67 89"}


def filing(**changes: object) -> Filing:
    values: dict[str, object] = {"reference": "D-1", "answer_by": "email",
                                 "email": "a@example.org",
                                 "disputed": [Disputed("revenu", "Il a baissé.", "900")],
                                 "account": "Je suis seule."}
    values.update(changes)
    return Filing(**values)  # type: ignore[arg-type]


def test_grounds_are_numbered_with_the_claimed_value_typed():
    checked = check_filing(filing(), CRITERIA, observations_allowed=False)
    assert [(g.id, g.kind, g.criterion, g.claimed_value) for g in checked.grounds] == [
        ("g1", "criterion", "revenu", 900), ("g2", "account", None, None)]


@pytest.mark.parametrize(("changes", "field"), [
    ({"disputed": [], "account": ""}, "grounds"),
    ({"disputed": [Disputed("revenu", "", None)]}, "reason-revenu"),
    ({"disputed": [Disputed("revenu", "x", "beaucoup")]}, "claimed-revenu"),
    ({"disputed": [Disputed("inconnu", "x", None)]}, "criterion-inconnu"),
    ({"answer_by": "post", "postal_address": ""}, "postal_address"),
    ({"email": "pas-une-adresse"}, "email"),
    ({"kind": "observations"}, "kind"),
    ({"account": "a\u202eb"}, "account"),
    ({"uploads": [Upload("x.pdf", b"MZ")]}, "attachments"),
    ({"uploads": [Upload("x.pdf", b"%PDF" + b"0" * (4 * 1024 * 1024))]}, "attachments"),
    ({"uploads": [Upload(f"{n}.png", b"\x89PNG\r\n\x1a\n") for n in range(6)]}, "attachments"),
])
def test_each_problem_is_named_for_its_field(changes, field):
    with pytest.raises(FilingInvalid) as error:
        check_filing(filing(**changes), CRITERIA, observations_allowed=False)
    assert field in error.value.fields


def test_files_are_typed_by_their_first_bytes():
    assert sniff(b"%PDF-1.7") == "application/pdf"
    assert sniff(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff(b"<html>") is None
    assert safe_filename("../../etc/pass\x00wd.pdf") == "passwd.pdf"
    assert safe_filename("") == "piece-jointe"


def case(policy: AppealPolicy, kind: str = "recours") -> letters.Case:
    decided = datetime(2026, 10, 28, 14, 0, tzinfo=UTC)
    return letters.Case(
        appeal_id="R-1", kind=kind, reference="D-1", decision_label="Place non attribuée",
        decided_at=decided, service=SERVICE, policy=policy,
        deadlines=compute_deadlines(kind, RECEIVED, policy, decided),
        grounds=[Ground("g1", "criterion", "Il a baissé.", "revenu", 900),
                 Ground("g2", "account", "Je suis seule.")],
        attachment_names=["attestation.pdf"], page_url="http://x/d/D-1/recours/R-1",
        criterion_labels={"revenu": "Revenu mensuel"})


def test_the_acknowledgement_carries_every_r112_5_item_and_the_voies_et_delais():
    text = letters.acknowledgement(case(AppealPolicy(court="Tribunal administratif de X"))
                                   ).text()
    for item in ("2 novembre 2026", "2 janvier 2027", "L231-4", "Service petite enfance",
                 "1 place de la Mairie", "pe@ville.fr", "01 23 45 67 89", "L411-2",
                 "Tribunal administratif de X", "Revenu mensuel", "attestation.pdf",
                 "http://x/d/D-1/recours/R-1"):
        assert item in text, item
    assert "obligatoire" not in text


def test_the_rapo_and_observations_are_said_when_they_apply():
    rapo = letters.acknowledgement(case(AppealPolicy(mandatory_prior_appeal=True,
                                                     legal_reference="CSS R142-1"))).text()
    assert "L412-1" in rapo and "remplacera la décision initiale" in rapo and "R142-1" in rapo
    observations = letters.acknowledgement(case(AppealPolicy(observations_days=15),
                                                "observations")).text()
    assert "L121-1" in observations and "12 novembre 2026" in observations
    assert "L231-4" not in observations


def test_the_decision_letter_answers_each_ground_with_facts_law_and_the_court():
    outcome = letters.Outcome("amended", "Les faits vérifiés.", "Le texte appliqué.",
                              {"g1": "Corrigé.", "g2": "Entendu."}, RECEIVED,
                              new_label="Place attribuée", new_reference="D-2",
                              corrections={"revenu": (1300, 900)})
    letter = letters.decision_letter(case(AppealPolicy(court="TA de X")), outcome)
    text = letter.text()
    for item in ("est modifiée", "Place attribuée", "D-2", "Les faits vérifiés.",
                 "Le texte appliqué.", "Corrigé.", "Entendu.", "TA de X", "deux mois",
                 "Revenu mensuel : 1\u202f300 devient 900"):
        assert item in text, item
