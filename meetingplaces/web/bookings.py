"""Booking rooms and the Spielmobil: the request form (members and guests), a booking's page
with its decisions, the approval queue, week and day views, the managers' agenda, waiting-list
offers and private feeds. Thin: read a form, call one function of meetingplaces.booking."""

from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import click
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..booking import (
    Settings,
    add_back_date,
    approval_queue,
    approve_booking,
    booking_by_id,
    cancel_booking,
    change_booking,
    reject_booking,
    request_booking,
    resources_by_ids,
    schedule,
)
from ..booking.conflicts import free_alternatives
from ..booking.errors import BookingConflict
from ..booking.feeds import feed_calendar, feed_for_token, feed_of, renew_feed
from ..booking.guests import (
    booking_for_guest_token,
    confirm_guest_request,
    guest_token,
    request_as_guest,
    wait_as_guest,
)
from ..booking.recurrence import (
    monthly_nth_weekday_rule,
    to_instant,
    to_local,
    weekly_rule,
)
from ..booking.rooms import RoomChoice, bookable_resources, choose_rooms, group_resources
from ..booking.waiting import (
    accept_offer,
    decline_offer,
    entry_for_offer_token,
    join_waiting_list,
    offer_status,
    pass_on_expired_offers,
)
from ..errors import DomainError, InvalidInput
from ..events.booked_rooms import offers_event
from ..extensions import db
from ..forms.bookings import (
    BookingForm,
    CancelForm,
    ChangeForm,
    ConfirmForm,
    DateChoiceForm,
    GuestBookingForm,
    RejectForm,
)
from ..models import Facility, Organisation, Resource
from ..models.bookings import (
    ACTIVE_OCCURRENCE_STATUSES,
    Booking,
    OccurrenceStatus,
    WaitingRequest,
)
from ..policy import can
from .clock import now
from .once import submitted_once

bp = Blueprint("bookings", __name__, url_prefix="/bookings")

# Domain field names that the form shows under another name.
FORM_FIELD = {"rrule": "repeat", "moved": "exdates", "reason": "reason"}
# What a link back to the form may carry. Never a guest's name or e-mail: links end up in
# browser histories and server logs.
PREFILL = ("organisation_name", "organisation_id", "resource_ids", "date", "start", "end",
           "title", "purpose", "attendees", "public", "location", "repeat", "interval", "until",
           "count", "exdates")
# A guest's typed name and e-mail wait here instead, for the form's next showing in this
# browser session (a free room offered instead, the way back to every facility).
GUEST_CONTACT = "guest_contact"


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def settings() -> Settings:
    return Settings.from_config(current_app.config)


def today() -> date:
    return now().astimezone(zone()).date()


def show_error(form, error: DomainError) -> None:
    """Put a domain error beside the field it names, else above the form."""
    name = FORM_FIELD.get(error.field, error.field)
    if name and name in form:
        form[name].errors = [*form[name].errors, error.message]
    else:
        form.form_errors.append(error.message)


def _day_arg() -> date:
    try:
        return date.fromisoformat(request.args.get("date") or "")
    except ValueError:
        return today()


# --- the request form -------------------------------------------------------------------------


def _resource_label(resource: Resource) -> str:
    place = resource.facility.name if resource.facility else resource.quarter.name
    details = [place]
    if resource.capacity:
        details.append(_("up to %(count)d people", count=resource.capacity))
    return f"{resource.name} ({', '.join(details)})"


def _prepare(form: BookingForm) -> RoomChoice:
    """The form's rooms, narrowed by a link from a facility (?facility=) or a room
    (?resource=, which is then checked); the request's organisations."""
    checked = form.resource_ids.data or []
    rooms = choose_rooms(group_resources(bookable_resources(db.session)),
                         facility_slug=request.args.get("facility", ""),
                         resource_slug=request.args.get("resource", ""), checked_ids=checked)
    form.resource_ids.choices = [(r.id, _resource_label(r)) for r in rooms.resources]
    if request.method == "GET" and rooms.preselected is not None and not checked:
        form.resource_ids.data = [rooms.preselected.id]
    if "organisation_id" in form:
        organisations = current_user.organisations if current_user.is_authenticated else []
        form.organisation_id.choices = [(o.id, o.name) for o in organisations]
        if len(organisations) <= 1:
            del form.organisation_id
    return rooms


def _typed_query(form: BookingForm) -> str:
    """Everything typed into the form, as typed (even where refused), and the checked rooms:
    the query of a link that shows the form again without losing any of it."""
    args = []
    for name in PREFILL:
        if name in form and name != "resource_ids":
            args += [(name, value) for value in form[name].raw_data or () if value]
    args += [("resource_ids", str(i)) for i in form.resource_ids.data or ()]
    return urlencode(args)


def _rrule(form: BookingForm) -> str:
    kind = form.repeat.data
    if not kind:
        return ""
    until, count = form.until.data, form.count.data
    if until is not None and count is not None:
        raise InvalidInput(_("Give either an end date or a number of dates, not both."),
                           field="count")
    if until is None and count is None:
        raise InvalidInput(_("Say until which date or how many times the booking repeats."),
                           field="until")
    if kind == "weekly":
        return weekly_rule(interval=form.interval.data or 1, until=until, count=count)
    first = form.date.data
    nth = -1 if kind == "monthly_last" else (first.day - 1) // 7 + 1
    if nth == 5:
        nth = -1
    return monthly_nth_weekday_rule(nth, first.weekday(), until=until, count=count)


def request_fields(form: BookingForm) -> dict:
    """request_booking()'s keyword fields from a filled form (local wall-clock times)."""
    day = form.date.data
    return {
        "resources": resources_by_ids(db.session, form.resource_ids.data or []),
        "local_start": datetime.combine(day, form.start.data),
        "local_end": datetime.combine(day, form.end.data),
        "title": form.title.data or "",
        "purpose": form.purpose.data or "",
        "attendees": form.attendees.data,
        "public": form.public.data,
        "location": form.location.data or "",
        "rrule": _rrule(form),
        "exdates": [d for d in (form.exdates.data or "").replace(",", " ").split() if d],
    }


def _organisation(form: BookingForm) -> Organisation | None:
    if "organisation_id" in form:
        return db.session.get(Organisation, form.organisation_id.data)
    organisations = current_user.organisations
    return organisations[0] if organisations else None


def _alternatives(form: BookingForm, error: BookingConflict, endpoint: str) -> list[dict]:
    """Free rooms that could take the request instead, each with a link that prefills the form
    with everything typed and the other room."""
    taken_ids = {c.resource_id for c in error.conflicts}
    chosen = form.resource_ids.data or []
    day, start, end = form.date.data, form.start.data, form.end.data
    try:
        starts_at = to_instant(datetime.combine(day, start), zone()).at
        ends_at = to_instant(datetime.combine(day, end), zone()).at
    except DomainError:
        return []
    offers = []
    for taken_id in taken_ids:
        taken = db.session.get(Resource, taken_id)
        if taken is None:
            continue
        for alternative in free_alternatives(db.session, taken, starts_at, ends_at, zone=zone(),
                                             attendees=form.attendees.data or 0):
            if alternative.id in chosen:
                continue
            ids = [alternative.id if i == taken_id else i for i in chosen]
            offers.append({"resource": alternative, "replaces": taken,
                           "url": url_for(endpoint) + "?" + _prefill_query(form, ids)})
    return offers


def _prefill_query(form: BookingForm, resource_ids: list[int]) -> str:
    args = []
    for name in PREFILL:
        if name not in form:
            continue
        if name == "resource_ids":
            args += [("resource_ids", str(i)) for i in resource_ids]
            continue
        value = form[name].data
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


def _week_for(form: BookingForm, rooms: RoomChoice):
    """The week around the requested date of the first chosen resource, for the form."""
    chosen = [r for r in rooms.resources if r.id in (form.resource_ids.data or [])]
    if not chosen:
        return None, None
    day = form.date.data or today()
    return chosen[0], schedule.resource_week(db.session, current_user, chosen[0], day, zone())


def _render_form(template: str, form, rooms: RoomChoice, status: int = 200, **context):
    resource, week = _week_for(form, rooms)
    query = _typed_query(form)
    all_rooms_url = url_for(request.endpoint) + (f"?{query}" if query else "")
    return render_template(template, form=form, week=week, week_resource=resource, rooms=rooms,
                           all_rooms_url=all_rooms_url, **context), status


def _form_from_args(form_class):
    form = form_class(formdata=request.args if request.args else None)
    return form


def _single_date(fields: dict) -> None:
    """Only a single date can wait for a slot: drop the (empty) series fields."""
    if fields.pop("rrule") or fields.pop("exdates"):
        raise InvalidInput(_("Only a single date can wait for a slot."), field="repeat")


@bp.route("/new", methods=["GET", "POST"])
@login_required
@submitted_once
def new():
    form = BookingForm() if request.method == "POST" else _form_from_args(BookingForm)
    rooms = _prepare(form)
    organisation = None if "organisation_id" in form else _organisation(form)
    context = {"organisation": organisation, "alternatives": [], "may_wait": False}
    if request.method == "GET":
        return _render_form("bookings/form.html", form, rooms, **context)
    if not form.validate():
        return _render_form("bookings/form.html", form, rooms, 422, **context)
    try:
        fields = request_fields(form)
        organisation = _organisation(form)
        if request.form.get("action") == "wait":
            _single_date(fields)
            join_waiting_list(db.session, actor=current_user, organisation=organisation,
                              now=now(), settings=settings(), **fields)
            db.session.commit()
            flash(_("You are on the waiting list. We write to you when the slot frees."),
                  "success")
            return redirect(url_for("bookings.index"))
        booking = request_booking(db.session, actor=current_user, organisation=organisation,
                                  now=now(), settings=settings(), **fields)
    except BookingConflict as error:
        db.session.rollback()
        show_error(form, error)
        context.update(alternatives=_alternatives(form, error, "bookings.new"),
                       may_wait=not form.repeat.data)
        return _render_form("bookings/form.html", form, rooms, 409, **context)
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return _render_form("bookings/form.html", form, rooms, error.status, **context)
    notices = booking.notices
    db.session.commit()
    for notice in notices:
        flash(notice, "info")
    flash(_("The booking is confirmed.") if booking.status == "approved"
          else _("Thank you. The managers of the quarter will look at your request."), "success")
    return redirect(url_for("bookings.show", booking_id=booking.id))


# --- lists ------------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    """The organisation's bookings; for managers also their agenda and queue."""
    organisations = current_user.organisations
    bookings = schedule.bookings_of(db.session, [o.id for o in organisations])
    agenda = (schedule.agenda(db.session, current_user, start=today(), zone=zone(), days=7)
              if current_user.is_manager else [])
    queue = approval_queue(db.session, current_user) if current_user.is_manager else []
    return render_template("bookings/index.html", organisations=organisations,
                           bookings=bookings, agenda=agenda, queue=queue)


@bp.get("/organisations/<slug>")
@login_required
def organisation(slug: str):
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.slug == slug)) or abort(404)
    if not can(current_user, "view_private", organisation):
        abort(403)
    bookings = schedule.bookings_of(db.session, [organisation.id])
    return render_template("bookings/organisation.html", organisation=organisation,
                           bookings=bookings)


@bp.get("/queue")
@login_required
def queue():
    if not current_user.is_manager:
        abort(403)
    return render_template("bookings/queue.html",
                           bookings=approval_queue(db.session, current_user))


@bp.get("/agenda")
@login_required
def agenda():
    if not current_user.is_manager:
        abort(403)
    start = _day_arg()
    return render_template(
        "bookings/agenda.html", start=start,
        days=schedule.agenda(db.session, current_user, start=start, zone=zone()),
        previous=start - timedelta(days=schedule.AGENDA_DAYS),
        next=start + timedelta(days=schedule.AGENDA_DAYS))


@bp.get("/resources/<slug>/week")
def resource_week(slug: str):
    resource = db.session.scalar(
        select(Resource).where(Resource.slug == slug, Resource.active.is_(True))) or abort(404)
    day = _day_arg()
    monday = schedule.week_start(day)
    return render_template(
        "bookings/week.html", resource=resource, monday=monday,
        week=schedule.resource_week(db.session, current_user, resource, day, zone()),
        previous=monday - timedelta(days=7), next=monday + timedelta(days=7))


@bp.get("/facilities/<slug>/day")
def facility_day(slug: str):
    facility = db.session.scalar(
        select(Facility).where(Facility.slug == slug, Facility.active.is_(True))) or abort(404)
    day = _day_arg()
    rooms = [room for room in facility.resources if room.active]
    return render_template(
        "bookings/day.html", facility=facility, day=day,
        rooms_grid=schedule.facility_day(db.session, current_user, rooms, day, zone()),
        previous=day - timedelta(days=1), next=day + timedelta(days=1))


# --- one booking ------------------------------------------------------------------------------


def _booking(booking_id: int) -> Booking:
    try:
        return booking_by_id(db.session, booking_id)
    except DomainError:
        abort(404)


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
    }
    forms.update(given)
    choices = [("", _("Choose a date (not needed for all dates)")), *_date_choices(booking)]
    forms["cancel"].date.choices = choices
    forms["change"].date.choices = choices
    forms["reject"].date.choices = [("", _("Every pending date")), *_date_choices(
        booking, (OccurrenceStatus.PENDING,))]
    forms["change"].resource_ids.choices = [(r.id, _resource_label(r))
                                            for r in bookable_resources(db.session)]
    if not forms["change"].resource_ids.data:
        forms["change"].resource_ids.data = [r.id for r in booking.resources]
    return forms


def _skipped_dates(booking: Booking) -> list[str]:
    """Dates of the series that a date can be added back on."""
    if not booking.is_series:
        return []
    from ..booking.recurrence import expand

    active = {o.original_date for o in booking.occurrences
              if o.status in ACTIVE_OCCURRENCE_STATUSES}
    return [slot.original_date.isoformat()
            for slot in expand(booking.local_start, booking.local_end, booking.rrule)
            if slot.original_date not in active and slot.local_end > to_local(now(), zone())]


def _render_booking(booking: Booking, status: int = 200, *, guest_token_value=None, **forms):
    private = can(current_user, "view_private", booking) or guest_token_value is not None
    if not private and not booking.public and not current_user.is_authenticated:
        abort(404)
    return render_template(
        "bookings/show.html", booking=booking, private=private,
        history=schedule.history(db.session, booking) if private else [],
        forms=_decision_forms(booking, **forms),
        may=_permissions(booking, guest_token_value is not None),
        skipped=_skipped_dates(booking), guest_token=guest_token_value,
    ), status


def _permissions(booking: Booking, is_guest: bool) -> dict:
    if is_guest:
        return {"approve": False, "reject": False, "cancel": True, "change": True,
                "hold_event": False}
    return {**{action: can(current_user, action, booking)
               for action in ("approve", "reject", "cancel", "change")},
            "hold_event": offers_event(current_user, booking)}


@bp.get("/<int:booking_id>")
@login_required
def show(booking_id: int):
    booking = _booking(booking_id)
    return _render_booking(booking)


def _decide(booking: Booking, form_name: str, form, action, *, redirect_to: str,
            guest_token_value=None):
    """Run one decision from the booking page; on a refusal show the page again with the
    message beside the field and what was typed."""
    if not form.validate():
        return _render_booking(booking, 422, guest_token_value=guest_token_value,
                               **{form_name: form})
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        booking = booking_by_id(db.session, booking.id)
        show_error(form, error)
        return _render_booking(booking, error.status, guest_token_value=guest_token_value,
                               **{form_name: form})
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(redirect_to)


def _actor_booking(booking_id: int, action: str) -> Booking:
    booking = _booking(booking_id)
    if not can(current_user, action, booking):
        abort(403)
    return booking


def _dates(value: str | None) -> list[str] | None:
    return [value] if value else None


@bp.post("/<int:booking_id>/approve")
@login_required
def approve(booking_id: int):
    booking = _actor_booking(booking_id, "approve")
    form = DateChoiceForm(prefix="approve")
    return _decide(booking, "approve", form, lambda: approve_booking(
        db.session, actor=current_user, booking=booking, dates=_dates(form.date.data),
        now=now(), settings=settings()), redirect_to=url_for("bookings.show",
                                                             booking_id=booking.id))


@bp.post("/<int:booking_id>/reject")
@login_required
def reject(booking_id: int):
    booking = _actor_booking(booking_id, "reject")
    form = _decision_forms(booking, reject=RejectForm(prefix="reject"))["reject"]
    return _decide(booking, "reject", form, lambda: reject_booking(
        db.session, actor=current_user, booking=booking, reason=form.reason.data,
        dates=_dates(form.date.data), now=now()),
        redirect_to=url_for("bookings.show", booking_id=booking.id))


def _cancel(booking: Booking, actor, form: CancelForm):
    return lambda: cancel_booking(
        db.session, actor=actor, booking=booking, reason=form.reason.data,
        scope=form.scope.data, date=form.date.data or None, now=now())


def _change(booking: Booking, actor, form: ChangeForm):
    def run():
        start, end = form.start.data, form.end.data
        if (start is None) != (end is None):
            raise InvalidInput(_("Give both the new start and the new end."), field="end")
        local_start = local_end = None
        if start is not None:
            if form.scope.data == "this":
                day = form.new_date.data or date.fromisoformat(form.date.data)
            else:
                day = booking.local_start.date()
            local_start, local_end = datetime.combine(day, start), datetime.combine(day, end)
        chosen = form.resource_ids.data or []
        resources = (resources_by_ids(db.session, chosen)
                     if set(chosen) != {r.id for r in booking.resources} else None)
        return change_booking(db.session, actor=actor, booking=booking, scope=form.scope.data,
                              date=form.date.data or None, local_start=local_start,
                              local_end=local_end, resources=resources, now=now(),
                              settings=settings())
    return run


@bp.post("/<int:booking_id>/cancel")
@login_required
def cancel(booking_id: int):
    booking = _actor_booking(booking_id, "cancel")
    form = _decision_forms(booking, cancel=CancelForm(prefix="cancel"))["cancel"]
    return _decide(booking, "cancel", form, _cancel(booking, current_user, form),
                   redirect_to=url_for("bookings.show", booking_id=booking.id))


@bp.post("/<int:booking_id>/change")
@login_required
def change(booking_id: int):
    booking = _actor_booking(booking_id, "change")
    form = _decision_forms(booking, change=ChangeForm(prefix="change"))["change"]
    return _decide(booking, "change", form, _change(booking, current_user, form),
                   redirect_to=url_for("bookings.show", booking_id=booking.id))


@bp.post("/<int:booking_id>/add-back")
@login_required
def add_back(booking_id: int):
    booking = _actor_booking(booking_id, "change")
    form = DateChoiceForm(prefix="add_back")
    return _decide(booking, "add_back", form, lambda: add_back_date(
        db.session, actor=current_user, booking=booking, date=form.date.data, now=now(),
        settings=settings()), redirect_to=url_for("bookings.show", booking_id=booking.id))


# --- guests -----------------------------------------------------------------------------------


@bp.route("/guest/new", methods=["GET", "POST"])
@submitted_once
def guest_new():
    form = GuestBookingForm() if request.method == "POST" else _form_from_args(GuestBookingForm)
    del form.organisation_id
    rooms = _prepare(form)
    context = {"alternatives": [], "may_wait": False}
    if request.method == "GET":
        for name, typed in session.get(GUEST_CONTACT, {}).items():
            if name in ("name", "email") and not form[name].data:
                form[name].data = typed
        return _render_form("bookings/guest_form.html", form, rooms, **context)
    session[GUEST_CONTACT] = {"name": form.name.data or "", "email": form.email.data or ""}
    if not form.validate():
        return _render_form("bookings/guest_form.html", form, rooms, 422, **context)
    guest_fields = {"email": form.email.data, "name": form.name.data,
                    "organisation_name": form.organisation_name.data,
                    "language": str(get_locale()), "now": now(), "settings": settings()}
    try:
        fields = request_fields(form)
        if request.form.get("action") == "wait":
            _single_date(fields)
            wait_as_guest(db.session, **guest_fields, **fields)
            db.session.commit()
            session.pop(GUEST_CONTACT, None)
            return render_template("bookings/guest_sent.html", email=form.email.data,
                                   waiting=True)
        request_as_guest(db.session, **guest_fields, **fields)
    except BookingConflict as error:
        db.session.rollback()
        show_error(form, error)
        context.update(alternatives=_alternatives(form, error, "bookings.guest_new"),
                       may_wait=not form.repeat.data)
        return _render_form("bookings/guest_form.html", form, rooms, 409, **context)
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return _render_form("bookings/guest_form.html", form, rooms, error.status,
                            **context)
    db.session.commit()
    session.pop(GUEST_CONTACT, None)
    return render_template("bookings/guest_sent.html", email=form.email.data)


def _guest_booking(token: str) -> Booking:
    try:
        return booking_for_guest_token(db.session, token)
    except DomainError:
        abort(404)


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
    form = _decision_forms(booking, cancel=CancelForm(prefix="cancel"))["cancel"]
    return _decide(booking, "cancel", form, _cancel(booking, booking.guest, form),
                   redirect_to=url_for("bookings.guest_booking", token=token),
                   guest_token_value=token)


@bp.post("/guest/<token>/change")
def guest_change(token: str):
    booking = _guest_booking(token)
    form = _decision_forms(booking, change=ChangeForm(prefix="change"))["change"]
    return _decide(booking, "change", form, _change(booking, booking.guest, form),
                   redirect_to=url_for("bookings.guest_booking", token=token),
                   guest_token_value=token)


# --- waiting list -----------------------------------------------------------------------------


def _offer(token: str) -> WaitingRequest:
    try:
        return entry_for_offer_token(db.session, token)
    except DomainError:
        abort(404)


@bp.get("/offers/<token>")
def waiting_offer(token: str):
    """Only reads: an offer past its time shows as expired; passing it on is the cron's and
    the next answer's work."""
    entry = _offer(token)
    return render_template("bookings/offer.html", entry=entry, form=ConfirmForm(), token=token,
                           resources=resources_by_ids(db.session, entry.resource_ids),
                           status=offer_status(entry, now()))


@bp.post("/offers/<token>")
def waiting_offer_answer(token: str):
    entry = _offer(token)
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    if pass_on_expired_offers(db.session, now=now()):
        db.session.commit()
    try:
        if request.form.get("answer") == "decline":
            decline_offer(db.session, entry, now=now())
            booking = None
        else:
            booking = accept_offer(db.session, entry, now=now(), settings=settings())
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return render_template("bookings/offer.html", entry=entry, form=form, token=token,
                               resources=resources_by_ids(db.session, entry.resource_ids),
                               status=offer_status(entry, now())), error.status
    db.session.commit()
    if booking is None:
        flash(_("The slot passes to the next on the waiting list."), "info")
        return redirect(url_for("bookings.waiting_offer", token=token))
    flash(_("The slot is yours: your booking is made."), "success")
    if booking.guest_id is not None:
        return redirect(url_for("bookings.guest_booking", token=guest_token(booking)))
    return redirect(url_for("bookings.show", booking_id=booking.id))


# --- private feeds ----------------------------------------------------------------------------


def _subscribable() -> tuple[list[Organisation], list[Resource]]:
    organisations = [m.organisation for m in current_user.memberships]
    resources = []
    if current_user.is_manager:
        query = select(Resource).where(Resource.active.is_(True)).order_by(Resource.name)
        if not current_user.is_admin:
            query = query.where(Resource.quarter_id.in_(
                [q.id for q in current_user.managed_quarters]))
        resources = list(db.session.scalars(query))
    return organisations, resources


@bp.get("/feeds")
@login_required
def feeds():
    organisations, resources = _subscribable()
    return render_template(
        "bookings/feeds.html", form=ConfirmForm(),
        organisations=[(o, feed_of(db.session, o)) for o in organisations],
        resources=[(r, feed_of(db.session, r)) for r in resources], new_url=None)


@bp.post("/feeds/<kind>/<slug>")
@login_required
def renew(kind: str, slug: str):
    model = {"organisation": Organisation, "resource": Resource}.get(kind) or abort(404)
    thing = db.session.scalar(select(model).where(model.slug == slug)) or abort(404)
    if not ConfirmForm().validate():
        abort(400)
    if not can(current_user, "subscribe_bookings", thing):
        abort(403)
    token = renew_feed(db.session, actor=current_user, thing=thing, now=now())
    db.session.commit()
    organisations, resources = _subscribable()
    return render_template(
        "bookings/feeds.html", form=ConfirmForm(),
        organisations=[(o, feed_of(db.session, o)) for o in organisations],
        resources=[(r, feed_of(db.session, r)) for r in resources], new_thing=thing,
        new_url=url_for("bookings.feed", token=token, _external=True))


@bp.get("/feeds/<token>.ics")
def feed(token: str):
    try:
        subscription = feed_for_token(db.session, token)
    except DomainError:
        abort(404)
    body = feed_calendar(db.session, subscription, now=now(), zone=zone())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = "inline; filename=bookings.ics"
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# --- cron -------------------------------------------------------------------------------------


@bp.cli.command("pass-on-offers")
def pass_on_offers_command():
    """Expire waiting-list offers not taken in time and offer the slots to the next."""
    count = pass_on_expired_offers(db.session, now=now())
    db.session.commit()
    click.echo(f"{count} expired offer(s) passed on")
