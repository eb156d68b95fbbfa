"""Groups without an account book as guests: name, organisation and e-mail. A request is held
back until the guest follows a signed link mailed to that address; the same link lets the
guest follow, change or cancel the request later. A returning address is the same guest."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ..addresses import check_email
from ..errors import InvalidInput, NotFound
from ..models.audit import record
from ..models.bookings import Booking, Guest
from . import listeners
from .requests import booking_by_id, request_booking
from .tokens import read_guest_token
from .waiting import join_waiting_list

NAME_MAX = 120
ORGANISATION_MAX = 160
EMAIL_MAX = 254


def booking_for_guest_token(session, token: str, *, secret_key: str) -> Booking:
    """The booking a guest link leads to, or NotFound when the link is forged or stale."""
    booking_id, guest_id = read_guest_token(token, secret_key)
    if not isinstance(booking_id, int):
        raise NotFound(_("This link is not valid."))
    booking = booking_by_id(session, booking_id)
    if booking.guest_id is None or booking.guest_id != guest_id:
        raise NotFound(_("This link is not valid."))
    return booking


def recognise_guest(session, *, email: str, name: str, organisation_name: str,
                    language: str = "de") -> Guest:
    """The guest with this address, created on first use. A returning address keeps its
    record unchanged: anyone can type an address, so the name and organisation of a new request
    (kept on the booking) become the guest's only when the mailed link proves the address
    (confirm_guest_request)."""
    email, name, organisation_name = _checked(email, name, organisation_name)
    guest = session.scalar(select(Guest).where(Guest.email == email))
    if guest is None:
        guest = Guest(email=email, name=name, organisation_name=organisation_name,
                      preferred_language=language)
        session.add(guest)
    return guest


def _checked(email: str, name: str, organisation_name: str) -> tuple[str, str, str]:
    email = check_email(email)
    name, organisation_name = (name or "").strip(), (organisation_name or "").strip()
    if not name:
        raise InvalidInput(_("Give your name."), field="name")
    if len(name) > NAME_MAX:
        raise InvalidInput(_("The name may have at most %(count)d characters.", count=NAME_MAX),
                           field="name")
    if not organisation_name:
        raise InvalidInput(_("Give the name of your group or organisation."),
                           field="organisation_name")
    if len(organisation_name) > ORGANISATION_MAX:
        raise InvalidInput(_("The name may have at most %(count)d characters.",
                             count=ORGANISATION_MAX), field="organisation_name")
    return email, name, organisation_name


def request_as_guest(session, *, email: str, name: str, organisation_name: str,
                     language: str = "de", now: datetime, **request) -> Booking:
    """A guest's request: every rule as for members, the dates wait for a manager, and the
    guest gets the confirmation link by mail. `request` are request_booking's fields."""
    guest = recognise_guest(session, email=email, name=name,
                            organisation_name=organisation_name, language=language)
    session.flush()
    booking = request_booking(session, actor=guest, organisation=None, now=now, **request)
    _, booking.guest_name, booking.guest_organisation_name = _checked(
        email, name, organisation_name)
    listeners.tell(session, booking, listeners.BookingChange("guest_requested", guest, now))
    return booking


def wait_as_guest(session, *, email: str, name: str, organisation_name: str,
                  language: str = "de", now: datetime, **request):
    """A guest joins the waiting list for a taken slot; the offer, if it comes, goes to the
    guest's address, and taking it proves the address."""
    guest = recognise_guest(session, email=email, name=name,
                            organisation_name=organisation_name, language=language)
    session.flush()
    return join_waiting_list(session, actor=guest, organisation=None, now=now, **request)


def confirm_guest_request(session, booking: Booking, *, now: datetime) -> bool:
    """The guest followed the link: the request goes to the managers. False when it was
    confirmed before (the link is followed again to look at the booking)."""
    if booking.guest_confirmed_at is not None:
        return False
    booking.guest_confirmed_at = now
    guest = booking.guest
    # The link proved the address: what was typed into this request is now the guest's.
    if booking.guest_name and guest is not None:
        guest.name = booking.guest_name
        guest.organisation_name = booking.guest_organisation_name or guest.organisation_name
    record(session, actor=booking.guest, subject_type="booking", subject_id=booking.id,
           action="guest_confirmed", at=now)
    session.flush()
    listeners.tell(session, booking,
                   listeners.BookingChange("guest_confirmed", booking.guest, now))
    return True
