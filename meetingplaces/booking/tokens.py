"""The signed keys in booking links: a guest's link to its booking, a waiting-list offer.

A leaf module: it knows salts and the shape of each key, nothing of requests or mail; the
signing key is always handed in (the app's SECRET_KEY, from whoever builds the link)."""

from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from ..errors import NotFound

GUEST_SALT = "meetingplaces.booking-guest"
OFFER_SALT = "meetingplaces.waiting-offer"


def guest_token(booking, secret_key: str) -> str:
    """The key to one guest booking; it names the booking and its guest."""
    return URLSafeSerializer(secret_key, salt=GUEST_SALT).dumps(
        {"b": booking.id, "g": booking.guest_id})


def read_guest_token(token: str, secret_key: str) -> tuple:
    """(booking id, guest id) of a guest key; NotFound when it is forged."""
    data = _load(token, secret_key, GUEST_SALT)
    return data.get("b"), data.get("g")


def offer_token(entry, secret_key: str) -> str:
    """The key to one offer of a waiting request; a later offer of it supersedes it."""
    return URLSafeSerializer(secret_key, salt=OFFER_SALT).dumps(
        {"w": entry.id, "at": int(entry.offered_at.timestamp())})


def read_offer_token(token: str, secret_key: str) -> tuple:
    """(waiting request id, offer time as a Unix timestamp); NotFound when it is forged."""
    data = _load(token, secret_key, OFFER_SALT)
    return data.get("w"), data.get("at")


def _load(token: str, secret_key: str, salt: str) -> dict:
    try:
        data = URLSafeSerializer(secret_key, salt=salt).loads(token)
    except BadSignature:
        raise NotFound(_("This link is not valid.")) from None
    if not isinstance(data, dict):
        raise NotFound(_("This link is not valid."))
    return data
