"""Mail goes through the outbox: queued in the caller's transaction, sent after the response
or by `flask send-mail` from cron, retried with back-off. Sending never breaks a request."""

from .outbox import QUEUED_FLAG, Attachment, queue_mail, send_due

__all__ = ["QUEUED_FLAG", "Attachment", "queue_mail", "send_due"]
