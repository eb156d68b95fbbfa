"""The one mapping of domain refusals onto forms: every page that calls the domain from a form
answers a refusal the same way (roll back, message beside its field, what was typed kept)."""

from flask import request

from ..booking.errors import BookingConflict
from ..errors import DomainError
from ..extensions import db


def show_error(form, error: DomainError, field_names: dict | None = None) -> None:
    """Put a domain error beside the form field it names (through `field_names` where the
    form calls the domain's field otherwise), else above the form; its notes (e.g. every
    clash of a plan) go above the form too."""
    name = (field_names or {}).get(error.field, error.field)
    if error.notes:
        form.form_errors.extend([error.message, *error.notes])
    elif name and name in form:
        form[name].errors = [*form[name].errors, error.message]
    else:
        form.form_errors.append(error.message)


def refused(form, error: DomainError, field_names: dict | None = None) -> int:
    """Undo what the refused step began, show why on `form`, and return the status to answer
    with (the error's: 422, 409, 403, ...)."""
    db.session.rollback()
    show_error(form, error, field_names)
    return error.status


def taken_dates_shown(error: BookingConflict, zone, offers) -> list[dict]:
    """Each taken date of a refused request as bookings/_taken_dates.html shows it, the request
    form and the event form alike; `offers(taken)` gives the rooms free then as the page offers
    them (a link that prefills a request, or a button that sends the form again)."""
    return [{"date": taken.original_date, "starts": taken.starts_at.astimezone(zone),
             "ends": taken.ends_at.astimezone(zone),
             "rooms": sorted({c.resource_name for c in taken.conflicts}),
             "offers": offers(taken)}
            for taken in error.taken_dates]


def wants_free_dates() -> bool:
    """The button of a refused series (_taken_dates.html): the same request or event again,
    without the dates that are taken."""
    return request.form.get("action") == "free_dates"
