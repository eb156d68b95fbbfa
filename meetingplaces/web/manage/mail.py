"""Mail that could not be delivered, with its error: the city coordinator sees all of it, a
quarter manager the mail about their quarters (policy "view" on OutboxMessage)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...forms.base import ConfirmForm
from ...mail import send_again
from ...mail.outbox import failed_messages_for
from ...models import OutboxMessage
from ..clock import now
from . import bp, get_or_404, require


@bp.get("/mail")
def failed_mail():
    require("list", OutboxMessage)
    return render_template("manage/mail.html",
                           messages=failed_messages_for(db.session, current_user),
                           form=ConfirmForm())


@bp.post("/mail/<int:message_id>/retry")
def retry_mail(message_id: int):
    message = get_or_404(OutboxMessage, message_id)
    require("send_again", message)
    if ConfirmForm().validate_on_submit():
        send_again(db.session, message, now=now())
        db.session.commit()
        flash(_("The message will be sent again."), "success")
    return redirect(url_for("manage.failed_mail"))
