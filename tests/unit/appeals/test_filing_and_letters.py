"""What a person files, checked; and the letters they receive, complete."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.appeals.domain.filing import (
    Disputed,
    Filing,
    FilingInvalid,
    Upload,
    check_filing,
    safe_filename,
    sniff,
)
from shared.decision_model import CriterionDef
from shared.routes import GRACIEUX, OBSERVATIONS, PREALABLE

CRITERIA = [
    CriterionDef("revenu", "Revenu mensuel", "number", "CAF", unit="€"),
    CriterionDef("parent_isole", "Parent isolé", "boolean", "Déclaration"),
]
RECEIVED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
SERVICE = {
    "name": "Service petite enfance",
    "address": "1 place de la Mairie",
    "email": "pe@ville.fr",
    "phone": "01 23 45 67 89",
}


def filing(**changes: object) -> Filing:
    values: dict[str, object] = {
        "reference": "D-1",
        "answer_by": "email",
        "email": "a@example.org",
        "disputed": [Disputed("revenu", "Il a baissé.", "900")],
        "account": "Je suis seule.",
    }
    values.update(changes)
    return Filing(**values)  # type: ignore[arg-type]


def test_grounds_are_numbered_with_the_claimed_value_typed():
    checked = check_filing(filing(), CRITERIA, [GRACIEUX], RECEIVED.date())
    assert [(g.id, g.kind, g.criterion, g.claimed_value) for g in checked.grounds] == [
        ("g1", "criterion", "revenu", 900),
        ("g2", "account", None, None),
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"disputed": [], "account": ""}, "grounds"),
        ({"disputed": [Disputed("revenu", "", None)]}, "reason-revenu"),
        ({"disputed": [Disputed("revenu", "x", "beaucoup")]}, "claimed-revenu"),
        ({"disputed": [Disputed("inconnu", "x", None)]}, "criterion-inconnu"),
        ({"answer_by": "post", "postal_address": ""}, "postal_address"),
        ({"email": "pas-une-adresse"}, "email"),
        ({"kind": "observations"}, "kind"),
        ({"postmarked_on": date(2026, 11, 1)}, "postmarked_on"),
        ({"channel": "letter", "postmarked_on": date(2026, 11, 3)}, "postmarked_on"),
        ({"account": "a\u202eb"}, "account"),
        ({"uploads": [Upload("x.pdf", b"MZ")]}, "attachments"),
        ({"uploads": [Upload("x.pdf", b"%PDF" + b"0" * (4 * 1024 * 1024))]}, "attachments"),
        ({"uploads": [Upload(f"{n}.png", b"\x89PNG\r\n\x1a\n") for n in range(6)]}, "attachments"),
    ],
)
def test_each_problem_is_named_for_its_field(changes, field):
    with pytest.raises(FilingInvalid) as error:
        check_filing(filing(**changes), CRITERIA, [GRACIEUX], RECEIVED.date())
    assert field in error.value.fields


def test_files_are_typed_by_their_first_bytes():
    assert sniff(b"%PDF-1.7") == "application/pdf"
    assert sniff(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff(b"<html>") is None
    assert safe_filename("../../etc/pass\x00wd.pdf") == "passwd.pdf"
    assert safe_filename("") == "piece-jointe"


def test_the_kind_filed_is_the_one_asked_among_those_allowed_else_the_first_recours():
    assert (
        check_filing(filing(), CRITERIA, [OBSERVATIONS, GRACIEUX], RECEIVED.date()).kind == GRACIEUX
    )
    assert (
        check_filing(filing(kind="recours"), CRITERIA, [PREALABLE], RECEIVED.date()).kind
        == PREALABLE
    )
    assert (
        check_filing(
            filing(kind=OBSERVATIONS), CRITERIA, [OBSERVATIONS, GRACIEUX], RECEIVED.date()
        ).kind
        == OBSERVATIONS
    )
