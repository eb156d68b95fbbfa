"""Mail about events: to the quarter's managers when a proposal arrives, to the proposer when
a manager decides, and to the people responsible when the booking an event is held in goes
wrong. Queued in the caller's transaction, written in each recipient's language."""

from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..i18n import day_text, moment_text, span_text
from ..links import absolute_url
from ..mail import queue_mail
from ..models import User, quarter_managers
from ..models.bookings import Booking
from ..models.events import Event
from ..policy import can
from .booked_rooms import resources_held, room_names


def _when(event: Event) -> str:
    if event.all_day:
        return day_text(event.start_date)
    return moment_text(event.starts_at.astimezone(ZoneInfo(event.timezone)).replace(tzinfo=None))


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
                quarter_id=event.quarter_id,
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
        queue_mail(session, proposer.email, subject, body, quarter_id=event.quarter_id)


def responsible_for(session, event: Event) -> list[User]:
    """Who must hear what happens to an event: the quarter's managers, and the members of its
    organisation who may edit it (while it is a draft or a proposal). Nobody else."""
    people = {user.id: user for user in session.scalars(
        select(User).join(quarter_managers, quarter_managers.c.user_id == User.id)
        .where(quarter_managers.c.quarter_id == event.quarter_id, User.active)
        .order_by(User.id))}
    if event.organisation is not None:
        for membership in event.organisation.memberships:
            if can(membership.user, "edit", event):
                people.setdefault(membership.user_id, membership.user)
    return list(people.values())


def _date_lines(event: Event, dates) -> str:
    zone = ZoneInfo(event.timezone)
    lines = []
    for occurrence in dates:
        starts, ends = occurrence.starts_at.astimezone(zone), occurrence.ends_at.astimezone(zone)
        lines.append(f"- {day_text(starts.date())}" if event.all_day
                     else f"- {span_text(starts.replace(tzinfo=None), ends.replace(tzinfo=None))}")
    return "\n".join(lines)


def tell_of_booking_trouble(session, event: Event, booking: Booking, trouble) -> None:
    """The booking an event is held in was cancelled or rejected, left the event's quarter or
    no longer holds some of its dates: the people responsible get a link to the event's edit
    page. The booking's title and page only go to those who may see the booking; the booker's
    name, address and reasons never."""
    link = absolute_url("events.edit", event_id=event.id)
    rooms = room_names(booking) or ", ".join(r.name for r in resources_held(booking))
    for person in responsible_for(session, event):
        with force_locale(person.preferred_language):
            if trouble.reason == "cancelled":
                subject = _("Booking cancelled for the event: %(title)s", title=event.title)
                what = _("the booking of %(rooms)s that the event \"%(title)s\" is held in has "
                         "been cancelled. The room is no longer held for the event.",
                         rooms=rooms, title=event.title)
            elif trouble.reason == "rejected":
                subject = _("Booking rejected for the event: %(title)s", title=event.title)
                what = _("the booking of %(rooms)s that the event \"%(title)s\" is held in has "
                         "been rejected. The room is not held for the event.",
                         rooms=rooms, title=event.title)
            elif trouble.reason == "elsewhere":
                subject = _("Booking changed for the event: %(title)s", title=event.title)
                what = _("the booking that the event \"%(title)s\" is held in no longer holds "
                         "a room in %(quarter)s. It is now for: %(rooms)s.",
                         title=event.title, quarter=event.quarter.name, rooms=rooms)
            else:
                subject = _("Booking changed for the event: %(title)s", title=event.title)
                what = "\n".join([
                    _("the booking of %(rooms)s that the event \"%(title)s\" is held in no "
                      "longer covers these dates of the event:", rooms=rooms, title=event.title),
                    _date_lines(event, trouble.dates)])
            lines = [_("Hello %(name)s,", name=person.name), what]
            if can(person, "view_private", booking):
                booking_link = absolute_url("bookings.show", booking_id=booking.id)
                lines.append("\n".join([_("The booking: %(title)s", title=booking.title),
                                        booking_link]))
            lines += [_("The event itself has not been changed. Please choose another booking "
                        "or place for it, change its dates, or cancel it here:"), link]
            queue_mail(session, person.email, subject, "\n\n".join(lines),
                       quarter_id=event.quarter_id)
