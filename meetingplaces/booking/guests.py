"""Groups without an account book as guests: name, organisation and e-mail. A request is held
back until the guest follows a signed link mailed to that address; the same link lets the
guest follow, change or cancel the request later. A returning address is the same guest."""

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from ..addresses import check_email
from ..errors import InvalidInput, NotFound
from ..models.audit import record
from ..models.bookings import Booking, Guest
from . import notifications
from .requests import booking_by_id, request_booking

GUEST_SALT = "meetingplaces.booking-guest"
NAME_MAX = 120
ORGANISATION_MAX = 160
EMAIL_MAX = 254


def _serializer(secret_key: str | None = None) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key or current_app.config["SECRET_KEY"], salt=GUEST_SALT)


def guest_token(booking: Booking, secret_key: str | None = None) -> str:
    """The signed key to one guest booking; it names the booking and its guest."""
    return _serializer(secret_key).dumps({"b": booking.id, "g": booking.guest_id})


def booking_for_guest_token(session, token: str, secret_key: str | None = None) -> Booking:
    """The booking a guest link leads to, or NotFound when the link is forged or stale."""
    try:
        data = _serializer(secret_key).loads(token)
    except BadSignature:
        raise NotFound(_("This link is not valid.")) from None
    booking = booking_by_id(session, data.get("b"))
    if booking.guest_id is None or booking.guest_id != data.get("g"):
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
    link = notifications.external_url("bookings.guest_booking", token=guest_token(booking))
    notifications.guest_confirmation(session, booking, link)
    return booking


def wait_as_guest(session, *, email: str, name: str, organisation_name: str,
                  language: str = "de", now: datetime, **request):
    """A guest joins the waiting list for a taken slot; the offer, if it comes, goes to the
    guest's address, and taking it proves the address."""
    from .waiting import join_waiting_list

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
    notifications.booking_requested(session, booking)
    return True
