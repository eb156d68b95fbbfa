"""Queue and deliver mail: exactly once, each message on its own.

A sender claims one due message at a time in a short transaction (PostgreSQL: FOR UPDATE SKIP
LOCKED, so senders pass each other; SQLite: the write lock, the sender lock), pushing its
next attempt a lease ahead; then it talks SMTP outside any transaction, with timeouts, and
stores the outcome only if the claim is still its own. A sender that dies mid-way leaves the
message to be claimed again once the lease is over. No request worker sends: `flask
send-mail --watch` (or the same command from cron) does.
"""

import logging
import re
import secrets
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from .. import logs
from ..database import begin_write, lock_row
from ..models import OutboxMessage
from ..models.types import utcnow
from ..policy import can
from .direction import reads_right_to_left, with_direction_marks

log = logging.getLogger("meetingplaces.mail")

# Set on a session that queued mail (kept for callers that ask whether a step queued any).
QUEUED_FLAG = "meetingplaces.mail_queued"
# Line breaks and other control characters: user text in a header would end it or add another.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
SUBJECT_MAX = 300


@dataclass(frozen=True)
class Attachment:
    """A file a mail carries: its `data`, or a `recipe` (JSON) from which the maker registered
    under `maker` writes it when the mail is sent, not in the request that queued it."""

    filename: str
    content_type: str  # e.g. "text/calendar; method=PUBLISH"
    data: str = ""
    maker: str = ""
    recipe: dict | None = None


# name -> function(recipe) -> the attachment's text; see attachment_maker
MAKERS: dict[str, Callable[[dict], str]] = {}


def attachment_maker(name: str):
    """Register a function that writes an attachment from its recipe when the mail is sent."""

    def register(function):
        MAKERS[name] = function
        return function

    return register


def attachment_data(attachment: dict) -> str:
    """The text of a stored attachment: kept as it is, or written now from its recipe (an
    unknown maker is a KeyError: the message cannot be built, and no retry changes that)."""
    if attachment.get("maker"):
        return MAKERS[attachment["maker"]](attachment["recipe"])
    return attachment["data"]


def header_text(value: str, limit: int = SUBJECT_MAX) -> str:
    """User text made safe for one header line: control characters become single spaces."""
    return " ".join(_CONTROL.sub(" ", value or "").split())[:limit]


def queue_mail(session, recipient: str, subject: str, body: str,
               attachments: list[Attachment] = (), *, quarter_id: int | None = None
               ) -> OutboxMessage:
    """Store a message in the outbox, in the caller's transaction: it goes out only if that
    transaction commits. A mail written right to left gets direction marks (direction.py).
    `quarter_id`: the quarter it is about, whose managers see it if it cannot be delivered."""
    right_to_left = reads_right_to_left(body)
    subject = with_direction_marks(subject, right_to_left)
    body = with_direction_marks(body, right_to_left)
    message = OutboxMessage(
        recipient=recipient,
        subject=header_text(subject),
        body=body,
        attachments=[a.__dict__ for a in attachments],
        request_id=logs.request_id.get(),
        quarter_id=quarter_id,
    )
    session.add(message)
    session.info[QUEUED_FLAG] = True
    return message


@dataclass(frozen=True)
class Claimed:
    """What a sender needs of a message it claimed, read inside the claiming transaction."""

    id: int
    recipient: str
    subject: str
    body: str
    attachments: list
    attempts: int
    created_at: datetime
    request_id: str | None = None


def _backoff(attempts: int, config) -> timedelta:
    first = float(config.get("MAIL_RETRY_SECONDS") or 120)
    return timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), 12 * 3600))


def _lease(config) -> timedelta:
    """How long a claim holds: longer than the slowest SMTP conversation the timeouts allow."""
    return timedelta(seconds=max(60, 10 * float(config.get("MAIL_TIMEOUT") or 10)))


def _build(message: Claimed, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient  # a broken address fails this message alone
    email["Subject"] = header_text(message.subject)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    # One id per outbox row: a copy that a crash made a sender deliver again is recognisable.
    email["Message-ID"] = f"<outbox-{message.id}-{int(message.created_at.timestamp())}@{domain}>"
    email.set_content(message.body)
    for attachment in message.attachments:
        maintype, _, subtype = attachment["content_type"].partition("/")
        subtype, _, params = subtype.partition(";")
        email.add_attachment(
            attachment_data(attachment).encode(),
            maintype=maintype,
            subtype=subtype.strip(),
            filename=header_text(attachment["filename"], 120),
        )
        part = email.get_payload()[-1]
        for param in params.split(";"):  # e.g. "charset=utf-8; method=PUBLISH"
            key, _, value = param.strip().partition("=")
            if key:
                part.set_param(key, value)
    return email


def _print(email: EmailMessage, message: Claimed) -> None:
    """Development without MAIL_SERVER: the mail, readable, on the sender's console."""
    rule = "-" * 72
    print(f"{rule}\nFrom: {email['From']}\nTo: {message.recipient}\n"  # noqa: T201
          f"Subject: {email['Subject']}\n\n{message.body}\n"
          + "".join(f"[attachment {a['filename']}]\n" for a in message.attachments)
          + rule, flush=True)


def _deliver(email: EmailMessage, message: Claimed, config) -> None:
    server = config.get("MAIL_SERVER")
    if not server:
        _print(email, message)
        return
    port = int(config.get("MAIL_PORT") or 25)
    # One timeout for connecting and for every read: a server that accepts and never greets
    # costs a sender this long, and nobody else anything.
    timeout = float(config.get("MAIL_TIMEOUT") or 10)
    if config.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(server, port, timeout=timeout,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(server, port, timeout=timeout)
    with smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(email)


def _due(now: datetime):
    return (OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
            OutboxMessage.next_attempt_at <= now)


def claim(session, *, now: datetime, lease: timedelta, claimer: str) -> Claimed | None:
    """Take the oldest due message for this sender, or None when nothing is due."""
    begin_write(session)
    query = select(OutboxMessage).where(*_due(now)).order_by(OutboxMessage.id).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    message = session.scalars(query).first()
    if message is None:
        session.rollback()
        return None
    message.attempts += 1
    message.next_attempt_at = now + lease
    message.claimed_by = claimer
    claimed = Claimed(message.id, message.recipient, message.subject, message.body,
                      list(message.attachments or ()), message.attempts, message.created_at,
                      message.request_id)
    session.commit()
    return claimed


def _settle(session, claimed: Claimed, claimer: str, **values) -> None:
    """Store a sending's outcome if the claim is still ours; retried, as a lost 'sent' would
    make the message go out again."""
    for attempt in range(5):
        try:
            begin_write(session)
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == claimed.id, OutboxMessage.claimed_by == claimer)
                .values(claimed_by=None, **values))
            session.commit()
            return
        except DBAPIError:
            session.rollback()
            if attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


def send_due(session, config, now: datetime | None = None, limit: int = 100) -> tuple[int, int]:
    """Send up to `limit` due messages, one claim at a time; returns (sent, failed). A message
    that fails is retried with back-off until MAIL_MAX_ATTEMPTS, then marked failed with its
    error for an admin to see; it never stops the others."""
    fixed_now = now
    claimer = secrets.token_hex(8)
    lease = _lease(config)
    max_attempts = int(config.get("MAIL_MAX_ATTEMPTS", 8))
    sent = failed = 0
    for _ in range(limit):
        moment = fixed_now or utcnow()
        claimed = claim(session, now=moment, lease=lease, claimer=claimer)
        if claimed is None:
            break
        # Lines about this mail name the request that queued it, not the sender's own.
        fields = {"request_id": claimed.request_id, "mail_id": claimed.id,
                  "attempt": claimed.attempts}
        try:
            email = _build(claimed, config["MAIL_SENDER"])
        except (ValueError, TypeError, KeyError) as error:  # nothing a retry would change
            failed += 1
            log.warning("Mail %s cannot be built: %s", claimed.id, type(error).__name__,
                        extra=fields)
            _settle(session, claimed, claimer, failed_at=moment,
                    last_error=f"{type(error).__name__}: {error}"[:2000])
            continue
        try:
            _deliver(email, claimed, config)
        except (OSError, smtplib.SMTPException) as error:
            failed += 1
            log.warning("Mail %s failed: %s", claimed.id, type(error).__name__, extra=fields)
            outcome = ({"failed_at": moment} if claimed.attempts >= max_attempts
                       else {"next_attempt_at": moment + _backoff(claimed.attempts, config)})
            _settle(session, claimed, claimer, last_error=f"{type(error).__name__}: {error}"
                    [:2000], **outcome)
        else:
            sent += 1
            _settle(session, claimed, claimer, sent_at=fixed_now or utcnow(), last_error="")
            log.info("Mail %s sent", claimed.id, extra=fields)
    return sent, failed


def failed_messages(session, limit: int = 200, *,
                    quarter_ids: list[int] | None = None) -> list[OutboxMessage]:
    """Given-up messages and those still retrying after an error, newest first; only those
    about `quarter_ids` when given."""
    query = (select(OutboxMessage)
             .where(OutboxMessage.sent_at.is_(None), OutboxMessage.last_error != "")
             .order_by(OutboxMessage.failed_at.is_(None), OutboxMessage.id.desc())
             .limit(limit))
    if quarter_ids is not None:
        query = query.where(OutboxMessage.quarter_id.in_(quarter_ids))
    return list(session.scalars(query))


def failed_messages_for(session, viewer, limit: int = 200) -> list[OutboxMessage]:
    """The undelivered mail `viewer` may see (policy "view"): the city coordinator all of it,
    a quarter manager the mail about the quarters they manage, nobody else any."""
    quarter_ids = (None if can(viewer, "administer", OutboxMessage)
                   else [quarter.id for quarter in viewer.managed_quarters])
    return [message for message in failed_messages(session, limit, quarter_ids=quarter_ids)
            if can(viewer, "view", message)]


def send_again(session, message: OutboxMessage, *, now: datetime) -> None:
    """The city coordinator or a manager of its quarter sends a given-up message again: it
    is due at once with fresh attempts. A message still on its way (not given up) is left
    alone: taking its claim away would make the sender's outcome go unrecorded and the mail go
    out twice. Decided under the row's lock, as the sender settles its claim."""
    message = lock_row(session, message)
    if message.sent_at is not None or message.failed_at is None:
        return
    message.failed_at = None
    message.claimed_by = None
    message.attempts = 0
    message.next_attempt_at = now
