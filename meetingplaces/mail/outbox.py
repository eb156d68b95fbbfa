"""Queue and deliver mail."""

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select

from ..models import OutboxMessage
from ..models.types import utcnow

log = logging.getLogger("meetingplaces.mail")

# Set on a session that queued mail, so the web layer sends only after requests that did.
QUEUED_FLAG = "meetingplaces.mail_queued"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "text/calendar; method=PUBLISH"
    data: str


def queue_mail(session, recipient: str, subject: str, body: str,
               attachments: list[Attachment] = ()) -> OutboxMessage:
    """Store a message in the outbox, in the caller's transaction: it goes out only if that
    transaction commits."""
    message = OutboxMessage(
        recipient=recipient,
        subject=subject,
        body=body,
        attachments=[a.__dict__ for a in attachments],
    )
    session.add(message)
    session.info[QUEUED_FLAG] = True
    return message


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** attempts, 12 * 60))


def _build(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    for attachment in message.attachments:
        maintype, _, subtype = attachment["content_type"].partition("/")
        subtype, _, params = subtype.partition(";")
        email.add_attachment(
            attachment["data"].encode(),
            maintype=maintype,
            subtype=subtype.strip(),
            filename=attachment["filename"],
        )
        part = email.get_payload()[-1]
        for param in params.split(";"):  # e.g. "charset=utf-8; method=PUBLISH"
            key, _, value = param.strip().partition("=")
            if key:
                part.set_param(key, value)
    return email


def _deliver(email: EmailMessage, config) -> None:
    server = config.get("MAIL_SERVER")
    if not server:
        log.info("Mail (no MAIL_SERVER set, not sent):\n%s", email.as_string())
        return
    port = int(config.get("MAIL_PORT") or 25)
    if config.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(server, port, timeout=10, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(server, port, timeout=10)
    with smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(email)


def send_due(session, config, now: datetime | None = None, limit: int = 100) -> tuple[int, int]:
    """Send what is due; returns (sent, failed). A failure is kept for a later retry until
    MAIL_MAX_ATTEMPTS, then marked failed; it never raises."""
    now = now or utcnow()
    due = session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    for message in due:
        message.attempts += 1
        try:
            _deliver(_build(message, config["MAIL_SENDER"]), config)
        except (OSError, smtplib.SMTPException) as error:
            failed += 1
            message.last_error = f"{type(error).__name__}: {error}"
            if message.attempts >= int(config.get("MAIL_MAX_ATTEMPTS", 8)):
                message.failed_at = now
            else:
                message.next_attempt_at = now + _backoff(message.attempts)
            log.warning("Mail %s to %s failed: %s", message.id, message.recipient, error)
        else:
            sent += 1
            message.sent_at = now
        session.commit()
    return sent, failed
