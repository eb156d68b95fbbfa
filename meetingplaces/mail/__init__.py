"""Mail goes through the outbox: queued in the caller's transaction, sent after the response
or by `flask send-mail` from cron, retried with back-off. Sending never breaks a request."""

from .outbox import Attachment, queue_mail, send_due

__all__ = ["Attachment", "queue_mail", "send_due"]
