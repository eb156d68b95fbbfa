"""The request form, for members and for guests: rooms of the user's own quarters first,
narrowed by a facility or room link, the week of the chosen room beside it (shown on demand
before sending), every taken date of a refused request with free rooms nearby, a way to
request the free dates only, and a place on the waiting list instead."""

from datetime import date, datetime
from urllib.parse import urlencode

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...booking import request_booking, schedule
from ...booking.errors import BookingConflict
from ...booking.guests import request_as_guest, wait_as_guest
from ...booking.rooms import (
    RoomChoice,
    bookable_resources,
    choose_rooms,
    group_resources,
    home_of,
)
from ...booking.waiting import join_waiting_list
from ...errors import DomainError, InvalidInput
from ...extensions import db
from ...forms.bookings import BookingForm, GuestBookingForm
from ...models import Organisation
from ..clock import now
from ..form_errors import refused, taken_dates_shown, wants_free_dates
from ..once import submitted_once
from .blueprint import FORM_FIELD, bp, resource_label, settings, today, zone

# What a link back to the form may carry. Never a guest's name or e-mail: links end up in
# browser histories and server logs.
PREFILL = ("organisation_name", "organisation_id", "resource_ids", "date", "start", "end",
           "title", "purpose", "attendees", "public", "location", "repeat", "interval", "until",
           "count", "exdates")
# A guest's typed name and e-mail wait here instead, for the form's next showing in this
# browser session (a free room offered instead, the way back to every facility).
GUEST_CONTACT = "guest_contact"


@bp.route("/new", methods=["GET", "POST"])
@login_required
@submitted_once
def new():
    form = _form(BookingForm)
    rooms = _prepare(form)
    organisation = None if "organisation_id" in form else _organisation(form)
    context = {"organisation": organisation}
    if request.method == "GET" or _wants_preview():
        return _render_form("bookings/form.html", form, rooms, **context)
    if not form.validate():
        return _render_form("bookings/form.html", form, rooms, 422, **context)
    try:
        fields = form.to_request(db.session)
        organisation = _organisation(form)
        if _wants_to_wait():
            join_waiting_list(db.session, actor=current_user, organisation=organisation,
                              now=now(), settings=settings(), **_single_date(fields))
            db.session.commit()
            flash(_("You are on the waiting list. We write to you when the slot frees."),
                  "success")
            return redirect(url_for("bookings.index"))
        booking = request_booking(db.session, actor=current_user, organisation=organisation,
                                  free_dates_only=wants_free_dates(), now=now(),
                                  settings=settings(), **fields)
    except DomainError as error:
        return _refused("bookings/form.html", form, rooms, error, **context)
    notices = booking.notices
    db.session.commit()
    for notice in notices:
        flash(notice, "info")
    flash(_("The booking is confirmed.") if booking.status == "approved"
          else _("Thank you. The managers of the quarter will look at your request."), "success")
    return redirect(url_for("bookings.show", booking_id=booking.id))


@bp.route("/guest/new", methods=["GET", "POST"])
@submitted_once
def guest_new():
    form = _form(GuestBookingForm)
    del form.organisation_id
    rooms = _prepare(form)
    if request.method == "GET":
        for name, typed in session.get(GUEST_CONTACT, {}).items():
            if name in ("name", "email") and not form[name].data:
                form[name].data = typed
        return _render_form("bookings/guest_form.html", form, rooms)
    if _wants_preview():
        return _render_form("bookings/guest_form.html", form, rooms)
    session[GUEST_CONTACT] = {"name": form.name.data or "", "email": form.email.data or ""}
    if not form.validate():
        return _render_form("bookings/guest_form.html", form, rooms, 422)
    guest = {"email": form.email.data, "name": form.name.data,
             "organisation_name": form.organisation_name.data,
             "language": str(get_locale()), "now": now(), "settings": settings()}
    waiting = _wants_to_wait()
    notices = ()
    try:
        fields = form.to_request(db.session)
        if waiting:
            wait_as_guest(db.session, **guest, **_single_date(fields))
        else:
            notices = request_as_guest(db.session, **guest, **fields,
                                       free_dates_only=wants_free_dates()).notices
    except DomainError as error:
        return _refused("bookings/guest_form.html", form, rooms, error)
    db.session.commit()
    for notice in notices:
        flash(notice, "info")
    session.pop(GUEST_CONTACT, None)
    return render_template("bookings/guest_sent.html", email=form.email.data, waiting=waiting)


def _form(form_class):
    """A posted form, or one prefilled from a link's query (a free room offered instead)."""
    if request.method == "POST":
        return form_class()
    return form_class(formdata=request.args if request.args else None)


def _wants_to_wait() -> bool:
    return request.form.get("action") == "wait"


def _wants_preview() -> bool:
    """The button that shows the chosen room's week before sending: nothing is requested."""
    return request.form.get("action") == "preview"


def _single_date(fields: dict) -> dict:
    """Only a single date can wait for a slot: drop the (empty) series fields."""
    if fields.pop("rrule") or fields.pop("exdates"):
        raise InvalidInput(_("Only a single date can wait for a slot."), field="repeat")
    return fields


def _organisation(form: BookingForm) -> Organisation | None:
    if "organisation_id" in form:
        return db.session.get(Organisation, form.organisation_id.data)
    organisations = current_user.organisations
    return organisations[0] if organisations else None


def _prepare(form: BookingForm) -> RoomChoice:
    """The form's rooms, narrowed by a link from a facility (?facility=) or a room
    (?resource=, which is then checked); the request's organisations."""
    checked = form.resource_ids.data or []
    home = home_of(current_user)
    rooms = choose_rooms(group_resources(bookable_resources(db.session), home),
                         facility_slug=request.args.get("facility", ""),
                         resource_slug=request.args.get("resource", ""), checked_ids=checked,
                         home=home)
    form.resource_ids.choices = [(r.id, resource_label(r)) for r in rooms.resources]
    if request.method == "GET" and rooms.preselected is not None and not checked:
        form.resource_ids.data = [rooms.preselected.id]
    if "organisation_id" in form:
        organisations = current_user.organisations if current_user.is_authenticated else []
        form.organisation_id.choices = [(o.id, o.name) for o in organisations]
        if len(organisations) <= 1:
            del form.organisation_id
    return rooms


def _refused(template: str, form, rooms: RoomChoice, error: DomainError, **context):
    """The form again with the refusal beside its field; on a conflict, every taken date with
    the free rooms nearby then, the free dates only as one button, and, for a single date,
    the waiting list."""
    status = refused(form, error, FORM_FIELD)
    if isinstance(error, BookingConflict):
        context.update(taken_dates=_taken_dates(form, rooms, error),
                       free_dates=error.free_dates if form.repeat.data else [],
                       may_wait=not form.repeat.data)
    return _render_form(template, form, rooms, status, **context)


def _taken_dates(form: BookingForm, rooms: RoomChoice, error: BookingConflict) -> list[dict]:
    """Each taken date with its free rooms, each with a link that prefills the form with
    everything typed and the other room, on that one date when the request is a series."""
    names = {r.id: r.name for r in rooms.resources}
    chosen = form.resource_ids.data or []

    def offers(taken) -> list[dict]:
        single = {"date": taken.original_date, "repeat": ""} if form.repeat.data else {}
        return [{"resource": offer.resource, "lacking": offer.lacking,
                 "replaces": names.get(offer.replaces_id, ""),
                 "url": url_for(request.endpoint) + "?" + _prefill_query(
                     form, [offer.resource.id if i == offer.replaces_id else i for i in chosen],
                     **single)}
                for offer in taken.alternatives]

    return taken_dates_shown(error, zone(), offers)


def _prefill_query(form: BookingForm, resource_ids: list[int], **replaced) -> str:
    args = []
    for name in PREFILL:
        if name not in form:
            continue
        if name == "resource_ids":
            args += [("resource_ids", str(i)) for i in resource_ids]
            continue
        value = replaced.get(name, form[name].data)
        if value is None or value == "" or value is False:
            continue
        if name == "public":
            value = "y"
        elif isinstance(value, datetime | date):
            value = value.isoformat()
        elif hasattr(value, "strftime"):
            value = value.strftime("%H:%M")
        args.append((name, str(value)))
    return urlencode(args)


def _typed_query(form: BookingForm) -> str:
    """Everything typed into the form, as typed (even where refused), and the checked rooms:
    the query of a link that shows the form again without losing any of it."""
    args = []
    for name in PREFILL:
        if name in form and name != "resource_ids":
            args += [(name, value) for value in form[name].raw_data or () if value]
    args += [("resource_ids", str(i)) for i in form.resource_ids.data or ()]
    return urlencode(args)


def _render_form(template: str, form, rooms: RoomChoice, status: int = 200, **context):
    context = {"taken_dates": [], "free_dates": [], "may_wait": False, **context}
    resource, week = _week_for(form, rooms)
    query = _typed_query(form)
    all_rooms_url = url_for(request.endpoint) + (f"?{query}" if query else "")
    return render_template(template, form=form, week=week, week_resource=resource, rooms=rooms,
                           all_rooms_url=all_rooms_url, **context), status


def _week_for(form: BookingForm, rooms: RoomChoice):
    """The week around the requested date of the first chosen resource, for the form."""
    chosen = [r for r in rooms.resources if r.id in (form.resource_ids.data or [])]
    if not chosen:
        return None, None
    day = form.date.data or today()
    return chosen[0], schedule.resource_week(db.session, current_user, chosen[0], day, zone())
