"""The e-mails of the booking engine, queued through the outbox in the caller's transaction:
request received (to the quarter's managers), confirmed / approved / rejected / cancelled /
changed (to the requester or guest), each with the booking as an .ics attachment; the guest's
confirmation link and the waiting list's offer. Each in its recipient's language.

BookingMails listens to the booking engine (booking.listeners); create_app() builds it with
the city's zone, the languages, the signing key of the links and a link builder."""

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..calendar import ics
from ..i18n import day_text, moment_text, span_text
from ..mail import Attachment, attachment_maker, queue_mail
from ..models import Resource, User, quarter_managers
from ..models.audit import AuditEntry, known_count
from ..models.bookings import Booking, BookingStatus, Guest, OccurrenceStatus, WaitingRequest
from ..timeline import to_local
from .listeners import BookingChange, SlotOffered
from .tokens import guest_token, offer_token

# link(endpoint, **values) -> an absolute URL for a mail
LinkBuilder = Callable[..., str]


def sequence_of(session, booking: Booking) -> int:
    """SEQUENCE for iCalendar: every change writes an audit entry, so their count only grows."""
    known = known_count(session, "booking", booking.id)
    if known is not None:
        return known
    session.flush()
    return session.scalar(
        select(func.count(AuditEntry.id)).where(
            AuditEntry.subject_type == "booking", AuditEntry.subject_id == booking.id)
    ) or 0


BOOKING_FILE = "booking.ics"


@attachment_maker(BOOKING_FILE)
def booking_file(recipe: dict) -> str:
    """A booking mail's calendar file, written by the sender from the snapshot queued with
    the mail: serialising it is no work for the request that queued it."""
    booking = ics.booking_from_snapshot(recipe["booking"])
    organizer = recipe["organizer"]
    return ics.booking_calendar([booking], zone=ZoneInfo(recipe["zone"]), name=booking.title,
                                sequences={booking.id: recipe["sequence"]},
                                descriptions={booking.id: booking.purpose}, feed=False,
                                method=recipe["method"],
                                organizer=tuple(organizer) if organizer else None,
                                attendee=recipe["attendee"])


def requester_of(booking: Booking) -> User | Guest | None:
    return booking.guest if booking.guest_id is not None else booking.requested_by


def managers_of(session, booking: Booking) -> list[User]:
    """The active managers of the quarters the booking's resources lie in."""
    quarter_ids = {r.quarter_id for r in booking.resources}
    return list(session.scalars(
        select(User)
        .join(quarter_managers, quarter_managers.c.user_id == User.id)
        .where(quarter_managers.c.quarter_id.in_(quarter_ids), User.active.is_(True))
        .distinct()
        .order_by(User.id)
    ))


def quarter_of(booking: Booking) -> int | None:
    """The quarter a booking's mail is about, whose managers see it if it cannot be
    delivered: its rooms' quarter (of several, the one with the lowest id)."""
    return min((r.quarter_id for r in booking.resources), default=None)


def _quarter_of_entry(session, entry: WaitingRequest) -> int | None:
    return min(session.scalars(select(Resource.quarter_id)
                               .where(Resource.id.in_(entry.resource_ids or []))), default=None)


def _greeting(name: str) -> str:
    return _("Hello %(name)s,", name=name) if name else _("Hello,")


def same_person(actor, person) -> bool:
    """Whether the step's actor is this person (a user and a guest may share an id); the
    booking page names whom a step tells by the same rule (web/bookings/booking.py)."""
    return (getattr(actor, "is_guest", False) == getattr(person, "is_guest", False)
            and actor.id == person.id)


@dataclass(frozen=True)
class BookingMails:
    """The mail listener of the booking engine: one mail (or one per manager) per step."""

    zone: ZoneInfo
    languages: tuple[str, ...]
    secret_key: str
    link: LinkBuilder
    sender: str = ""  # MAIL_SENDER: the ORGANIZER of every calendar file the mails carry

    def __call__(self, session, subject, change: BookingChange | SlotOffered) -> None:
        if isinstance(change, SlotOffered):
            self.waiting_offer(session, subject, change.resource_names)
        elif change.action in ("requested", "guest_confirmed"):
            self.booking_requested(session, subject)
        elif change.action == "guest_requested":
            self.guest_confirmation(session, subject)
        elif change.action in ("changed", "restored"):
            self.booking_changed(session, subject, confirmed=change.confirmed,
                                 actor=change.actor, decision=change.action,
                                 dates=list(change.dates))
        else:  # approved, rejected, cancelled
            self.booking_decided(session, subject, change.action, dates=list(change.dates),
                                 actor=change.actor if change.action == "cancelled" else None)

    def _language(self, recipient) -> object:
        language = getattr(recipient, "preferred_language", None)
        if language in self.languages:
            return force_locale(language)
        return nullcontext()

    def ics_attachment(self, session, booking: Booking, recipient: str = "") -> Attachment:
        """The booking as a calendar file: METHOD:PUBLISH while it holds, METHOD:CANCEL once
        it is cancelled or rejected (with ORGANIZER, as calendar apps want before they remove
        an event they hold; every copy names the same organiser, the sender address)."""
        ended = booking.status in (BookingStatus.CANCELLED, BookingStatus.REJECTED)
        method = "CANCEL" if ended else "PUBLISH"
        name, address = parseaddr(self.sender)
        sequence = sequence_of(session, booking)
        recipe = {"booking": ics.booking_snapshot(booking), "zone": self.zone.key,
                  "sequence": sequence, "method": method,
                  "organizer": [name, address] if address else None,
                  "attendee": recipient if ended else ""}
        return Attachment(f"booking-{booking.id}.ics",
                          f"text/calendar; charset=utf-8; method={method}",
                          maker=BOOKING_FILE, recipe=recipe)

    def dates_text(self, booking: Booking, statuses=None) -> str:
        """One line per date and resource, in the city's time."""
        lines = []
        for occurrence in booking.occurrences:
            if statuses is not None and occurrence.status not in statuses:
                continue
            starts = to_local(occurrence.starts_at, self.zone)
            ends = to_local(occurrence.ends_at, self.zone)
            lines.append(f"- {span_text(starts, ends)} {occurrence.resource.name}")
        return "\n".join(lines)

    def booking_link(self, booking: Booking) -> str:
        """The requester's way to the booking: a guest's signed link, else its page."""
        if booking.guest_id is not None:
            return self.link("bookings.guest_booking",
                             token=guest_token(booking, self.secret_key))
        return self.link("bookings.show", booking_id=booking.id)

    def booking_requested(self, session, booking: Booking) -> None:
        """After a request: a held booking is confirmed to its requester; a pending one goes
        to the managers. A guest's request waits until the guest has followed the mailed
        link."""
        if booking.guest_id is not None and booking.guest_confirmed_at is None:
            return
        if all(o.status == OccurrenceStatus.CONFIRMED for o in booking.occurrences):
            self.booking_decided(session, booking, "confirmed")
            return
        self._to_managers(session, booking)

    def _to_managers(self, session, booking: Booking) -> None:
        attachment = self.ics_attachment(session, booking)
        link = self.link("bookings.show", booking_id=booking.id)
        requester = requester_of(booking)
        if booking.guest_id is not None:
            who = _("%(name)s (%(organisation)s, guest request without an account)",
                    name=booking.guest.name, organisation=booking.guest.organisation_name)
        else:
            who = booking.organisation.name if booking.organisation else (
                requester.name if requester else "")
        for manager in managers_of(session, booking):
            with self._language(manager):
                subject = _("Booking request: %(title)s", title=booking.title)
                body = "\n\n".join([
                    _greeting(manager.name),
                    _("%(who)s asks for a booking that waits for your approval:", who=who),
                    booking.title,
                    self.dates_text(booking, statuses=(OccurrenceStatus.PENDING,)),
                    _("Approve or reject it here:"),
                    link,
                ])
            queue_mail(session, manager.email, subject, body, [attachment],
                       quarter_id=quarter_of(booking))

    def booking_decided(self, session, booking: Booking, decision: str, dates=None,
                        actor=None) -> None:
        """Tell the requester (or guest) that dates were confirmed, approved, rejected,
        cancelled or changed, with the reason when there is one. When the requester did it,
        the managers are told instead: nobody needs a mail about their own step."""
        requester = requester_of(booking)
        if requester is None:
            return
        if actor is not None and same_person(actor, requester):
            if decision in ("cancelled", "changed", "restored"):
                for manager in managers_of(session, booking):
                    self._decision_mail(session, booking, decision, dates, manager)
            return
        self._decision_mail(session, booking, decision, dates, requester)

    def _decision_mail(self, session, booking: Booking, decision: str, dates,
                       recipient) -> None:
        attachment = self.ics_attachment(session, booking, recipient.email)
        with self._language(recipient):
            subjects = {
                "confirmed": _("Booking confirmed: %(title)s", title=booking.title),
                "approved": _("Booking approved: %(title)s", title=booking.title),
                "rejected": _("Booking rejected: %(title)s", title=booking.title),
                "cancelled": _("Booking cancelled: %(title)s", title=booking.title),
                "changed": _("Booking changed: %(title)s", title=booking.title),
                "restored": _("Booking date restored: %(title)s", title=booking.title),
            }
            texts = {
                "confirmed": _("your booking is confirmed:"),
                "approved": _("your booking has been approved:"),
                "rejected": _("your booking request has been rejected:"),
                "cancelled": _("your booking has been cancelled:"),
                "changed": _("your booking has been changed:"),
                "restored": _("a cancelled date of your booking takes place again:"),
            }
            lines = [_greeting(recipient.name), texts[decision], booking.title]
            if dates:
                lines.append(_("Dates: %(dates)s", dates=", ".join(
                    day_text(date.fromisoformat(day)) for day in dates)))
            lines.append(self.dates_text(booking))
            if decision in ("rejected", "cancelled") and booking.status_reason:
                lines.append(_("Reason: %(reason)s", reason=booking.status_reason))
            link = (self.link("bookings.show", booking_id=booking.id)
                    if recipient is not requester_of(booking) else self.booking_link(booking))
            lines += [_("The booking in the calendar file attached, and online:"), link]
            subject, body = subjects[decision], "\n\n".join(line for line in lines if line)
        queue_mail(session, recipient.email, subject, body, [attachment],
                   quarter_id=quarter_of(booking))

    def booking_changed(self, session, booking: Booking, *, confirmed: bool,
                        actor=None, decision: str = "changed", dates=None) -> None:
        """A change (or a restored date) waiting for approval goes to the managers;
        otherwise the side that did not make it is told."""
        if not confirmed and (booking.guest_id is None
                              or booking.guest_confirmed_at is not None):
            self._to_managers(session, booking)
            requester = requester_of(booking)
            if requester is not None and (actor is None or not same_person(actor, requester)):
                self._decision_mail(session, booking, decision, dates, requester)
            return
        self.booking_decided(session, booking, decision, dates=dates, actor=actor)

    def guest_confirmation(self, session, booking: Booking) -> None:
        guest = booking.guest
        with self._language(guest):
            subject = _("Please confirm your booking request: %(title)s", title=booking.title)
            body = "\n\n".join([
                _greeting(guest.name),
                _("we received a booking request with this e-mail address:"),
                booking.title,
                self.dates_text(booking),
                _("Follow this link to confirm it. Only then will the managers of the quarter "
                  "see it. The same link lets you follow, change or cancel the request later:"),
                self.booking_link(booking),
                _("If you did not send this request, ignore this message."),
            ])
        queue_mail(session, guest.email, subject, body, quarter_id=quarter_of(booking))

    def waiting_offer(self, session, entry: WaitingRequest, resource_names: str) -> None:
        recipient = entry.guest or entry.requested_by
        if recipient is None:
            return
        link = self.link("bookings.waiting_offer", token=offer_token(entry, self.secret_key))
        with self._language(recipient):
            subject = _("A slot came free: %(title)s", title=entry.title)
            body = "\n\n".join([
                _greeting(recipient.name),
                _("the slot you were waiting for is free now:"),
                f"{span_text(entry.local_start, entry.local_end)} {resource_names}",
                _("Follow this link to take it. The offer holds until %(until)s; then it passes "
                  "to the next on the waiting list:",
                  until=moment_text(to_local(entry.offer_expires_at, self.zone))),
                link,
            ])
        queue_mail(session, recipient.email, subject, body,
                   quarter_id=_quarter_of_entry(session, entry))
