"""Reports for managers and the city coordinator, their downloads, the printable yearly report
of a quarter, the public summary of a quarter, recording attendance, and the programmes."""

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..errors import DomainError
from ..extensions import db
from ..forms.reports import AttendanceForm, ProgrammeForm, ReportForm
from ..i18n import city_zone, formatting_locale, text_direction
from ..models import Facility, Organisation, Quarter
from ..models.events import Event
from ..models.reports import ATTENDANCE_GROUPS, Programme
from ..models.types import utcnow
from ..policy import can
from ..reports import attendance, exports, figures
from ..reports.charts import charts
from ..reports.programmes import delete_programme, save_programme
from ..reports.tables import tables
from .context import booking_settings
from .form_errors import refused, show_error

bp = Blueprint("reports", __name__)


@bp.app_template_filter("figure")
def _figure(value) -> str:
    """A table cell: numbers in the reader's conventions, dates as dates, nothing as a dash."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return format_decimal(value, locale=formatting_locale())
    if isinstance(value, date):
        return format_date(value, "medium", locale=formatting_locale())
    return str(value)

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download(found: list, name: str, fmt: str) -> Response:
    body = exports.to_csv(found) if fmt == "csv" else exports.to_xlsx(found)
    return Response(body, content_type=FORMATS[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def _require_reader() -> None:
    if not figures.may_read_reports(current_user):
        abort(403)


def _scope_choices() -> list[tuple[str, str]]:
    """Every scope the user may read: the city (coordinator), their quarters, facilities,
    organisations there, and programmes touching them."""
    quarters = figures.readable_quarters(db.session, current_user)
    ids = [q.id for q in quarters]
    choices = []
    if can(current_user, "read_city_reports", Quarter):
        choices.append(("city", _("Whole city")))
    choices += [(f"quarter:{q.slug}", _("Quarter: %(name)s", name=q.name)) for q in quarters]
    choices += [(f"programme:{p.slug}", _("Programme: %(name)s", name=p.name))
                for p in db.session.scalars(select(Programme).order_by(Programme.name))
                if any(q.id in ids for q in p.quarters)]
    choices += [(f"facility:{f.slug}", _("Facility: %(name)s", name=f.name))
                for f in db.session.scalars(select(Facility).where(Facility.quarter_id.in_(ids))
                                            .order_by(Facility.name))]
    choices += [(f"organisation:{o.slug}", _("Organisation: %(name)s", name=o.name))
                for o in db.session.scalars(select(Organisation)
                                            .where(Organisation.quarter_id.in_(ids))
                                            .order_by(Organisation.name))]
    return choices


def _report_from(form: ReportForm, *, detail: bool):
    scope = figures.resolve_scope(db.session, current_user, form.scope.data)
    today = utcnow().astimezone(city_zone()).date()
    start, end = figures.period(form.start.data, form.end.data, scope, today)
    return figures.build(db.session, scope, start, end, now=utcnow(), zone=city_zone(),
                         holiday_region=booking_settings().holiday_region, detail=detail)


def report_file_name(report) -> str:
    """The download's name: scope and period, the same from the page and the API."""
    scope = report.scope.key.replace(":", "-")
    return f"report-{scope}-{report.start.isoformat()}-{report.end.isoformat()}"


@bp.get("/reports/")
@login_required
def index():
    _require_reader()
    form = ReportForm(request.args)
    form.scope.choices = _scope_choices()
    if not form.scope.choices:
        abort(403)
    if not request.args.get("scope"):
        form.scope.data = form.scope.choices[0][0]
    report = found = drawn = None
    status = 200
    fmt = request.args.get("format")
    if form.validate():
        try:
            report = _report_from(form, detail=fmt in FORMATS)
        except DomainError as error:
            show_error(form, error)
            status = error.status
        else:
            found = tables(report)
            if fmt in FORMATS:
                return download(found, report_file_name(report), fmt)
            drawn = charts(found, rtl=text_direction() == "rtl")
    else:
        status = 422
    return render_template("reports/index.html", form=form, report=report, tables=found,
                           charts=drawn, raw_kinds=exports.RAW_KINDS,
                           quarters=figures.readable_quarters(db.session, current_user),
                           may_keep_programmes=can(current_user, "manage", Programme)), status


@bp.get("/reports/rows/<kind>.<fmt>")
@login_required
def raw_rows(kind: str, fmt: str):
    """The rows behind a report: booked dates, event dates or attendance records."""
    _require_reader()
    if kind not in exports.RAW_KINDS or fmt not in FORMATS:
        abort(404)
    form = ReportForm(request.args)
    form.scope.choices = _scope_choices()
    if not form.validate():
        abort(400)
    try:
        scope = figures.resolve_scope(db.session, current_user, form.scope.data)
        today = utcnow().astimezone(city_zone()).date()
        start, end = figures.period(form.start.data, form.end.data, scope, today)
    except DomainError as error:
        abort(error.status)
    table = exports.raw_table(db.session, kind, scope, start, end, city_zone())
    name = f"{kind}-{scope.key.replace(':', '-')}-{start.isoformat()}-{end.isoformat()}"
    return download([table], name, fmt)


@bp.get("/reports/yearly/<slug>/<int:year>")
@login_required
def yearly(slug: str, year: int):
    """A quarter's year on A4: the figures, the charts and their tables, ready to print."""
    if not 2000 <= year <= 2100:
        abort(404)
    quarter = db.session.scalar(select(Quarter).where(Quarter.slug == slug)) or abort(404)
    if not can(current_user, "read_reports", quarter):
        abort(403)
    scope = figures.Scope("quarter", f"quarter:{slug}", quarter.name, quarter_ids=(quarter.id,))
    report = figures.build(db.session, scope, date(year, 1, 1), date(year, 12, 31),
                           now=utcnow(), zone=city_zone(),
                           holiday_region=booking_settings().holiday_region)
    found = tables(report)
    return render_template("reports/yearly.html", report=report, quarter=quarter, year=year,
                           tables=found, charts=charts(found, rtl=text_direction() == "rtl"))


@bp.get("/quarters/<slug>/figures")
def public_summary(slug: str):
    """What a quarter offered and how many came in a year: aggregate numbers only."""
    quarter = db.session.scalar(select(Quarter).where(Quarter.slug == slug, Quarter.active))
    if quarter is None:
        abort(404)
    today = utcnow().astimezone(city_zone()).date()
    year = request.args.get("year", type=int) or today.year
    if not 2000 <= year <= today.year + 1:
        abort(404)
    report = figures.public_summary(db.session, quarter, year, now=utcnow(), zone=city_zone(),
                                    holiday_region=booking_settings().holiday_region)
    found = [t for t in tables(report) if t.public and t.key != "languages_heard"]
    return render_template("reports/public.html", report=report, quarter=quarter, year=year,
                           tables=found, charts=charts(found, rtl=text_direction() == "rtl"),
                           years=range(today.year, today.year - 5, -1))


# --- attendance --------------------------------------------------------------------------------


@bp.get("/attendance/")
@login_required
def attendance_index():
    """The dates of the last month the user may record, those still without numbers first."""
    slots = attendance.open_slots(db.session, current_user, utcnow())
    slots.sort(key=lambda item: (item[1] is not None, -item[0].starts_at.timestamp()))
    return render_template("reports/attendance_index.html", slots=slots)


@bp.route("/attendance/events/<int:event_id>/<day>", methods=["GET", "POST"])
@login_required
def record(event_id: int, day: str):
    try:
        occurrence_date = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if not date(2000, 1, 1) <= occurrence_date <= date(2100, 12, 31):
        abort(404)
    slot = attendance.slot_for_event(db.session, db.session.get(Event, event_id),
                                     occurrence_date)
    if not can(current_user, "record_attendance", slot):
        abort(403)
    now = utcnow()
    row = attendance.existing(db.session, slot)
    is_locked = attendance.locked(slot, now)
    may_correct = can(current_user, "correct_attendance", slot)
    # Only a first view shows the stored numbers: a submission stands for itself (a language
    # unticked is not sent at all, and must not come back from the stored row).
    form = AttendanceForm(obj=row if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        data = attendance.AttendanceInput(
            count=form.count.data, groups={g: form[g].data for g in ATTENDANCE_GROUPS},
            first_visit=form.first_visit.data, languages=tuple(form.languages.data or ()),
            note=form.note.data or "")
        try:
            attendance.record_attendance(db.session, actor=current_user, slot=slot, data=data,
                                         now=now)
        except DomainError as error:
            status = refused(form, error)
        else:
            db.session.commit()
            flash(_("Thank you: the attendance has been saved."), "success")
            return redirect(url_for(".attendance_index"))
    elif form.is_submitted():
        status = 422
    return render_template("reports/attendance_form.html", form=form, slot=slot, row=row,
                           locked=is_locked, may_correct=may_correct), status


# --- programmes --------------------------------------------------------------------------------


def _require_programmes() -> None:
    if not can(current_user, "manage", Programme):
        abort(403)


@bp.get("/reports/programmes/")
@login_required
def programmes():
    _require_programmes()
    return render_template("reports/programmes.html", programmes=db.session.scalars(
        select(Programme).order_by(Programme.name)).all())


@bp.route("/reports/programmes/new", methods=["GET", "POST"], defaults={"programme_id": None})
@bp.route("/reports/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@login_required
def edit_programme(programme_id: int | None):
    _require_programmes()
    programme = None
    if programme_id is not None:
        programme = db.session.get(Programme, programme_id) or abort(404)
    form = ProgrammeForm(obj=programme)
    all_quarters = db.session.scalars(select(Quarter).order_by(Quarter.name)).all()
    form.quarters.choices = [(q.id, q.name) for q in all_quarters]
    if programme is not None and not form.is_submitted():
        form.quarters.data = [q.id for q in programme.quarters]
    status = 200
    if form.validate_on_submit():
        chosen = [q for q in all_quarters if q.id in (form.quarters.data or [])]
        try:
            save_programme(db.session, actor=current_user, programme=programme,
                           slug=form.slug.data, name=form.name.data,
                           description=form.description.data or "",
                           funded_from=form.funded_from.data,
                           funded_until=form.funded_until.data, quarters=chosen, now=utcnow())
        except DomainError as error:
            status = refused(form, error)
        else:
            db.session.commit()
            flash(_("The programme has been saved."), "success")
            return redirect(url_for(".programmes"))
    elif form.is_submitted():
        status = 422
    return render_template("reports/programme_form.html", form=form, programme=programme), status


@bp.post("/reports/programmes/<int:programme_id>/delete")
@login_required
def remove_programme(programme_id: int):
    _require_programmes()
    programme = db.session.get(Programme, programme_id) or abort(404)
    delete_programme(db.session, actor=current_user, programme=programme, now=utcnow())
    db.session.commit()
    flash(_("The programme has been deleted."), "success")
    return redirect(url_for(".programmes"))
