"""The bookings blueprint and what its views share: the city's zone, the booking settings,
and the one booking a URL names."""

from datetime import date
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, request
from flask_babel import gettext as _

from ...booking import Settings, booking_by_id
from ...errors import DomainError
from ...extensions import db
from ...models import Resource
from ...models.bookings import Booking
from ..clock import now
from ..context import booking_settings

bp = Blueprint("bookings", __name__, url_prefix="/bookings")

# Domain field names that the booking forms show under another name.
FORM_FIELD = {"rrule": "repeat", "moved": "exdates"}


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def settings() -> Settings:
    return booking_settings()


def today() -> date:
    return now().astimezone(zone()).date()


def day_arg() -> date:
    """The ?date= of a grid or the agenda, today when missing or unreadable."""
    try:
        return date.fromisoformat(request.args.get("date") or "")
    except ValueError:
        return today()


def booking_or_404(booking_id: int) -> Booking:
    try:
        return booking_by_id(db.session, booking_id)
    except DomainError:
        abort(404)


def resource_label(resource: Resource) -> str:
    place = resource.facility.name if resource.facility else resource.quarter.name
    details = [place]
    if resource.capacity:
        details.append(_("up to %(count)d people", count=resource.capacity))
    return f"{resource.name} ({', '.join(details)})"
