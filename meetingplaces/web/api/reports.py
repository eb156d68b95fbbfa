"""JSON API: attendance of an event date or a Spielmobil stop, and a report's headline figures
(or the whole report as a CSV or XLSX download). Thin: read the validated input, call one
function of meetingplaces.reports, answer."""

import datetime as dt
from typing import Literal

from flask_babel import gettext as _
from pydantic import ConfigDict, Field
from sqlalchemy import select

from ...errors import InvalidInput, NotFound
from ...extensions import db
from ...i18n import city_zone
from ...models import Quarter
from ...models.events import Event
from ...models.reports import ATTENDANCE_GROUPS
from ...models.rounds import Round
from ...reports import attendance, figures
from ...reports.tables import tables
from ..clock import now
from ..context import booking_settings
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
from .rounds import dates_on


def _count():
    return Field(None, ge=0, le=attendance.MAX_COUNT)


class AttendanceGroups(Input):
    """How many of those who came were in each group; leave out what nobody counted."""

    children: int | None = _count()
    youth: int | None = _count()
    adults: int | None = _count()
    seniors: int | None = _count()


class AttendanceIn(Input):
    count: int = Field(ge=0, le=attendance.MAX_COUNT, description="How many came")
    groups: AttendanceGroups = Field(default_factory=AttendanceGroups)
    first_visit: int | None = Field(None, ge=0, le=attendance.MAX_COUNT,
                                    description="Of these, how many came for the first time")
    languages: list[Line(8, min_length=2)] = Field(
        default_factory=list, max_length=30, description="Codes of the languages heard")
    note: Paragraphs(attendance.NOTE_MAX) = Field("", description="Never names of visitors")


class RoundAttendanceIn(AttendanceIn):
    stop_id: Id | None = Field(None, description="Needed when several stops have that day")


class GroupsOut(Output):
    children: int | None
    youth: int | None
    adults: int | None
    seniors: int | None


class AttendanceOut(Output):
    event_id: int
    date: dt.date = Field(description="The date the event's (or stop's) rule gave")
    round_date_id: int | None
    count: int
    groups: GroupsOut
    first_visit: int | None
    languages: list[str]
    note: str
    recorded_at: dt.datetime
    locked: bool = Field(description="A month after the date only managers may change it")


def _input(body: AttendanceIn) -> attendance.AttendanceInput:
    return attendance.AttendanceInput(
        count=body.count, groups=body.groups.model_dump(), first_visit=body.first_visit,
        languages=tuple(body.languages), note=body.note)


def attendance_json(slot, row) -> dict:
    return {
        "event_id": slot.event.id,
        "date": slot.occurrence_date,
        "round_date_id": slot.round_date.id if slot.round_date is not None else None,
        "count": row.count,
        "groups": {g: getattr(row, g) for g in ATTENDANCE_GROUPS},
        "first_visit": row.first_visit,
        "languages": list(row.languages or []),
        "note": row.note,
        "recorded_at": row.updated_at.astimezone(city_zone()),
        "locked": attendance.locked(slot, now()),
    }


@bp.put(f"/events/<{ID_CONVERTER}:event_id>/occurrences/<day>/attendance")
@operation(roles="the event's organisation (its members), the proposer, managers of its "
                 "quarter, admins; a month after the date managers and admins only",
           body=AttendanceIn, out=AttendanceOut, tag="reports")
def event_attendance(event_id: int, day: str):
    """Record (or replace) how many came to one date of an event: `day` is the date its
    rule gave, also when that date was moved. Numbers only, never names."""
    user = api_user()
    slot = attendance.slot_for_event(db.session, db.session.get(Event, event_id),
                                     path_date(day))
    row = attendance.record_attendance(db.session, actor=user, slot=slot,
                                       data=_input(validated_body()), now=now())
    db.session.commit()
    return attendance_json(slot, row)


@bp.put(f"/rounds/<{ID_CONVERTER}:round_id>/dates/<day>/attendance")
@operation(roles="the staff assigned to the stop, managers of the van's or the stop's quarter, "
                 "admins; a month after the date managers and admins only",
           body=RoundAttendanceIn, out=AttendanceOut, tag="reports")
def round_attendance(round_id: int, day: str):
    """Record how many came to a Spielmobil stop (`stop_id` when several stops share the
    day). Numbers only, never names."""
    user = api_user()
    body = validated_body()
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise NotFound(_("There is no such round."))
    found = dates_on(round_, path_date(day), body.stop_id)
    if len(found) > 1:
        raise InvalidInput(_("Several stops have this date; give stop_id."), field="stop_id")
    slot = attendance.slot_for_round_date(db.session, found[0])
    row = attendance.record_attendance(db.session, actor=user, slot=slot, data=_input(body),
                                       now=now())
    db.session.commit()
    return attendance_json(slot, row)


class SummaryQuery(Query):
    quarter: Line(80, min_length=1) | None = Field(
        None, description="The quarter's slug; without it the whole city (admins only)")
    from_: Day | None = Field(None, alias="from",
                              description="First day; default 1 January of this year")
    to: Day | None = Field(None, description="Last day (inclusive); default 31 December")
    format: Literal["csv", "xlsx"] | None = Field(
        None, description="Download the whole report as CSV (UTF-8 with BOM) or XLSX")


class SummaryGroups(Output):
    children: int
    youth: int
    adults: int
    seniors: int


class ReportSummary(Output):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)
    scope: str = Field(description='"city" or "quarter:<slug>"')
    from_: dt.date = Field(alias="from")
    to: dt.date
    booked_hours: float = Field(description="Confirmed booked hours of the rooms")
    opening_hours: float = Field(description="Opening hours of the same rooms")
    events: int
    event_dates: int
    event_dates_held: int
    event_dates_moved: int
    event_dates_cancelled: int
    attendance_total: int
    attendance_dates: int
    attendance_groups: SummaryGroups
    attendance_first_visits: int
    spielmobil_stops_planned: int
    spielmobil_stops_held: int
    spielmobil_stops_cancelled: int
    spielmobil_children: int
    organisations_active: int
    organisations_new: int


@bp.get("/reports/summary")
@operation(roles="managers of the quarter, admins (also for the whole city)",
           query=SummaryQuery, out=ReportSummary, tag="reports", files=(
               "text/csv",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
def report_summary():
    """A quarter's (or the city's) figures for a period; with `format=csv` or `format=xlsx`
    the whole report, every table, as a file instead."""
    from ..reports import download, report_file_name

    user = api_user()
    query = validated_query()
    key = f"quarter:{query.quarter}" if query.quarter else "city"
    if query.quarter and db.session.scalar(
            select(Quarter.id).where(Quarter.slug == query.quarter)) is None:
        raise NotFound(_("There is no such quarter."), field="quarter")
    scope = figures.resolve_scope(db.session, user, key)
    today = now().astimezone(city_zone()).date()
    start, end = figures.period(query.from_, query.to, scope, today)
    report = figures.build(db.session, scope, start, end, now=now(), zone=city_zone(),
                           holiday_region=booking_settings().holiday_region,
                           detail=query.format is not None)
    if query.format is not None:  # a file instead of the JSON figures (declared in `files`)
        return download(tables(report), report_file_name(report), query.format)
    return report.summary()
