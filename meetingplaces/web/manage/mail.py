"""Mail that could not be delivered, with its error, for the city coordinator to act on."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...extensions import db
from ...forms.base import ConfirmForm
from ...mail import failed_messages, send_again
from ...models import OutboxMessage
from ..clock import now
from . import bp, get_or_404, require


@bp.get("/mail")
def failed_mail():
    require("administer", OutboxMessage)
    return render_template("manage/mail.html", messages=failed_messages(db.session),
                           form=ConfirmForm())


@bp.post("/mail/<int:message_id>/retry")
def retry_mail(message_id: int):
    require("administer", OutboxMessage)
    message = get_or_404(OutboxMessage, message_id)
    if ConfirmForm().validate_on_submit():
        send_again(db.session, message, now=now())
        db.session.commit()
        flash(_("The message will be sent again."), "success")
    return redirect(url_for("manage.failed_mail"))
