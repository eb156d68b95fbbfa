"""JSON API: attendance (how many came to an event date or a Spielmobil stop) and a report's
headline figures, or the whole report as CSV or XLSX. Thin: validated input, one domain call."""

import datetime as dt
from datetime import date, datetime
from typing import Literal

from flask_babel import gettext as _
from pydantic import Field

from ...errors import InvalidInput, NotFound
from ...extensions import db
from ...i18n import city_zone
from ...models import Quarter
from ...models.events import Event
from ...models.rounds import Round
from ...reports import attendance, figures
from ...reports.tables import tables
from ..clock import now
from . import api_user, bp
from .contract import (
    ID_CONVERTER,
    Day,
    Id,
    Input,
    Line,
    Output,
    Paragraphs,
    Query,
    operation,
    path_date,
    validated_body,
    validated_query,
)
from .times import local

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Groups(Input):
    """People per age group (each optional)."""

    children: int | None = Field(None, ge=0, le=attendance.MAX_COUNT)
    youth: int | None = Field(None, ge=0, le=attendance.MAX_COUNT)
    adults: int | None = Field(None, ge=0, le=attendance.MAX_COUNT)
    seniors: int | None = Field(None, ge=0, le=attendance.MAX_COUNT)


class AttendanceIn(Input):
    count: int = Field(ge=0, le=attendance.MAX_COUNT)
    groups: Groups = Field(default_factory=Groups)
    first_visit: int | None = Field(None, ge=0, le=attendance.MAX_COUNT)
    languages: list[Line(20)] = Field(default_factory=list, max_length=30)
    note: Paragraphs(attendance.NOTE_MAX) = Field("", description="Never names of visitors")


class RoundAttendanceIn(AttendanceIn):
    stop_id: Id | None = Field(None, description="Which stop of the day, when several")


class GroupsOut(Output):
    children: int | None
    youth: int | None
    adults: int | None
    seniors: int | None


class AttendanceOut(Output):
    event_id: int
    date: dt.date = Field(description="The date the rule gave")
    round_date_id: int | None
    count: int
    groups: GroupsOut
    first_visit: int | None
    languages: list[str]
    note: str
    recorded_at: datetime
    locked: bool = Field(description="Organisers and staff may no longer change it")


def _input(body: AttendanceIn) -> attendance.AttendanceInput:
    return attendance.AttendanceInput(count=body.count, groups=body.groups.model_dump(),
                                      first_visit=body.first_visit,
                                      languages=tuple(body.languages), note=body.note)


def attendance_json(slot, row) -> dict:
    return {
        "event_id": slot.event.id,
        "date": slot.occurrence_date,
        "round_date_id": slot.round_date.id if slot.round_date is not None else None,
        "count": row.count,
        "groups": {g: getattr(row, g) for g in ("children", "youth", "adults", "seniors")},
        "first_visit": row.first_visit,
        "languages": list(row.languages or []),
        "note": row.note,
        "recorded_at": local(row.updated_at),
        "locked": attendance.locked(slot, now()),
    }


@bp.put(f"/events/<{ID_CONVERTER}:event_id>/occurrences/<day>/attendance")
@operation(roles="the event's organisation (until a month after), managers of its quarter",
           body=AttendanceIn, out=AttendanceOut, tag="reports")
def event_attendance(event_id: int, day: str):
    """Record how many came to one date of an event (`day`: the date its rule gave)."""
    user = api_user()
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound(_("There is no such event."))
    slot = attendance.slot_for_event(db.session, event, path_date(day))
    row = attendance.record_attendance(db.session, actor=user, slot=slot,
                                       data=_input(validated_body()), now=now())
    db.session.commit()
    return attendance_json(slot, row)


@bp.put(f"/rounds/<{ID_CONVERTER}:round_id>/dates/<day>/attendance")
@operation(roles="the stop's staff (until a month after), managers of the van's quarter",
           body=RoundAttendanceIn, out=AttendanceOut, tag="reports")
def round_attendance(round_id: int, day: str):
    """Record how many came to a Spielmobil stop; `stop_id` when several stops share the day."""
    user = api_user()
    body = validated_body()
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise NotFound(_("There is no such round."))
    wanted = path_date(day)
    found = [d for s in round_.stops for d in s.dates if d.original_date == wanted]
    if body.stop_id is not None:
        found = [d for d in found if d.stop_id == body.stop_id]
    if not found:
        raise NotFound(_("The round has no date on %(date)s.", date=wanted.isoformat()),
                       field="day")
    if len(found) > 1:
        raise InvalidInput(_("Several stops have this date; give stop_id."), field="stop_id")
    slot = attendance.slot_for_round_date(db.session, found[0])
    row = attendance.record_attendance(db.session, actor=user, slot=slot, data=_input(body),
                                       now=now())
    db.session.commit()
    return attendance_json(slot, row)


# --- reports --------------------------------------------------------------------------------

class ReportQuery(Query):
    quarter_id: Id | None = Field(None, description="Without it: the whole city (coordinator)")
    start_date: Day | None = Field(None, description="First day; default 1 January")
    end_date: Day | None = Field(None, description="Last day (included); default 31 December")


class ReportFileQuery(ReportQuery):
    format: Literal["csv", "xlsx"]


class ReportSummary(Output):
    scope: str
    start_date: dt.date
    end_date: dt.date
    booked_hours: float
    opening_hours: float
    events: int
    event_dates: int
    event_dates_held: int
    event_dates_moved: int
    event_dates_cancelled: int
    attendance_total: int
    attendance_dates: int
    attendance_groups: dict[str, int]
    attendance_first_visits: int
    spielmobil_stops_planned: int
    spielmobil_stops_held: int
    spielmobil_stops_cancelled: int
    spielmobil_children: int
    organisations_active: int
    organisations_new: int


def _report(query: ReportQuery):
    user = api_user()
    key = "city"
    if query.quarter_id is not None:
        quarter = db.session.get(Quarter, query.quarter_id)
        if quarter is None:
            raise NotFound(_("There is no such quarter."), field="quarter_id")
        key = f"quarter:{quarter.slug}"
    scope = figures.resolve_scope(db.session, user, key)
    today = now().astimezone(city_zone()).date()
    try:
        start, end = figures.period(query.start_date, query.end_date, scope, today)
    except InvalidInput as error:
        error.field = "end_date"
        raise
    return key, start, end, figures.build(db.session, scope, start, end, now=now(),
                                          zone=city_zone())


@bp.get("/reports/summary")
@operation(roles="managers for their quarters, the city coordinator (admin) for the city",
           query=ReportQuery, out=ReportSummary, tag="reports")
def report_summary():
    """A quarter's (or the city's) headline figures for a period."""
    _key, _start, _end, report = _report(validated_query())
    summary = report.summary()
    summary["start_date"] = date.fromisoformat(summary.pop("from"))
    summary["end_date"] = date.fromisoformat(summary.pop("to"))
    return summary


@bp.get("/reports/table")
@operation(roles="managers for their quarters, the city coordinator (admin) for the city",
           query=ReportFileQuery, tag="reports", files=("text/csv", XLSX))
def report_table():
    """The whole report as a file: `format=csv` or `format=xlsx`."""
    from ..reports import download

    query = validated_query()
    key, start, end, report = _report(query)
    name = f"report-{key.replace(':', '-')}-{start.isoformat()}-{end.isoformat()}"
    return download(tables(report), name, query.format)

