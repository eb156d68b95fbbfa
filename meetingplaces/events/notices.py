"""Mail about proposals: to the quarter's managers when one arrives, to the proposer when a
manager decides. Queued in the caller's transaction, written in each recipient's language."""

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..mail import queue_mail
from ..models import User, quarter_managers
from ..models.events import Event


def _when(event: Event) -> str:
    if event.all_day:
        return event.start_date.isoformat()
    return event.starts_at.isoformat(timespec="minutes")


def tell_managers_of_proposal(session, event: Event) -> None:
    managers = session.scalars(
        select(User).join(quarter_managers, quarter_managers.c.user_id == User.id)
        .where(quarter_managers.c.quarter_id == event.quarter_id, User.active)
    ).all()
    for manager in managers:
        with force_locale(manager.preferred_language):
            queue_mail(
                session, manager.email,
                _("New event proposal: %(title)s", title=event.title),
                _("%(organisation)s proposes the event \"%(title)s\" (%(when)s) in %(quarter)s. "
                  "It waits in the moderation queue.",
                  organisation=event.organisation.name if event.organisation else "",
                  title=event.title, when=_when(event), quarter=event.quarter.name),
            )


def tell_proposer(session, event: Event, *, approved: bool) -> None:
    proposer = event.proposed_by
    if proposer is None or not proposer.active:
        return
    with force_locale(proposer.preferred_language):
        if approved:
            subject = _("Your event is published: %(title)s", title=event.title)
            body = _("The managers of %(quarter)s published your event \"%(title)s\" (%(when)s).",
                     quarter=event.quarter.name, title=event.title, when=_when(event))
        else:
            subject = _("Your event was not published: %(title)s", title=event.title)
            body = _("The managers of %(quarter)s did not publish your event \"%(title)s\" "
                     "(%(when)s).\n\nReason: %(reason)s\n\nYou can change the proposal and "
                     "send it again.", quarter=event.quarter.name, title=event.title,
                     when=_when(event), reason=event.rejection_reason)
        queue_mail(session, proposer.email, subject, body)
