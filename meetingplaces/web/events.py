"""Events: managers create, edit, cancel and delete events and change single dates;
organisations propose events; managers moderate proposals."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..booking.errors import BookingConflict
from ..errors import DomainError, InvalidInput
from ..events import (
    approve_event,
    cancel_event,
    cancel_occurrence,
    create_event,
    delete_event,
    moderation_queue,
    move_occurrence,
    reject_event,
    restore_event,
    restore_occurrence,
    submit_event,
    update_event,
)
from ..events.booked_rooms import (
    LINKABLE_STATUSES,
    event_fields_for,
    linkable_bookings,
    next_date,
    room_names,
    trouble_of,
)
from ..events.held_rooms import rooms_in
from ..events.moderation import events_of
from ..events.occurrences import expand
from ..events.publishing import event_organisations, event_quarters
from ..events.vocabulary import TRANSLATION_LANGUAGES
from ..extensions import db
from ..forms.base import ConfirmForm
from ..forms.events import EventForm, MoveDateForm, ReasonForm, RejectForm
from ..i18n import day_text, formatting_locale
from ..models import Facility, Organisation, Quarter, Resource
from ..models.bookings import Booking
from ..models.events import Event
from ..policy import can
from ..timeline import entered, fold_notices, split_until
from .clock import now
from .confirm import ask_once, confirmed
from .form_errors import refused, taken_dates_shown, wants_free_dates
from .once import submitted_once

bp = Blueprint("events", __name__, url_prefix="/events")

# Domain field names that a form shows under another name.
FORM_FIELD = {"starts_at": "start_time", "ends_at": "end_time", "rrule": "repeat",
              "translations": None, "original_date": None}
DATES_SHOWN_DAYS = 120


@bp.before_request
@login_required
def _require_login():
    return None


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])




def _event(event_id: int, action: str) -> Event:
    event = db.session.get(Event, event_id) or abort(404)
    if not can(current_user, action, event):
        abort(403)
    return event


def _choices(form: EventForm, event: Event | None = None, suggested: dict | None = None) -> None:
    user = current_user
    quarters = event_quarters(db.session, user)
    if event is not None and event.quarter not in quarters:
        quarters = [*quarters, event.quarter]
    form.quarter.choices = [(q.id, q.name) for q in quarters]
    organisations = event_organisations(db.session, user, quarters)
    if event is not None and event.organisation is not None:
        organisations.append(event.organisation)
    unique = {o.id: o for o in organisations}
    management = can(user, "moderate_proposals", Event)
    form.organisation.choices = ([(0, _("City quarter management"))] if management else []) + [
        (o.id, o.name) for o in sorted(unique.values(), key=lambda o: o.name)]
    facilities = db.session.scalars(select(Facility).where(
        Facility.quarter_id.in_([q.id for q in quarters]), Facility.active)
        .order_by(Facility.name)).all()
    form.facility.choices = [(0, _("No meeting place (address below)"))] + [
        (f.id, f"{f.name} ({f.quarter.name})") for f in facilities]
    bookings = linkable_bookings(db.session, user, quarter_ids=[q.id for q in quarters],
                                 now=now())
    for kept in (event.booking if event else None, suggested["booking"] if suggested else None):
        if kept is not None and kept not in bookings:
            bookings.append(kept)
    form.booking.choices = [(0, _("No booked room"))] + [
        (b.id, _booking_label(b)) for b in bookings]
    rooms = [room for quarter in quarters for room in rooms_in(db.session, quarter)]
    if event is not None and event.resource is not None and event.resource not in rooms:
        rooms.append(event.resource)
    form.resource.choices = [(0, _("No room"))] + [
        (r.id, f"{r.name} ({r.facility.name})") for r in rooms]
    chosen = request.form.get("use_room", type=int)  # "free instead" offered on a clash
    if chosen in dict(form.resource.choices):
        form.resource.data = chosen
    # Repetitions the select does not offer (a booking's "second Tuesday of the month", a rule
    # set through the API) stay choosable, so that saving the form does not drop them.
    for rrule, label in ((event.rrule if event else "", _("As the event repeats now")),
                         (suggested["rrule"] if suggested else "", _("As the booking repeats"))):
        rule, _until = _split_until(rrule)
        if rule and rule not in dict(form.repeat.choices):
            form.repeat.choices = [*form.repeat.choices, (rule, label)]


def _booking_label(booking: Booking) -> str:
    """Title (for those who may see it), rooms with their facility, and the next date."""
    rooms = f"{room_names(booking)} ({booking.resources[0].facility.name})" if (
        booking.resources and booking.resources[0].facility) else room_names(booking)
    if booking.status not in LINKABLE_STATUSES:
        when = _("cancelled")
    else:
        starts = next_date(booking, now()).astimezone(zone())
        when = (f"{format_date(starts, 'medium', locale=formatting_locale())} "
                f"{format_time(starts, 'short', locale=formatting_locale())}")
        if booking.is_series:
            when = _("from %(date)s", date=when)
    title = [booking.title] if can(current_user, "view_private", booking) else []
    return " – ".join([*title, rooms, when])


def _suggested_by_booking() -> dict | None:
    """The event that the booking named in ?booking= suggests, for its "create an event" link."""
    booking_id = request.args.get("booking", type=int)
    if booking_id is None:
        return None
    booking = db.session.get(Booking, booking_id) or abort(404)
    if not can(current_user, "use_for_event", booking):
        abort(403)
    return event_fields_for(booking, zone())


def _at(day: date, moment, field: str) -> datetime:
    """A date and time typed into a form, on the city's clock: refused in the spring gap, the
    first of the two in the autumn hour (timeline.entered)."""
    if moment is None:
        raise InvalidInput(_("Please enter a time."), field=field)
    return entered(datetime.combine(day, moment), zone(), field=field)


def _say_folds(*moments) -> None:
    for notice in fold_notices(*moments):
        flash(notice, "info")


def fields_from(form: EventForm) -> dict:
    """The domain's keyword fields from a filled event form (local wall-clock times)."""
    fields = {name: getattr(form, name).data for name in (
        "title", "description", "category", "target_groups", "languages", "is_free", "cost",
        "registration_required", "registration_contact", "step_free", "place_name",
        "address", "latitude", "longitude", "show_organiser", "is_public")}
    fields["facility"] = (db.session.get(Facility, form.facility.data)
                          if form.facility.data else None)
    fields["booking"] = db.session.get(Booking, form.booking.data) if form.booking.data else None
    fields["resource"] = (db.session.get(Resource, form.resource.data)
                          if form.resource.data else None)
    fields["organisation"] = (db.session.get(Organisation, form.organisation.data)
                              if form.organisation.data else None)
    start_day = form.start_date.data
    if form.all_day.data:
        fields["start_date"] = start_day
        fields["end_date"] = form.end_date.data or start_day
    else:
        fields["starts_at"] = _at(start_day, form.start_time.data, "start_time")
        fields["ends_at"] = _at(form.end_date.data or start_day, form.end_time.data, "end_time")
    rule = form.repeat.data
    if rule and form.repeat_until.data:
        rule += f";UNTIL={form.repeat_until.data:%Y%m%d}"
    fields["rrule"] = rule
    fields["exdates"] = [d for d in form.exdates.data.replace(",", " ").split() if d]
    fields["translations"] = {
        code: {"title": form[f"title_{code}"].data, "description": form[f"description_{code}"].data}
        for code in TRANSLATION_LANGUAGES}
    return fields


def _fill(form: EventForm, event: Event) -> None:
    for name in ("title", "description", "category", "target_groups", "languages", "is_free",
                 "cost", "registration_required", "registration_contact", "step_free",
                 "place_name", "address", "latitude", "longitude", "show_organiser", "is_public"):
        getattr(form, name).data = getattr(event, name)
    form.quarter.data = event.quarter_id
    form.organisation.data = event.organisation_id or 0
    form.facility.data = event.facility_id or 0
    form.booking.data = event.booking_id or 0
    form.resource.data = event.resource_id or 0
    form.all_day.data = event.all_day
    if event.all_day:
        form.start_date.data, form.end_date.data = event.start_date, event.end_date
    else:
        _fill_times(form, event.starts_at, event.ends_at)
    _fill_repetition(form, event.rrule, event.exdates)
    for translation in event.translations:
        form[f"title_{translation.language}"].data = translation.title
        form[f"description_{translation.language}"].data = translation.description


def _fill_times(form: EventForm, starts_at: datetime, ends_at: datetime) -> None:
    starts, ends = starts_at.astimezone(zone()), ends_at.astimezone(zone())
    form.start_date.data, form.start_time.data = starts.date(), starts.time()
    form.end_time.data = ends.time()
    form.end_date.data = ends.date() if ends.date() != starts.date() else None


def _split_until(rrule: str) -> tuple[str, date | None]:
    """The rule without its UNTIL, and the local day the UNTIL names (for the form)."""
    return split_until(rrule, zone())


def _fill_repetition(form: EventForm, rrule: str, exdates: list[str]) -> None:
    rule, until = _split_until(rrule)
    form.repeat.data = rule if rule in dict(form.repeat.choices) else ""
    form.repeat_until.data = until
    form.exdates.data = ", ".join(exdates)


def _fill_suggested(form: EventForm, suggested: dict) -> None:
    """The form as a booking suggests it: title, quarter, organiser, room, dates."""
    form.title.data = suggested["title"]
    form.booking.data = suggested["booking"].id
    if suggested["quarter"] is not None:
        form.quarter.data = suggested["quarter"].id
    organisation = suggested["organisation"]
    if organisation is not None and organisation.id in dict(form.organisation.choices):
        form.organisation.data = organisation.id
    form.facility.data = suggested["facility"].id if suggested["facility"] else 0
    form.place_name.data = suggested["place_name"]
    _fill_times(form, suggested["starts_at"], suggested["ends_at"])
    _fill_repetition(form, suggested["rrule"], suggested["exdates"])


@bp.get("/")
def index():
    events, moment = events_of(db.session, current_user), now()
    moderates = can(current_user, "moderate_proposals", Event)
    return render_template(
        "events/index.html", events=events,
        troubles={e.id for e in events if e.booking_id and trouble_of(e, moment)},
        moderates=moderates,
        queue_size=len(moderation_queue(db.session, current_user)) if moderates else 0,
        may_create=can(current_user, "create", Event), can=can)


@bp.route("/new", methods=["GET", "POST"])
@submitted_once
def new():
    if not can(current_user, "create", Event):
        abort(403)
    suggested = _suggested_by_booking()
    form = EventForm()
    _choices(form, suggested=suggested)
    if suggested is not None and not form.is_submitted():
        _fill_suggested(form, suggested)
    if form.validate_on_submit():
        try:
            quarter = db.session.get(Quarter, form.quarter.data) or abort(400)
            fields = fields_from(form)
            event = create_event(db.session, actor=current_user, quarter=quarter, now=now(),
                                 free_dates_only=wants_free_dates(), **fields)
        except DomainError as error:
            refused(form, error, FORM_FIELD)
            return render_template("events/form.html", form=form, event=None,
                                   **_taken_dates(form, error)), error.status
        left_out = event.left_out
        db.session.commit()
        _say_left_out(left_out)
        _say_folds(fields.get("starts_at"), fields.get("ends_at"))
        flash(_("The event is published.") if event.status == "published"
              else _("Thank you. The managers of the quarter will look at your proposal."),
              "success")
        return redirect(url_for("events.index"))
    return render_template("events/form.html", form=form, event=None), (
        422 if form.errors else 200)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id: int):
    event = _event(event_id, "edit")
    form = EventForm()
    _choices(form, event)
    if not form.is_submitted():
        _fill(form, event)
    elif form.validate():
        try:
            quarter = db.session.get(Quarter, form.quarter.data) or abort(400)
            fields = fields_from(form)
            update_event(db.session, event, actor=current_user, now=now(), quarter=quarter,
                         free_dates_only=wants_free_dates(), **fields)
        except DomainError as error:
            refused(form, error, FORM_FIELD)
            return _edit_page(form, event, error.status, _taken_dates(form, error))
        left_out = event.left_out
        db.session.commit()
        _say_left_out(left_out)
        _say_folds(fields.get("starts_at"), fields.get("ends_at"))
        flash(_("The event is saved."), "success")
        return redirect(url_for("events.index"))
    return _edit_page(form, event, 422 if form.errors else 200)


def _edit_page(form: EventForm, event: Event, status: int, clash: dict | None = None):
    """The edit form, with a warning when the event's booking went wrong since it was linked."""
    return render_template("events/form.html", form=form, event=event,
                           trouble=trouble_of(event, now()), **(clash or {})), status


def _say_left_out(left_out) -> None:
    if left_out:
        flash(_("Left out because they are taken: %(dates)s.",
                dates=", ".join(day_text(d) for d in left_out)), "info")


def _taken_dates(form: EventForm, error: DomainError) -> dict:
    """On a clash of the event's room, as the booking form shows it (bookings/_taken_dates.html):
    every taken date with the rooms free then, each a button that sends the form again with
    that room (for every date of the event), and for a series the free dates only."""
    if not isinstance(error, BookingConflict):
        return {}
    choosable = dict(form.resource.choices)
    shown = taken_dates_shown(error, zone(), lambda taken: [
        {"resource": offer.resource, "lacking": offer.lacking}
        for offer in taken.alternatives if offer.resource.id in choosable])
    return {"taken_dates": shown, "free_dates": error.free_dates if form.repeat.data else []}


def _checked_token() -> None:
    """A one-button post without a valid CSRF token is refused (the button's form only)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _step(change, *, done: str, back: str, refused_page=None):
    """One button's change: committed and `done` flashed, or rolled back with the refusal
    flashed, shown on `refused_page(error)` or else back where the button was."""
    try:
        change()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return refused_page(error) if refused_page else redirect(back)
    db.session.commit()
    flash(done, "success")
    return redirect(back)


@bp.post("/<int:event_id>/submit")
def submit(event_id: int):
    _checked_token()
    event = _event(event_id, "edit")
    return _step(lambda: submit_event(db.session, event, actor=current_user, now=now()),
                 done=_("The event is sent."), back=url_for("events.index"))


@bp.post("/<int:event_id>/delete")
def delete(event_id: int):
    _checked_token()
    event = _event(event_id, "delete")
    if not confirmed():
        return ask_once(question=_("Delete the event %(title)s?", title=event.title),
                        consequences=[_("It is removed for good; a published event is better "
                                        "cancelled, which subscribed calendars show.")],
                        confirm_label=_("Yes, delete"), back=url_for("events.index"))
    delete_event(db.session, event, actor=current_user, now=now())
    db.session.commit()
    flash(_("The event is deleted."), "success")
    return redirect(url_for("events.index"))


@bp.route("/<int:event_id>/cancel", methods=["GET", "POST"])
def cancel(event_id: int):
    event = _event(event_id, "cancel")
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            cancel_event(db.session, event, actor=current_user, now=now(),
                         reason=form.reason.data)
        except DomainError as error:
            refused(form, error, FORM_FIELD)
            return render_template("events/cancel.html", form=form, event=event), error.status
        db.session.commit()
        flash(_("The event is cancelled. Subscribed calendars will show it as cancelled."),
              "success")
        return redirect(url_for("events.index"))
    return render_template("events/cancel.html", form=form, event=event)


@bp.post("/<int:event_id>/restore")
def restore(event_id: int):
    """Undo a cancellation: the event is published again and holds its room, if still free."""
    _checked_token()
    event = _event(event_id, "cancel")
    return _step(lambda: restore_event(db.session, event, actor=current_user, now=now()),
                 done=_("The event takes place again. Subscribed calendars will show it again."),
                 back=url_for("events.index"))


@bp.get("/moderation")
def moderation():
    if not can(current_user, "moderate_proposals", Event):
        abort(403)
    return _moderation_page()


def _moderation_page(failed: tuple[int, RejectForm] | None = None, status: int = 200):
    queue = moderation_queue(db.session, current_user)
    forms = {event.id: RejectForm(formdata=None) for event in queue}
    if failed:
        forms[failed[0]] = failed[1]
    return render_template("events/moderation.html", queue=queue, reject_forms=forms,
                           approve_form=ConfirmForm()), status


@bp.post("/<int:event_id>/approve")
def approve(event_id: int):
    _checked_token()
    event = _event(event_id, "moderate")
    return _step(lambda: approve_event(db.session, event, actor=current_user, now=now()),
                 done=_("The event is published."), back=url_for("events.moderation"),
                 refused_page=lambda error: _moderation_page(status=error.status))


@bp.post("/<int:event_id>/reject")
def reject(event_id: int):
    event = _event(event_id, "moderate")
    form = RejectForm()
    if not form.validate_on_submit():
        return _moderation_page((event.id, form), 422)
    try:
        reject_event(db.session, event, actor=current_user, now=now(), reason=form.reason.data)
    except DomainError as error:
        refused(form, error, FORM_FIELD)
        return _moderation_page((event.id, form), error.status)
    db.session.commit()
    flash(_("The proposal is rejected; the proposer gets a mail."), "success")
    return redirect(url_for("events.moderation"))


@bp.get("/<int:event_id>/dates")
def dates(event_id: int):
    event = _event(event_id, "change_dates")
    start = now() - timedelta(days=7)
    return render_template(
        "events/dates.html", event=event,
        occurrences=expand(event, start, start + timedelta(days=DATES_SHOWN_DAYS)),
        reason_form=ReasonForm(formdata=None), confirm_form=ConfirmForm())


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(404)


@bp.post("/<int:event_id>/dates/<day>/cancel")
def cancel_date(event_id: int, day: str):
    event = _event(event_id, "change_dates")
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    return _step(lambda: cancel_occurrence(db.session, event, _day(day), actor=current_user,
                                           now=now(), reason=form.reason.data),
                 done=_("The date is cancelled."), back=url_for("events.dates", event_id=event.id))


@bp.post("/<int:event_id>/dates/<day>/restore")
def restore_date(event_id: int, day: str):
    _checked_token()
    event = _event(event_id, "change_dates")
    return _step(lambda: restore_occurrence(db.session, event, _day(day), actor=current_user,
                                            now=now()),
                 done=_("The date takes place as planned again."),
                 back=url_for("events.dates", event_id=event.id))


@bp.route("/<int:event_id>/dates/<day>/move", methods=["GET", "POST"])
def move_date(event_id: int, day: str):
    event = _event(event_id, "change_dates")
    original = _day(day)
    form = MoveDateForm()
    if form.validate_on_submit():
        try:
            if event.all_day:
                length = event.end_date - event.start_date
                moved = {"start_date": form.start_date.data,
                         "end_date": form.start_date.data + length}
            else:
                moved = {"starts_at": _at(form.start_date.data, form.start_time.data,
                                          "starts_at"),
                         "ends_at": _at(form.start_date.data, form.end_time.data, "ends_at")}
            move_occurrence(db.session, event, original, actor=current_user, now=now(),
                            note=form.note.data, **moved)
        except DomainError as error:
            refused(form, error, FORM_FIELD)
            return render_template("events/move.html", form=form, event=event,
                                   original=original), error.status
        db.session.commit()
        _say_folds(moved.get("starts_at"), moved.get("ends_at"))
        flash(_("The date is moved."), "success")
        return redirect(url_for("events.dates", event_id=event.id))
    if not form.is_submitted():
        form.start_date.data = original
        if not event.all_day:
            starts = event.starts_at.astimezone(zone())
            form.start_time.data = starts.time()
            form.end_time.data = event.ends_at.astimezone(zone()).time()
    return render_template("events/move.html", form=form, event=event, original=original), (
        422 if form.errors else 200)
