"""Statistics for supervisors, the mail catcher behind the SMTP adapter, argon2 passwords."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from services.appeals.domain.stats import compute
from shared.auth.passwords import generate_password, hash_password, verify_password
from shared.mail import Attachment, Mail, MailCatcher, MailError, SmtpMailer

T0 = datetime(2026, 11, 2, tzinfo=UTC)


def appeal(
    ref: str,
    outcome: str | None,
    *,
    days: float = 10,
    exam: int = 900,
    reviewer: str = "a",
    new_code: str | None = None,
    corrections=None,
    grounds=("revenu",),
    version: str = "1",
    in_time: bool | None = True,
    written: bool = True,
    kind: str = "gracieux",
    examination: dict | None = None,
) -> SimpleNamespace:
    decided = T0 + timedelta(days=days) if outcome else None
    return SimpleNamespace(
        reference=ref,
        algorithm_id="creche",
        algorithm_version=version,
        status="decided" if outcome else "in_review",
        outcome=outcome,
        new_outcome_code=new_code,
        received_at=T0,
        decided_at=decided,
        legal_due_at=T0 + timedelta(days=61),
        internal_due_at=T0 + timedelta(days=7),
        examined_seconds=exam if outcome else None,
        decided_by=reviewer if outcome else None,
        corrections=corrections or {},
        grounds=[{"criterion": c} for c in grounds],
        in_time=in_time,
        written=written,
        kind=kind,
        examination=examination,
    )


def test_overturns_delays_criteria_and_rubber_stamping():
    flipped = {"recomputation": {"flips": True}, "targeted": True}
    appeals = [
        appeal(
            "A",
            "maintained",
            days=2,
            exam=30,
            reviewer="fast",
            examination={**flipped, "confirmed_by": "sup", "sent_back": 1},
        ),
        appeal(
            "B",
            "maintained",
            days=4,
            exam=40,
            reviewer="fast",
            in_time=False,
            written=False,
            examination={"recomputation": {"flips": False}},
        ),
        appeal(
            "C", "amended", days=12, new_code="attribution", corrections={"revenu": [1300, 900]}
        ),
        appeal("D", "amended", days=20, new_code="refus", corrections={"age": [3, 4]}),
        appeal("E", "annulled", days=70),
        appeal("F", None),
    ]
    codes = dict.fromkeys("ABCDEF", "refus")
    stats = compute(appeals, codes, T0 + timedelta(days=80), short_seconds=120)
    version = stats.versions[0]
    assert (version.appeals, version.open, version.decided, version.overturned) == (6, 1, 5, 2)
    assert version.overturn_rate == 0.4 and version.median_days == 12
    assert version.missed_legal == 2  # E decided late, F still open past the deadline
    assert version.missed_internal == 4
    assert (version.late, version.oral, version.kinds) == (1, 1, (("gracieux", 6),))
    assert (version.recomputed, version.flipped, version.targeted) == (2, 1, 1)
    assert (version.confirmed, version.sent_back, version.confirmation_rate) == (1, 1, 0.5)
    criteria = {c.code: (c.disputed, c.corrected) for c in stats.criteria}
    assert criteria == {"revenu": (6, 1), "age": (0, 1)}
    fast = next(r for r in stats.reviewers if r.reviewer == "fast")
    assert fast.agreement_rate == 1 and fast.short_share == 1
    assert abs(fast.median_minutes - 35 / 60) < 1e-9


def test_the_smtp_adapter_delivers_to_the_catcher_with_the_pdf(tmp_path):
    with MailCatcher(tmp_path) as catcher:
        SmtpMailer(catcher.url).send(
            Mail(
                to="lea@example.org",
                subject="Accusé de réception — recours",
                text="Bonjour,\n.\nVotre recours du 2 novembre 2026 : 1\u202f200 €.",
                attachments=(Attachment("ar.pdf", "application/pdf", b"%PDF-1.4"),),
            )
        )
        deadline = time.monotonic() + 5
        while not catcher.messages and time.monotonic() < deadline:
            time.sleep(0.02)
    caught = catcher.to("lea@example.org")[0]
    assert caught.subject == "Accusé de réception — recours"
    assert "\n.\n" in caught.text and "1\u202f200 €" in caught.text
    assert caught.attachment_names == ["ar.pdf"]
    assert len(list(tmp_path.glob("*.eml"))) == 1


def test_an_unreachable_server_is_a_mail_error():
    try:
        SmtpMailer("smtp://127.0.0.1:1", timeout=2).send(Mail(to="a@b.fr", subject="s", text="t"))
    except MailError as exc:
        assert "refused" in str(exc).lower() or "connect" in str(exc).lower()
    else:
        raise AssertionError("no error")


def test_passwords_are_argon2_and_checked_in_constant_shape():
    password = generate_password()
    stored = hash_password(password)
    assert stored.startswith("$argon2id$") and password not in stored
    assert verify_password(stored, password)
    assert not verify_password(stored, password + "x")
    assert not verify_password(None, password)


def test_the_date_header_names_its_zone():
    """« -0000 » means « local time, offset unknown » (RFC 5322 § 3.3); the mails are dated
    in UTC and must say so, or a client may show the wrong hour."""
    header = Mail(to="a@example.org", subject="s", text="t").to_message()["Date"]
    assert header.endswith(("+0000", "GMT")) and "-0000" not in header
