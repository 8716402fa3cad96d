"""What a person (or an agent on their behalf) files: grounds, their account, attachments."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.appeals.domain.deadlines import KINDS, RECOURS
from services.appeals.domain.revision import parse_typed
from services.appeals.domain.rules import Ground
from shared.contracts.fields import is_email_address
from shared.decision_model import CriterionDef

CHANNELS = ("online", "counter", "phone", "letter")
ANSWER_BY = ("email", "post")
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 4 * 1024 * 1024
MAX_TOTAL_BYTES = 10 * 1024 * 1024
MAX_TEXT = 5000
MAX_REASON = 2000
# The first bytes of each accepted type: what the file is, whatever its name says.
SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"),
              (b"\xff\xd8\xff", "image/jpeg"))


class FilingInvalid(Exception):
    """French messages per field, to show beside the form's fields."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class Disputed:
    criterion: str
    reason: str
    claimed: Any = None  # a string to parse (forms) or a JSON value (API); None if not given


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class Filing:
    reference: str
    kind: str = RECOURS
    channel: str = "online"
    disputed: Sequence[Disputed] = ()
    other: str = ""
    account: str = ""
    answer_by: str = "email"
    email: str = ""
    postal_address: str = ""
    uploads: Sequence[Upload] = ()


@dataclass(frozen=True)
class StoredFile:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class CheckedFiling:
    grounds: list[Ground]
    files: list[StoredFile]
    contact: dict[str, str | None] = field(default_factory=dict)


def sniff(data: bytes) -> str | None:
    """The content type the bytes really have, among those accepted."""
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def safe_filename(name: str) -> str:
    base = re.split(r"[\\/]", name)[-1]
    cleaned = "".join(ch for ch in unicodedata.normalize("NFC", base)
                      if unicodedata.category(ch)[0] not in ("C", "Z") or ch == " ")
    return cleaned.strip(" .")[:100] or "piece-jointe"


def _text_problem(value: str, limit: int) -> str | None:
    if len(value) > limit:
        return f"Ce texte est trop long ({limit} caractères au plus)."
    if any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\r\t" for ch in value):
        return "Ce texte contient des caractères invisibles : retirez-les."
    return None


def check_filing(filing: Filing, criteria: Sequence[CriterionDef],
                 observations_allowed: bool) -> CheckedFiling:
    """Validate a filing against the decision's criteria; FilingInvalid says what to fix."""
    problems: dict[str, str] = {}
    if filing.kind not in KINDS:
        problems["kind"] = "Choisissez un recours ou des observations."
    elif filing.kind != RECOURS and not observations_allowed:
        problems["kind"] = ("Le délai pour présenter des observations sur cette décision est "
                            "passé, ou cette décision n'en prévoit pas : faites un recours.")
    if filing.channel not in CHANNELS:
        problems["channel"] = "Indiquez comment la demande a été reçue."
    by_code = {c.code: c for c in criteria}
    grounds: list[Ground] = []
    for item in filing.disputed:
        criterion = by_code.get(item.criterion)
        if criterion is None:
            problems[f"criterion-{item.criterion}"[:80]] = "Ce critère n'existe pas."
            continue
        key = f"reason-{criterion.code}"
        reason = item.reason.strip()
        if not reason:
            problems[key] = "Expliquez pourquoi vous contestez ce critère."
        elif problem := _text_problem(reason, MAX_REASON):
            problems[key] = problem
        claimed = _claimed(criterion, item.claimed, problems)
        grounds.append(Ground(f"g{len(grounds) + 1}", "criterion", reason, criterion.code,
                              claimed))
    for kind, text, limit in (("other", filing.other, MAX_TEXT),
                              ("account", filing.account, MAX_TEXT)):
        if problem := _text_problem(text, limit):
            problems[kind] = problem
        elif text.strip():
            grounds.append(Ground(f"g{len(grounds) + 1}", kind, text.strip()))
    if not grounds and not problems:
        problems["grounds"] = ("Dites ce que vous contestez : un critère, une autre raison, "
                               "ou votre point de vue.")
    contact = _contact(filing, problems)
    files = _files(filing.uploads, problems)
    if problems:
        raise FilingInvalid(problems)
    return CheckedFiling(grounds, files, contact)


def _claimed(criterion: CriterionDef, raw: Any, problems: dict[str, str]) -> Any:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = ("oui" if raw else "non") if isinstance(raw, bool) else str(raw)
    try:
        return parse_typed(criterion, text)
    except ValueError as exc:
        problems[f"claimed-{criterion.code}"] = str(exc)
        return None


def _contact(filing: Filing, problems: dict[str, str]) -> dict[str, str | None]:
    email, address = filing.email.strip(), filing.postal_address.strip()
    if filing.answer_by not in ANSWER_BY:
        problems["answer_by"] = "Choisissez comment recevoir la réponse."
    if email and not is_email_address(email):
        problems["email"] = ("Indiquez une seule adresse électronique, par exemple "
                             "prenom.nom@exemple.fr.")
    elif filing.answer_by == "email" and not email:
        problems["email"] = "Indiquez l'adresse électronique où recevoir la réponse."
    if problem := _text_problem(address, 500):
        problems["postal_address"] = problem
    elif filing.answer_by == "post" and not address:
        problems["postal_address"] = "Indiquez l'adresse postale où recevoir la réponse."
    return {"email": email or None, "postal_address": address or None}


def _files(uploads: Sequence[Upload], problems: dict[str, str]) -> list[StoredFile]:
    uploads = [u for u in uploads if u.data or u.filename]
    if len(uploads) > MAX_ATTACHMENTS:
        problems["attachments"] = f"Joignez {MAX_ATTACHMENTS} fichiers au plus."
        return []
    if sum(len(u.data) for u in uploads) > MAX_TOTAL_BYTES:
        problems["attachments"] = "Les fichiers joints dépassent 10 Mo au total."
        return []
    files = []
    for upload in uploads:
        name = safe_filename(upload.filename)
        kind = sniff(upload.data)
        if len(upload.data) > MAX_ATTACHMENT_BYTES:
            problems["attachments"] = f"« {name} » dépasse 4 Mo."
        elif kind is None:
            problems["attachments"] = (f"« {name} » n'est ni un PDF, ni une image PNG ou JPEG.")
        else:
            files.append(StoredFile(name, kind, upload.data))
    return files


def disputed_from_form(form: Mapping[str, str], criteria: Sequence[CriterionDef]
                       ) -> list[Disputed]:
    """The criteria ticked on the form, with what the person says and claims."""
    return [Disputed(c.code, form.get(f"reason-{c.code}", ""), form.get(f"claimed-{c.code}"))
            for c in criteria if form.get(f"dispute-{c.code}")]
