"""Waiting-list offers: the slot offered by a signed link, taken or passed on; and the cron
command that passes offers not taken in time to the next in line."""

import click
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...booking import resources_by_ids
from ...booking.tokens import guest_token
from ...booking.waiting import (
    accept_offer,
    decline_offer,
    entry_for_offer_token,
    offer_status,
    pass_on_expired_offers,
)
from ...errors import DomainError
from ...extensions import db
from ...forms.base import ConfirmForm
from ...models.bookings import WaitingRequest
from ..clock import now
from ..context import secret_key
from ..form_errors import refused
from .blueprint import bp, settings


@bp.get("/offers/<token>")
def waiting_offer(token: str):
    """Only reads: an offer past its time shows as expired; passing it on is the cron's and
    the next answer's work."""
    return _render_offer(_offer(token), ConfirmForm(), token)


@bp.post("/offers/<token>")
def waiting_offer_answer(token: str):
    entry = _offer(token)
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    if pass_on_expired_offers(db.session, now=now(), settings=settings()):
        db.session.commit()
    try:
        if request.form.get("answer") == "decline":
            decline_offer(db.session, entry, now=now(), settings=settings())
            booking = None
        else:
            booking = accept_offer(db.session, entry, now=now(), settings=settings())
    except DomainError as error:
        status = refused(form, error)
        return _render_offer(entry, form, token, status)
    db.session.commit()
    if booking is None:
        flash(_("The slot passes to the next on the waiting list."), "info")
        return redirect(url_for("bookings.waiting_offer", token=token))
    flash(_("The slot is yours: your booking is made."), "success")
    if booking.guest_id is not None:
        return redirect(url_for("bookings.guest_booking", token=guest_token(booking, secret_key())))
    return redirect(url_for("bookings.show", booking_id=booking.id))


@bp.cli.command("pass-on-offers")
def pass_on_offers_command():
    """Expire waiting-list offers not taken in time and offer the slots to the next."""
    count = pass_on_expired_offers(db.session, now=now(), settings=settings())
    db.session.commit()
    click.echo(f"{count} expired offer(s) passed on")


def _offer(token: str) -> WaitingRequest:
    try:
        return entry_for_offer_token(db.session, token, secret_key=secret_key())
    except DomainError:
        abort(404)


def _render_offer(entry: WaitingRequest, form: ConfirmForm, token: str, status: int = 200):
    return render_template("bookings/offer.html", entry=entry, form=form, token=token,
                           resources=resources_by_ids(db.session, entry.resource_ids),
                           status=offer_status(entry, now())), status
