"""What a person (or an agent on their behalf) files: grounds, their account, attachments."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from services.appeals.domain.revision import parse_typed
from services.appeals.domain.routing import LEGACY_RECOURS
from services.appeals.domain.rules import Ground
from shared.contracts.fields import is_email_address
from shared.decision_model import CriterionDef
from shared.french import format_days
from shared.routes import RECOURS_KINDS

CHANNELS = ("online", "counter", "phone", "letter")
# Said aloud to an agent: it counts only as far as the person can prove it (docs/appeals.md).
ORAL_CHANNELS = ("counter", "phone")
ANSWER_BY = ("email", "post")
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 4 * 1024 * 1024
MAX_TOTAL_BYTES = 10 * 1024 * 1024
MAX_TEXT = 5000
MAX_REASON = 2000
# The first bytes of each accepted type: what the file is, whatever its name says.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


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
    kind: str = ""  # a route kind or "signalement"; empty: the one the route model suggests
    channel: str = "online"
    postmarked_on: date | None = None  # a letter: the postmark's date decides timeliness
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
    kind: str
    grounds: list[Ground]
    files: list[StoredFile]
    contact: dict[str, str | None] = field(default_factory=dict)


def sniff(data: bytes) -> str | None:
    """The content type the bytes really have, among those accepted."""
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def safe_filename(name: str) -> str:
    base = re.split(r"[\\/]", name)[-1]
    cleaned = "".join(
        ch
        for ch in unicodedata.normalize("NFC", base)
        if unicodedata.category(ch)[0] not in ("C", "Z") or ch == " "
    )
    return cleaned.strip(" .")[:100] or "piece-jointe"


def _text_problem(value: str, limit: int) -> str | None:
    if len(value) > limit:
        return f"Ce texte est trop long ({limit} caractères au plus)."
    if any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\r\t" for ch in value):
        return "Ce texte contient des caractères invisibles : retirez-les."
    return None


def check_filing(
    filing: Filing, criteria: Sequence[CriterionDef], kinds: Sequence[str], received_on: date
) -> CheckedFiling:
    """Validate a filing against the decision's criteria and the kinds it can be filed as
    (`routing.filing_kinds`, the suggested one first); FilingInvalid says what to fix."""
    problems: dict[str, str] = {}
    filed_kind = _kind(filing.kind, kinds)
    if filed_kind is None:
        problems["kind"] = (
            "Cette décision ne permet pas cette démarche, ou son délai est "
            "passé. Choisissez une des démarches proposées."
        )
    if filing.channel not in CHANNELS:
        problems["channel"] = "Indiquez comment la demande a été reçue."
    if filing.postmarked_on is not None and filing.channel != "letter":
        problems["postmarked_on"] = "Le cachet de la poste ne concerne que les courriers."
    elif filing.postmarked_on is not None and filing.postmarked_on > received_on:
        problems["postmarked_on"] = (
            "Le cachet de la poste ne peut pas être postérieur à la date de réception."
        )
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
        grounds.append(Ground(f"g{len(grounds) + 1}", "criterion", reason, criterion.code, claimed))
    for kind, text, limit in (
        ("other", filing.other, MAX_TEXT),
        ("account", filing.account, MAX_TEXT),
    ):
        if problem := _text_problem(text, limit):
            problems[kind] = problem
        elif text.strip():
            grounds.append(Ground(f"g{len(grounds) + 1}", kind, text.strip()))
    if not grounds and not problems:
        problems["grounds"] = (
            "Dites ce que vous contestez : un critère, une autre raison, ou votre point de vue."
        )
    contact = _contact(filing, problems)
    files = _files(filing.uploads, problems)
    if problems:
        raise FilingInvalid(problems)
    assert filed_kind is not None
    return CheckedFiling(filed_kind, grounds, files, contact)


def _kind(asked: str, kinds: Sequence[str]) -> str | None:
    """The kind filed: the one asked if allowed; none asked (or the former "recours" of the
    API), the first recours the route model offers."""
    if not asked or asked == LEGACY_RECOURS:
        return next((k for k in kinds if k in RECOURS_KINDS), kinds[0] if kinds else None)
    return asked if asked in kinds else None


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
        problems["email"] = (
            "Indiquez une seule adresse électronique, par exemple prenom.nom@exemple.fr."
        )
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
            problems["attachments"] = f"« {name} » n'est ni un PDF, ni une image PNG ou JPEG."
        else:
            files.append(StoredFile(name, kind, upload.data))
    return files


def disputed_from_form(form: Mapping[str, str], criteria: Sequence[CriterionDef]) -> list[Disputed]:
    """The criteria ticked on the form, with what the person says and claims."""
    return [
        Disputed(c.code, form.get(f"reason-{c.code}", ""), form.get(f"claimed-{c.code}"))
        for c in criteria
        if form.get(f"dispute-{c.code}")
    ]


def contact_notice(algorithm: Mapping[str, Any], retention_days: int) -> str:
    """What the form says where it collects the contact details and attachments (RGPD art.
    13: at the time of collection, the purpose, the recipients and how long they are kept;
    the rest — the controller, the officer, the rights, the CNIL — is on the decision's page,
    « Vos données personnelles », which the form links to: the CNIL's layered information).
    `retention_days`: the purge the deployment applies (`personal_data_retention_days`)."""
    organisation = algorithm.get("organisation") or {}
    controller = organisation.get("name") or algorithm["responsible_service"]["name"]
    kept = (
        f"Explicite les efface {format_days(retention_days)} après votre demande, une fois "
        "qu'elle a reçu sa réponse."
        if retention_days > 0
        else "Aucune durée n'est fixée pour les effacer : demandez-la au délégué à la "
        "protection des données."
    )
    # The organisation's name comes as registered (« Commune de Ville-Exemple », « Collège-
    # Exemple »): between brackets, it needs no article (« de la », « du ») we cannot know.
    return (
        "Vos coordonnées et vos pièces servent seulement à examiner votre demande et à vous "
        f"répondre. Seuls les agents qui traitent les contestations ({controller}) et ceux "
        f"qui contrôlent ces accès les voient. {kept}"
    )
