"""One booking's page and the decisions on it: approve, reject, cancel, change, add a date
back; for members and managers by login, for a guest by the signed link mailed to it."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...booking import (
    add_back_date,
    approve_booking,
    booking_by_id,
    cancel_booking,
    change_booking,
    reject_booking,
    restore_dates,
    schedule,
)
from ...booking.guests import booking_for_guest_token, confirm_guest_request
from ...booking.notifications import requester_of, same_person
from ...booking.rooms import bookable_resources, home_of
from ...errors import DomainError
from ...events.booked_rooms import offers_event
from ...extensions import db
from ...forms.base import ConfirmForm
from ...forms.bookings import CancelForm, ChangeForm, DateChoiceForm, RejectForm
from ...models.bookings import ACTIVE_OCCURRENCE_STATUSES, Booking, OccurrenceStatus
from ...policy import can
from ..clock import now
from ..confirm import ask_once, confirmed
from ..context import secret_key
from ..form_errors import refused
from .blueprint import FORM_FIELD, booking_or_404, bp, resource_label, settings, zone

# --- members and managers ---------------------------------------------------------------------


@bp.get("/<int:booking_id>")
@login_required
def show(booking_id: int):
    return _render_booking(booking_or_404(booking_id))


@bp.post("/<int:booking_id>/approve")
@login_required
def approve(booking_id: int):
    booking = _booking_for(booking_id, "approve")
    form = DateChoiceForm(prefix="approve")
    return _decide(booking, "approve", form, lambda: approve_booking(
        db.session, actor=current_user, booking=booking, dates=_dates(form.date.data),
        now=now(), settings=settings()))


@bp.post("/<int:booking_id>/reject")
@login_required
def reject(booking_id: int):
    booking = _booking_for(booking_id, "reject")
    form = _decision_forms(booking, reject=RejectForm(prefix="reject"))["reject"]
    return _decide(booking, "reject", form, lambda: reject_booking(
        db.session, actor=current_user, booking=booking, reason=form.reason.data,
        dates=_dates(form.date.data), now=now()))


@bp.post("/<int:booking_id>/cancel")
@login_required
def cancel(booking_id: int):
    booking = _booking_for(booking_id, "cancel")
    return _cancel(booking, current_user)


@bp.post("/<int:booking_id>/change")
@login_required
def change(booking_id: int):
    booking = _booking_for(booking_id, "change")
    return _change(booking, current_user)


@bp.post("/<int:booking_id>/add-back")
@login_required
def add_back(booking_id: int):
    booking = _booking_for(booking_id, "change")
    form = DateChoiceForm(prefix="add_back")
    return _decide(booking, "add_back", form, lambda: add_back_date(
        db.session, actor=current_user, booking=booking, date=form.date.data, now=now(),
        settings=settings()))


@bp.post("/<int:booking_id>/restore")
@login_required
def restore(booking_id: int):
    """A cancelled date still ahead takes place again while its slot is free."""
    booking = _booking_for(booking_id, "change")
    form = DateChoiceForm(prefix="restore")
    return _decide(booking, "restore", form, lambda: restore_dates(
        db.session, actor=current_user, booking=booking, dates=[form.date.data], now=now(),
        settings=settings()), message=_("The date takes place again.") + " "
        + _who_is_told(booking, current_user))


# --- guests, by their signed link -------------------------------------------------------------


@bp.get("/guest/<token>")
def guest_booking(token: str):
    booking = _guest_booking(token)
    return _render_booking(booking, guest_token_value=token, confirm=ConfirmForm())


@bp.post("/guest/<token>/confirm")
def guest_confirm(token: str):
    booking = _guest_booking(token)
    if not ConfirmForm().validate():
        abort(400)
    if confirm_guest_request(db.session, booking, now=now()):
        flash(_("Thank you. Your request now goes to the managers of the quarter."), "success")
    db.session.commit()
    return redirect(url_for("bookings.guest_booking", token=token))


@bp.post("/guest/<token>/cancel")
def guest_cancel(token: str):
    booking = _guest_booking(token)
    return _cancel(booking, booking.guest, guest_token_value=token)


@bp.post("/guest/<token>/change")
def guest_change(token: str):
    booking = _guest_booking(token)
    return _change(booking, booking.guest, guest_token_value=token)


# --- shared steps -----------------------------------------------------------------------------


def _booking_for(booking_id: int, action: str) -> Booking:
    booking = booking_or_404(booking_id)
    if not can(current_user, action, booking):
        abort(403)
    return booking


def _guest_booking(token: str) -> Booking:
    try:
        return booking_for_guest_token(db.session, token, secret_key=secret_key())
    except DomainError:
        abort(404)


def _dates(value: str | None) -> list[str] | None:
    return [value] if value else None


def _who_is_told(booking: Booking, actor) -> str:
    """Whom the booking's mails reach after a step by `actor` (booking.notifications)."""
    requester = requester_of(booking)
    if requester is None:
        return _("Nobody is told by mail.")
    if same_person(actor, requester):
        return _("The managers of the quarter are told by mail.")
    return _("Told by mail: %(names)s.", names=requester.name)


def _cancel(booking: Booking, actor, guest_token_value=None):
    """Cancelling asks once (what is freed, who is told); cancelled dates still ahead can
    be restored afterwards from the booking's page."""
    form = _decision_forms(booking, cancel=CancelForm(prefix="cancel"))["cancel"]
    if form.validate() and not confirmed():
        back = (url_for("bookings.guest_booking", token=guest_token_value)
                if guest_token_value is not None
                else url_for("bookings.show", booking_id=booking.id))
        return ask_once(
            question=_("Cancel the booking %(title)s?", title=booking.title),
            consequences=[_("The booked rooms are free again at once."),
                          _who_is_told(booking, actor),
                          *([_("A cancelled date can be restored afterwards while its time "
                               "is free.")] if guest_token_value is None else [])],
            confirm_label=_("Yes, cancel"), back=back)
    return _decide(booking, "cancel", form, lambda: cancel_booking(
        db.session, actor=actor, booking=booking, now=now(), **form.to_cancel()),
        guest_token_value=guest_token_value,
        message=_("The booking is cancelled.") + " " + _who_is_told(booking, actor))


def _change(booking: Booking, actor, guest_token_value=None):
    form = _decision_forms(booking, change=ChangeForm(prefix="change"))["change"]
    return _decide(booking, "change", form, lambda: change_booking(
        db.session, actor=actor, booking=booking, now=now(), settings=settings(),
        **form.to_change(db.session, booking)), guest_token_value=guest_token_value)


def _decide(booking: Booking, form_name: str, form, action, *, guest_token_value=None,
            message: str | None = None):
    """Run one decision from the booking page; on a refusal show the page again with the
    message beside the field and what was typed."""
    if not form.validate():
        return _render_booking(booking, 422, guest_token_value=guest_token_value,
                               **{form_name: form})
    try:
        action()
    except DomainError as error:
        status = refused(form, error, FORM_FIELD)
        return _render_booking(booking_by_id(db.session, booking.id), status,
                               guest_token_value=guest_token_value, **{form_name: form})
    db.session.commit()
    flash(message or _("Saved."), "success")
    if guest_token_value is not None:
        return redirect(url_for("bookings.guest_booking", token=guest_token_value))
    return redirect(url_for("bookings.show", booking_id=booking.id))


def _render_booking(booking: Booking, status: int = 200, *, guest_token_value=None, **forms):
    is_guest = guest_token_value is not None
    private = is_guest or can(current_user, "view_private", booking)
    if not private and not booking.public and not current_user.is_authenticated:
        abort(404)
    skipped = schedule.skipped_dates(booking, now(), zone())
    restorable = {o.original_date for o in schedule.restorable(booking, now())}
    return render_template(
        "bookings/show.html", booking=booking, private=private,
        history=schedule.history(db.session, booking) if private else [],
        forms=_decision_forms(booking, **forms), may=_permissions(booking, is_guest),
        skipped=[(day.isoformat(), format_date(day, "full")) for day in skipped
                 if day not in restorable],
        restorable=restorable, guest_token=guest_token_value,
    ), status


def _permissions(booking: Booking, is_guest: bool) -> dict:
    if is_guest:
        return {"approve": False, "reject": False, "cancel": True, "change": True,
                "hold_event": False}
    return {**{action: can(current_user, action, booking)
               for action in ("approve", "reject", "cancel", "change")},
            "hold_event": offers_event(current_user, booking)}


def _date_choices(booking: Booking, statuses=ACTIVE_OCCURRENCE_STATUSES
                  ) -> list[tuple[str, str]]:
    days = sorted({o.original_date for o in booking.occurrences if o.status in statuses})
    return [(d.isoformat(), format_date(d, "full")) for d in days]


def _decision_forms(booking: Booking, **given) -> dict:
    forms = {
        "approve": DateChoiceForm(prefix="approve"),
        "reject": RejectForm(prefix="reject"),
        "cancel": CancelForm(prefix="cancel"),
        "change": ChangeForm(prefix="change"),
        "add_back": DateChoiceForm(prefix="add_back"),
        "restore": DateChoiceForm(prefix="restore"),
        **given,
    }
    choices = [("", _("Choose a date (not needed for all dates)")), *_date_choices(booking)]
    forms["cancel"].date.choices = choices
    forms["change"].date.choices = choices
    forms["reject"].date.choices = [("", _("Every pending date")), *_date_choices(
        booking, (OccurrenceStatus.PENDING,))]
    home = home_of(current_user)
    forms["change"].resource_ids.choices = [
        (r.id, resource_label(r))
        for r in sorted(bookable_resources(db.session), key=home.distance_of)]
    if not forms["change"].resource_ids.data:
        forms["change"].resource_ids.data = [r.id for r in booking.resources]
    return forms
