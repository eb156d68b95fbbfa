"""Spielmobil rounds: planning a season (check, then save), the season plan, route sheets,
single-date changes, staff, requests that collide with stops, and the van's and the staff's
calendar feeds. Thin: read a form, call one function of meetingplaces.rounds."""

from datetime import date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

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

from ..booking import booking_by_id
from ..errors import DomainError, InvalidInput
from ..extensions import db
from ..forms.base import ConfirmForm
from ..forms.rounds import (
    STOP_ROWS,
    CancelDateForm,
    EndSeasonForm,
    ExtraDateForm,
    MoveDateForm,
    PlanForm,
    StaffForm,
    StopChangeForm,
    YieldForm,
    skip_periods,
    travel_times,
)
from ..i18n import day_text, moment_text
from ..links import absolute_url, base_url
from ..models import Quarter, Resource, User
from ..models.rounds import Round, RoundDate, Stop
from ..places import quarters_managed_by
from ..policy import can
from ..rounds import (
    RoundClash,
    StopInput,
    Yield,
    add_extra_date,
    approve_by_yielding,
    assign_staff,
    cancel_date,
    change_stop_from,
    colliding_dates,
    end_season,
    move_date,
    plan_round,
    restore_date,
    rounds_of,
    save_round,
    spielmobil_requests,
    staff_dates,
    told_of,
)
from ..rounds.calendars import new_staff_feed_token, staff_feed, staff_member_by_token
from .clock import now
from .confirm import ask_once, confirmed
from .context import booking_settings
from .form_errors import refused
from .ics_responses import conditional_calendar
from .once import submitted_once

bp = Blueprint("rounds", __name__)

OSM_SEARCH = "https://www.openstreetmap.org/search?query="


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


@bp.context_processor
def _helpers() -> dict:
    return {"local_day": lambda moment: moment.astimezone(zone()).date().isoformat()}


def osm_link(stop: Stop) -> str:
    """Where the stop is on OpenStreetMap: a marker at its coordinates, else an address search."""
    if stop.latitude is not None and stop.longitude is not None:
        return (f"https://www.openstreetmap.org/?mlat={stop.latitude:.6f}"
                f"&mlon={stop.longitude:.6f}#map=18/{stop.latitude:.6f}/{stop.longitude:.6f}")
    return OSM_SEARCH + quote(stop.address)




def _round(round_id: int, action: str = "manage") -> Round:
    round_ = db.session.get(Round, round_id) or abort(404)
    if not can(current_user, action, round_):
        abort(403)
    return round_


def _round_date(date_id: int, action: str = "manage") -> RoundDate:
    round_date = db.session.get(RoundDate, date_id) or abort(404)
    if not can(current_user, action, round_date.stop.round):
        abort(403)
    return round_date


def _require_manager() -> None:
    if not can(current_user, "plan", Round):
        abort(403)


# --- overview ---------------------------------------------------------------------------------


@bp.get("/rounds/")
@login_required
def index():
    """Managers: their rounds and the Spielmobil requests; the team: their own dates."""
    if not can(current_user, "list", Round):
        abort(403)
    plans = can(current_user, "plan", Round)
    rounds = rounds_of(db.session, current_user) if plans else []
    requests = spielmobil_requests(db.session, current_user) if plans else []
    staffs = can(current_user, "list_own", RoundDate)
    mine = staff_dates(db.session, current_user, now() - timedelta(days=1)) if staffs else []
    return render_template("rounds/index.html", rounds=rounds, requests=requests, mine=mine,
                           plans=plans, staffs=staffs, feed_form=ConfirmForm())


# --- planning ---------------------------------------------------------------------------------


def _quarter_choices() -> list[tuple[int, str]]:
    quarters = quarters_managed_by(db.session, current_user)
    return [(q.id, q.name) for q in quarters if q.active]


def _plan_choices(form: PlanForm) -> None:
    vans = db.session.scalars(select(Resource).where(Resource.kind == "mobile", Resource.active)
                              .order_by(Resource.name)).all()
    form.resource.choices = [(v.id, v.name) for v in vans if can(current_user, "plan_rounds", v)]
    quarters = _quarter_choices()
    for row in form.stops:
        row.form.quarter.choices = quarters


def stop_input(fields) -> StopInput:
    """The domain's stop from a row of form fields."""
    if fields.start.data is None or fields.end.data is None:
        raise InvalidInput(_("%(place)s: enter the start and end time.",
                             place=fields.place_name.data), field="stops")
    quarter = db.session.get(Quarter, fields.quarter.data)
    return StopInput(
        weekday=fields.weekday.data, local_start=fields.start.data, local_end=fields.end.data,
        place_name=fields.place_name.data or "", address=fields.address.data or "",
        quarter=quarter, latitude=fields.latitude.data, longitude=fields.longitude.data,
        staff_needed=fields.staff_needed.data if fields.staff_needed.data is not None else 1)


def _plan_arguments(form: PlanForm) -> dict:
    resource = db.session.get(Resource, form.resource.data) or abort(400)
    return {
        "resource": resource,
        "season_start": form.season_start.data,
        "season_end": form.season_end.data,
        "stops": [stop_input(row.form) for row in form.stops if not row.form.is_blank],
        "skip_periods": skip_periods(form.skip_periods.data),
        "travel_minutes": form.travel_minutes.data,
        "travel_times": travel_times(form.travel_times.data),
    }


@bp.route("/rounds/new", methods=["GET", "POST"])
@login_required
@submitted_once
def new():
    """The plan form: "check" shows every date, skipped day and clash; "save" stores it."""
    _require_manager()
    form = PlanForm()
    while len(form.stops) < STOP_ROWS:
        form.stops.append_entry()
    _plan_choices(form)
    if not form.resource.choices:
        abort(403)
    preview = None
    status = 200
    if form.validate_on_submit():
        try:
            arguments = _plan_arguments(form)
            if request.form.get("action") == "save":
                round_ = save_round(db.session, actor=current_user, name=form.name.data,
                                    now=now(), **arguments, settings=booking_settings())
                db.session.commit()
                flash(_("The round is saved: its dates are booked and in the calendars."),
                      "success")
                return redirect(url_for("rounds.show", round_id=round_.id))
            preview = plan_round(db.session, **arguments, settings=booking_settings())
            db.session.rollback()
            status = 409 if preview.clashes else 200
        except RoundClash as error:
            db.session.rollback()
            preview = plan_round(db.session, **arguments, settings=booking_settings())
            status = refused(form, error)
        except DomainError as error:
            status = refused(form, error)
    elif form.is_submitted():
        status = 422
    return render_template("rounds/new.html", form=form, preview=preview), status


# --- the season -------------------------------------------------------------------------------


def season_weeks(round_: Round) -> list[tuple[date, list[list[RoundDate]]]]:
    """The season as weeks (their Monday) by weekdays, each cell the dates of that day."""
    local_zone = zone()
    by_day: dict[date, list[RoundDate]] = {}
    for stop in round_.stops:
        for round_date in stop.dates:
            by_day.setdefault(round_date.starts_at.astimezone(local_zone).date(), []).append(
                round_date)
    monday = round_.season_start - timedelta(days=round_.season_start.weekday())
    weeks = []
    while monday <= round_.season_end:
        cells = [sorted(by_day.get(monday + timedelta(days=n), []), key=lambda d: d.starts_at)
                 for n in range(7)]
        weeks.append((monday, cells))
        monday += timedelta(weeks=1)
    return weeks


@bp.get("/rounds/<int:round_id>")
@login_required
def show(round_id: int):
    round_ = _round(round_id, "view")
    extra = ExtraDateForm()
    extra.stop.choices = _stop_choices(round_)
    return render_template("rounds/show.html", round=round_, weeks=season_weeks(round_),
                           extra_form=extra, end_form=EndSeasonForm(),
                           may_manage=can(current_user, "manage", round_))


def _stop_choices(round_: Round) -> list[tuple[int, str]]:
    return [(s.id, f"{s.place_name} ({day_text(s.effective_from)})") for s in round_.stops
            if s.effective_until is None or s.effective_until >= s.effective_from]


@bp.get("/rounds/<int:round_id>/day/<day>")
@login_required
def route(round_id: int, day: str):
    """The printable route sheet of a day: stops in order with address, time, team, map link."""
    round_ = _round(round_id, "view")
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        abort(404)
    local_zone = zone()
    stops = sorted((d for s in round_.stops for d in s.dates
                    if d.starts_at.astimezone(local_zone).date() == wanted),
                   key=lambda d: d.starts_at)
    return render_template("rounds/route.html", round=round_, day=wanted, dates=stops,
                           osm_link=osm_link)


@bp.post("/rounds/<int:round_id>/extra")
@login_required
def extra(round_id: int):
    round_ = _round(round_id)
    form = ExtraDateForm()
    form.stop.choices = _stop_choices(round_)
    if form.validate_on_submit():
        stop = db.session.get(Stop, form.stop.data)
        if stop is None or stop.round_id != round_.id:
            abort(400)
        try:
            round_date = add_extra_date(db.session, actor=current_user, stop=stop,
                                        day=form.day.data, local_start=form.start.data,
                                        local_end=form.end.data, now=now(),
                                            settings=booking_settings())
        except DomainError as error:
            refused(form, error)
            return _show_with(round_, extra_form=form), error.status
        db.session.commit()
        flash(_("The extra date is booked and published."), "success")
        return redirect(url_for("rounds.date_page", date_id=round_date.id))
    return _show_with(round_, extra_form=form), 422


@bp.post("/rounds/<int:round_id>/end")
@login_required
def end(round_id: int):
    round_ = _round(round_id)
    form = EndSeasonForm()
    if form.validate_on_submit():
        try:
            end_season(db.session, actor=current_user, round_=round_,
                       last_day=form.last_day.data, reason=form.reason.data, now=now(),
                           settings=booking_settings())
        except DomainError as error:
            refused(form, error)
            return _show_with(round_, end_form=form), error.status
        db.session.commit()
        flash(_("The season ends on %(date)s.", date=day_text(form.last_day.data)), "success")
        return redirect(url_for("rounds.show", round_id=round_.id))
    return _show_with(round_, end_form=form), 422


def _show_with(round_: Round, **forms) -> str:
    extra_form = forms.get("extra_form") or ExtraDateForm(formdata=None)
    extra_form.stop.choices = _stop_choices(round_)
    return render_template("rounds/show.html", round=round_, weeks=season_weeks(round_),
                           extra_form=extra_form,
                           end_form=forms.get("end_form") or EndSeasonForm(formdata=None),
                           may_manage=True)


# --- a stop from a date on --------------------------------------------------------------------


@bp.route("/rounds/stops/<int:stop_id>/change", methods=["GET", "POST"])
@login_required
def change_stop(stop_id: int):
    stop = db.session.get(Stop, stop_id) or abort(404)
    _round(stop.round_id)
    form = StopChangeForm()
    form.stop.form.quarter.choices = _quarter_choices()
    if not form.is_submitted():
        fields = form.stop.form
        fields.weekday.data, fields.start.data, fields.end.data = (
            stop.weekday, stop.local_start, stop.local_end)
        for name in ("place_name", "address", "latitude", "longitude", "staff_needed"):
            getattr(fields, name).data = getattr(stop, name)
        fields.quarter.data = stop.quarter_id
    elif form.validate():
        try:
            new_version = change_stop_from(db.session, actor=current_user, stop=stop,
                                           from_date=form.from_date.data,
                                           changed=stop_input(form.stop.form), now=now(),
                                               settings=booking_settings())
        except DomainError as error:
            refused(form, error)
            return render_template("rounds/change_stop.html", form=form, stop=stop), error.status
        db.session.commit()
        flash(_("From %(date)s the stop has its new time and place.",
                date=day_text(new_version.effective_from)), "success")
        return redirect(url_for("rounds.show", round_id=stop.round_id))
    return render_template("rounds/change_stop.html", form=form, stop=stop), (
        422 if form.errors else 200)


# --- single dates -----------------------------------------------------------------------------


def _date_forms(round_date: RoundDate, **given) -> dict:
    staff = db.session.scalars(select(User).where(User.is_spielmobil_staff, User.active)
                               .order_by(User.name)).all()
    staff_form = given.get("staff_form") or StaffForm(
        formdata=None, staff=[p.id for p in round_date.staff])
    staff_form.staff.choices = [(p.id, p.name) for p in staff]
    move_form = given.get("move_form") or MoveDateForm(formdata=None)
    if move_form.day.data is None:
        local_zone = zone()
        move_form.day.data = round_date.starts_at.astimezone(local_zone).date()
        move_form.start.data = round_date.starts_at.astimezone(local_zone).time()
        move_form.end.data = round_date.ends_at.astimezone(local_zone).time()
    return {"cancel_form": given.get("cancel_form") or CancelDateForm(formdata=None),
            "move_form": move_form, "staff_form": staff_form,
            "restore_form": given.get("restore_form") or ConfirmForm(formdata=None)}


def _date_page(round_date: RoundDate, status: int = 200, **given):
    return render_template("rounds/date.html", round_date=round_date, stop=round_date.stop,
                           round=round_date.stop.round, osm_link=osm_link,
                           restorable=round_date.is_cancelled and round_date.ends_at > now(),
                           may_manage=can(current_user, "manage", round_date.stop.round),
                           can_view_round=can(current_user, "view", round_date.stop.round),
                           **_date_forms(round_date, **given)), status


@bp.get("/rounds/dates/<int:date_id>")
@login_required
def date_page(date_id: int):
    round_date = db.session.get(RoundDate, date_id) or abort(404)
    if not can(current_user, "view", round_date):
        abort(403)
    return _date_page(round_date)


def _date_step(round_date: RoundDate, form_name: str, form, step, message: str):
    """One change of a round date: validate the form, call the domain, and on refusal show the
    date page again with the message beside its field and everything typed kept."""
    if not form.validate_on_submit():
        return _date_page(round_date, 422, **{form_name: form})
    try:
        step()
    except DomainError as error:
        refused(form, error)
        return _date_page(round_date, error.status, **{form_name: form})
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("rounds.date_page", date_id=round_date.id))


def _who_is_told(round_date: RoundDate) -> str:
    """The message names the people a change of the date is mailed to, or says nobody is."""
    people = told_of(round_date)
    if not people:
        return _("Nobody is assigned to this date, so nobody is told by mail.")
    return _("Told by mail: %(names)s.", names=", ".join(p.name for p in people))


@bp.post("/rounds/dates/<int:date_id>/cancel")
@login_required
def cancel(date_id: int):
    """Cancelling asks once (what happens, who is told), then calls the date off; the date's
    page offers to restore it while its time is still free."""
    round_date = _round_date(date_id)
    form = CancelDateForm()
    if form.validate_on_submit() and not confirmed():
        when = moment_text(round_date.starts_at)
        return ask_once(
            question=_("Cancel the Spielmobil date at %(place)s on %(when)s?",
                       place=round_date.stop.place_name, when=when),
            consequences=[_("The van is free again and the quarter calendar shows the date "
                            "as cancelled, with your reason."), _who_is_told(round_date),
                          _("You can restore the date afterwards while its time is free.")],
            confirm_label=_("Yes, cancel the date"),
            back=url_for("rounds.date_page", date_id=round_date.id))
    return _date_step(round_date, "cancel_form", form, lambda: cancel_date(
        db.session, actor=current_user, round_date=round_date, reason=form.reason.data,
        now=now(), settings=booking_settings()),
        _("The date is cancelled.") + " " + _who_is_told(round_date))


@bp.post("/rounds/dates/<int:date_id>/restore")
@login_required
def restore(date_id: int):
    """Undo a cancellation: refused with the clash when the van is no longer free then."""
    round_date = _round_date(date_id)
    form = ConfirmForm()
    return _date_step(round_date, "restore_form", form, lambda: restore_date(
        db.session, actor=current_user, round_date=round_date, now=now(),
        settings=booking_settings()),
        _("The date takes place again.") + " " + _who_is_told(round_date))


@bp.post("/rounds/dates/<int:date_id>/move")
@login_required
def move(date_id: int):
    round_date = _round_date(date_id)
    form = MoveDateForm()
    return _date_step(round_date, "move_form", form, lambda: move_date(
        db.session, actor=current_user, round_date=round_date,
        local_start=datetime.combine(form.day.data, form.start.data),
        local_end=datetime.combine(form.day.data, form.end.data),
        note=form.note.data or "", now=now(), settings=booking_settings()),
        _("The date is moved.") + " " + _who_is_told(round_date))


@bp.post("/rounds/dates/<int:date_id>/staff")
@login_required
def staff(date_id: int):
    round_date = _round_date(date_id)
    form = StaffForm()
    form.staff.choices = [(p.id, p.name) for p in db.session.scalars(
        select(User).where(User.is_spielmobil_staff, User.active))]
    return _date_step(round_date, "staff_form", form, lambda: assign_staff(
        db.session, actor=current_user, round_date=round_date, now=now(),
        staff=db.session.scalars(select(User).where(User.id.in_(form.staff.data))).all(),
        settings=booking_settings()),
        _("The team for this date is saved."))


# --- requests of initiatives ------------------------------------------------------------------


def _yields(collisions: list[RoundDate]) -> list[Yield]:
    """Per colliding date: `action-<id>` cancel or move, with `day-`, `start-`, `end-<id>`."""
    yields = []
    for round_date in collisions:
        action = request.form.get(f"action-{round_date.id}", "")
        if action == "cancel":
            yields.append(Yield(round_date))
        elif action == "move":
            try:
                day = date.fromisoformat(request.form.get(f"day-{round_date.id}", ""))
                start = datetime.combine(day, time.fromisoformat(
                    request.form.get(f"start-{round_date.id}", "")))
                end = datetime.combine(day, time.fromisoformat(
                    request.form.get(f"end-{round_date.id}", "")))
            except ValueError as error:
                raise InvalidInput(_("Enter the new date and times of each date you move."),
                                   field="yields") from error
            yields.append(Yield(round_date, start, end))
        else:
            raise InvalidInput(_("Choose what happens to each colliding date."), field="yields")
    return yields


@bp.route("/rounds/requests/<int:booking_id>", methods=["GET", "POST"])
@login_required
def request_page(booking_id: int):
    """A request for the van: the round dates it collides with, and approval by giving way."""
    booking = booking_by_id(db.session, booking_id)
    if not can(current_user, "approve", booking) or not any(r.is_mobile
                                                            for r in booking.resources):
        abort(403)
    collisions = colliding_dates(db.session, booking)
    form = YieldForm()
    status = 200
    if form.validate_on_submit():
        try:
            approve_by_yielding(db.session, actor=current_user, booking=booking,
                                yields=_yields(collisions), reason=form.reason.data, now=now(),
                                    settings=booking_settings())
        except DomainError as error:
            refused(form, error)
            status = error.status
            booking = booking_by_id(db.session, booking_id)
            collisions = colliding_dates(db.session, booking)
        else:
            db.session.commit()
            flash(_("The request is approved; the round dates are moved or cancelled as you "
                    "chose."), "success")
            return redirect(url_for("rounds.index"))
    elif form.is_submitted():
        status = 422
    return render_template("rounds/request.html", booking=booking, collisions=collisions,
                           form=form, values=request.form), status


# --- feeds ------------------------------------------------------------------------------------


@bp.post("/rounds/my-feed")
@login_required
def renew_staff_feed():
    """A new secret link for the staff member's own dates; the old one stops working."""
    if not can(current_user, "list_own", RoundDate):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    secret = new_staff_feed_token(db.session, current_user, now())
    db.session.commit()
    link = absolute_url("rounds.staff_calendar", token=secret)
    flash(_("Your private calendar link (shown once): %(link)s", link=link), "success")
    return redirect(url_for("rounds.index"))


@bp.get("/rounds/staff/<token>/calendar.ics")
def staff_calendar(token: str):
    person = staff_member_by_token(db.session, token) or abort(404)
    body = staff_feed(db.session, person, now=now(), zone=zone(), base_url=base_url())
    # Private (names of the team), but kept by the app and asked again: ETag and 304.
    return conditional_calendar(body.decode(), cache_control="private, no-cache")
