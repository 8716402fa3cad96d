"""Sending e-mail: a small port, an SMTP adapter, and a local SMTP catcher for dev and tests.

The catcher is a real (minimal) SMTP server in a thread, so the SMTP adapter is exercised as in
production; it keeps what it receives in memory and, given a folder, writes each message there
as an `.eml` file that any mail client opens.
"""

from __future__ import annotations

import abc
import logging
import re
import smtplib
import socketserver
import ssl
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from shared.contracts.fields import is_email_address

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Mail:
    """One message to one recipient, in plain text (what every mail client shows well)."""

    to: str
    subject: str
    text: str
    sender: str = "Explicite <ne-pas-repondre@explicite.invalid>"
    reply_to: str | None = None
    attachments: tuple[Attachment, ...] = ()

    def to_message(self) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = self.to
        message["Subject"] = self.subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = make_msgid(domain="explicite.invalid")
        if self.reply_to:
            message["Reply-To"] = self.reply_to
        message.set_content(self.text)
        for attachment in self.attachments:
            maintype, _, subtype = attachment.content_type.partition("/")
            message.add_attachment(
                attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
            )
        return message


class MailError(RuntimeError):
    """The message could not be handed to the mail server; try again later."""


class Mailer(abc.ABC):
    """Hands messages to a mail server."""

    @abc.abstractmethod
    def send(self, mail: Mail) -> None:
        """Send or raise MailError."""


class SmtpMailer(Mailer):
    """`smtp://[user:password@]host:port[?starttls=1]` or `smtps://...` (implicit TLS)."""

    def __init__(self, url: str, *, timeout: float = 15.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("the SMTP URL must look like smtp://host:port or smtps://host:port")
        self._tls = parts.scheme == "smtps"
        self._starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true")
        self._host = parts.hostname
        self._port = parts.port or (465 if self._tls else 25)
        self._user = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._timeout = timeout

    def send(self, mail: Mail) -> None:
        if not is_email_address(mail.to):
            raise MailError("the recipient is not one e-mail address")
        try:
            client: smtplib.SMTP
            if self._tls:
                client = smtplib.SMTP_SSL(
                    self._host,
                    self._port,
                    timeout=self._timeout,
                    context=ssl.create_default_context(),
                )
            else:
                client = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
            with client:
                if self._starttls:
                    client.starttls(context=ssl.create_default_context())
                if self._user:
                    client.login(self._user, self._password or "")
                # The envelope names the one recipient: never what a header could list.
                client.send_message(mail.to_message(), to_addrs=[mail.to])
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"{type(exc).__name__}: {exc}") from exc


@dataclass
class CaughtMail:
    """A message the catcher received."""

    sender: str
    recipients: list[str]
    raw: bytes
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.default).parsebytes(self.raw)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        return body.get_content().replace("\r\n", "\n") if body is not None else ""

    @property
    def attachment_names(self) -> list[str]:
        return [part.get_filename() or "" for part in self.message.iter_attachments()]


def _address(command: str) -> str:
    """`MAIL FROM:<a@b> BODY=8BITMIME` → `a@b`."""
    found = re.search(r"<([^>]*)>", command)
    return found.group(1) if found else command.partition(":")[2].strip()


class _SmtpSession(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    server: _CatcherServer

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._reply("220 explicite-catcher ESMTP")
        sender, recipients = "", list[str]()
        while True:
            line = self.rfile.readline(65536)
            if not line:
                return
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self._reply("250-explicite-catcher")
                self._reply("250-8BITMIME")
                self._reply("250-SMTPUTF8")
                self._reply("250 SIZE 33554432")
            elif verb == "HELO":
                self._reply("250 explicite-catcher")
            elif verb == "MAIL":
                sender, recipients = _address(command), []
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(_address(command))
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                self.server.deliver(CaughtMail(sender, recipients, self._read_data()))
                self._reply("250 OK: caught")
            elif verb in ("RSET", "NOOP"):
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")

    def _read_data(self) -> bytes:
        lines = []
        while True:
            line = self.rfile.readline(1 << 20)
            if not line or line in (b".\r\n", b".\n"):
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class _CatcherServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, catcher: MailCatcher) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpSession)
        self.catcher = catcher

    def deliver(self, mail: CaughtMail) -> None:
        self.catcher.keep(mail)


class MailCatcher:
    """A local SMTP server that keeps every message instead of delivering it."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.messages: list[CaughtMail] = []
        self._lock = threading.Lock()
        self._server: _CatcherServer | None = None

    def start(self) -> MailCatcher:
        if self._server is None:
            self._server = _CatcherServer(self)
            threading.Thread(
                target=self._server.serve_forever, name="mail-catcher", daemon=True
            ).start()
            log.info("mail catcher listening", extra={"url": self.url, "folder": self.folder})
        return self

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the catcher first"
        return f"smtp://127.0.0.1:{self._server.server_address[1]}"

    def keep(self, mail: CaughtMail) -> None:
        with self._lock:
            self.messages.append(mail)
            number = len(self.messages)
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp = mail.received_at.strftime("%Y%m%dT%H%M%S")
            (self.folder / f"{stamp}-{number:05d}.eml").write_bytes(mail.raw)

    def to(self, address: str) -> list[CaughtMail]:
        with self._lock:
            return [m for m in self.messages if address in m.recipients]

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> MailCatcher:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
