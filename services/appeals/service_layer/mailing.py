"""Sending queued e-mails after commit, one per transaction; failures are retried, then kept
as `failed` for an agent to see and retry."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr

from services.appeals.adapters.mail import Attachment, Mail, Mailer, MailError
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most six hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=6))


def sender_for(sender: str, service: str | None) -> str:
    """The From of a letter names the service that wrote it, sent through Explicite's address:
    « Service petite enfance de Ville-Exemple via Explicite <ne-pas-repondre@…> ». Replies go
    to the service (Reply-To); the address stays the platform's, which the mail server may
    send for (SPF, DKIM)."""
    if not service:
        return sender
    name, address = parseaddr(sender)
    if not address:
        return sender
    via = f"{service.strip()} via {name}" if name else service.strip()
    return formataddr((" ".join(via.split()), address))


def send_due_emails(
    uow_factory: Callable[[], AppealsUnitOfWork],
    mailer: Mailer,
    now: Callable[[], datetime],
    sender: str,
    limit: int = 50,
) -> int:
    """Send up to `limit` due e-mails; return how many went out."""
    sent = 0
    for _ in range(limit):
        with uow_factory() as uow:
            rows = uow.office.due_emails(now(), 1)
            if not rows:
                return sent
            row = rows[0]
            attachments = (
                (Attachment(row.attachment_name, "application/pdf", row.attachment),)
                if row.attachment
                else ()
            )
            try:
                mailer.send(
                    Mail(
                        to=row.recipient,
                        subject=row.subject,
                        text=row.body,
                        sender=sender_for(sender, row.sender_name),
                        reply_to=row.reply_to,
                        attachments=attachments,
                    )
                )
            except MailError as exc:
                attempts = row.attempts + 1
                failed = attempts >= MAX_ATTEMPTS
                uow.office.update_dispatch(
                    row.id,
                    attempts=attempts,
                    last_error=str(exc)[:2000],
                    status="failed" if failed else "pending",
                    next_attempt_at=now() + retry_delay(attempts),
                )
                log.warning(
                    "e-mail not sent",
                    extra={
                        "dispatch": row.id,
                        "attempts": attempts,
                        "error": str(exc),
                        "gave_up": failed,
                    },
                )
            else:
                uow.office.update_dispatch(
                    row.id, status="sent", sent_at=now(), attempts=row.attempts + 1, last_error=None
                )
                sent += 1
            uow.commit()
    return sent


def retry(uow: AppealsUnitOfWork, administration: str, dispatch_id: int, now: datetime) -> bool:
    """An agent asks to try a failed e-mail again."""
    row = uow.office.dispatch_by_id(administration, dispatch_id)
    if row is None or row.status != "failed":
        return False
    uow.office.update_dispatch(dispatch_id, status="pending", attempts=0, next_attempt_at=now)
    return True


def mark_posted(
    uow: AppealsUnitOfWork, administration: str, dispatch_id: int, now: datetime
) -> bool:
    """An agent printed and posted a letter."""
    row = uow.office.dispatch_by_id(administration, dispatch_id)
    if row is None or row.status != "to_print":
        return False
    uow.office.update_dispatch(dispatch_id, status="posted", sent_at=now)
    return True
