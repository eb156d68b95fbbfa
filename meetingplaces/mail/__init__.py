"""Mail goes through the outbox: queued in the caller's transaction, sent by `flask send-mail
--watch` (or the same command from cron), retried with back-off. Sending never breaks a request."""

from .outbox import (
    QUEUED_FLAG,
    Attachment,
    attachment_data,
    attachment_maker,
    failed_messages,
    header_text,
    queue_mail,
    send_again,
    send_due,
)

__all__ = ["QUEUED_FLAG", "Attachment", "attachment_data", "attachment_maker",
           "failed_messages", "header_text", "queue_mail", "send_again", "send_due"]
