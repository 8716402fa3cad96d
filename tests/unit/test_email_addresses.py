"""Exactly one e-mail address per field (issue 11: `a@x.fr,direction,rh` was accepted, and
the acknowledgement went to each)."""

from __future__ import annotations

from datetime import date

import pytest
from marshmallow import ValidationError

from services.appeals.adapters.mail import Mail, MailError, SmtpMailer
from services.appeals.domain.filing import Filing, FilingInvalid, check_filing
from shared.contracts.algorithm import ServiceContactSchema
from shared.contracts.decision import ContactSchema
from shared.contracts.fields import is_email_address

ONE = ["personne@example.org", "prenom.nom+recours@sous.domaine-ville.fr", "a_b@x.io"]
SEVERAL_OR_TRICKS = [
    "a@x.fr,direction,rh",
    "a@x.fr, b@y.fr",
    "a@x.fr;b@y.fr",
    "Nom <a@x.fr>",
    '"a,b"@x.fr',
    "a@x.fr (direction)",
    "a@x.fr\nBcc: b@y.fr",
    "a@x.fr\r\nTo: b@y.fr",
    "a b@x.fr",
    "a@x",
    "a@@x.fr",
    "@x.fr",
    "a@-x.fr",
    "a..b@x.fr",
    "a@x.fr.",
    "é@x.fr",
    "a@" + "x" * 250 + ".fr",
]


@pytest.mark.parametrize("address", ONE)
def test_one_address_is_accepted_everywhere(address: str):
    assert is_email_address(address)
    assert ContactSchema().load({"email": address})["email"] == address


@pytest.mark.parametrize("address", SEVERAL_OR_TRICKS)
def test_several_addresses_or_a_disguised_one_are_refused_everywhere(address: str):
    assert not is_email_address(address)
    with pytest.raises(ValidationError):
        ContactSchema().load({"email": address})
    with pytest.raises(ValidationError):
        ServiceContactSchema().load({"name": "S", "address": "A", "phone": "1", "email": address})
    with pytest.raises(FilingInvalid) as refused:
        check_filing(
            Filing(
                reference="D-AAAAA-00000",
                other="Motif du recours.",
                answer_by="email",
                email=address,
            ),
            [],
            ["gracieux"],
            date(2026, 11, 30),
        )
    assert "email" in refused.value.fields


def test_the_mailer_sends_to_one_recipient_or_not_at_all():
    with pytest.raises(MailError):
        SmtpMailer("smtp://127.0.0.1:9").send(Mail(to="a@x.fr,direction,rh", subject="s", text="t"))
