"""Reports and attendance in the JSON API: record how many came to an event date or a
Spielmobil stop, and read a report's headline figures (or download them as CSV or XLSX)."""

from datetime import date

from flask import jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select

from ...errors import InvalidInput, NotFound
from ...extensions import db
from ...i18n import city_zone
from ...models import Quarter
from ...models.events import Event
from ...models.reports import ATTENDANCE_GROUPS
from ...models.rounds import Round
from ...models.types import utcnow
from ...reports import attendance, figures
from ...reports.tables import tables
from . import OPENAPI_PATHS, OPENAPI_SCHEMAS, api_user, bp, json_body


def _day(value: str, field: str = "date") -> date:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("Give a date as YYYY-MM-DD."), field=field) from None
    if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
        raise InvalidInput(_("Give a date between 2000 and 2100."), field=field)
    return day


def _input(body: dict) -> attendance.AttendanceInput:
    unknown = set(body) - {"count", "groups", "first_visit", "languages", "note", "stop_id"}
    if unknown:
        raise InvalidInput(_("Unknown field: %(field)s.", field=", ".join(sorted(unknown))),
                           field=sorted(unknown)[0])
    groups = body.get("groups") or {}
    if not isinstance(groups, dict):
        raise InvalidInput(_("groups is an object of numbers per group."), field="groups")
    languages = body.get("languages") or []
    if not isinstance(languages, list) or not all(isinstance(c, str) for c in languages):
        raise InvalidInput(_("languages is a list of language codes."), field="languages")
    note = body.get("note") or ""
    if not isinstance(note, str):
        raise InvalidInput(_("note is a text."), field="note")
    return attendance.AttendanceInput(count=body.get("count"), groups=groups,
                                      first_visit=body.get("first_visit"),
                                      languages=tuple(languages), note=note)


def attendance_json(slot, row) -> dict:
    return {
        "event_id": slot.event.id,
        "date": slot.occurrence_date.isoformat(),
        "round_date_id": slot.round_date.id if slot.round_date is not None else None,
        "count": row.count,
        "groups": {g: getattr(row, g) for g in ATTENDANCE_GROUPS},
        "first_visit": row.first_visit,
        "languages": list(row.languages or []),
        "note": row.note,
        "recorded_at": row.updated_at.isoformat(),
        "locked": attendance.locked(slot, utcnow()),
    }


@bp.put("/events/<int:event_id>/occurrences/<day>/attendance")
def event_attendance(event_id: int, day: str):
    """How many came to one date of an event (`day`: the date its rule gave)."""
    user = api_user()
    body = json_body()
    slot = attendance.slot_for_event(db.session, db.session.get(Event, event_id), _day(day))
    row = attendance.record_attendance(db.session, actor=user, slot=slot, data=_input(body),
                                       now=utcnow())
    db.session.commit()
    return jsonify(attendance_json(slot, row))


@bp.put("/rounds/<int:round_id>/dates/<day>/attendance")
def round_attendance(round_id: int, day: str):
    """How many came to a Spielmobil stop; `stop_id` in the body when several stops share
    the day."""
    user = api_user()
    body = json_body()
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise NotFound(_("There is no such round."))
    wanted = _day(day)
    found = [d for s in round_.stops for d in s.dates if d.original_date == wanted]
    if "stop_id" in body:
        found = [d for d in found if d.stop_id == body["stop_id"]]
    if not found:
        raise NotFound(_("The round has no date on %(date)s.", date=wanted.isoformat()),
                       field="date")
    if len(found) > 1:
        raise InvalidInput(_("Several stops have this date; give stop_id."), field="stop_id")
    slot = attendance.slot_for_round_date(db.session, found[0])
    row = attendance.record_attendance(db.session, actor=user, slot=slot, data=_input(body),
                                       now=utcnow())
    db.session.commit()
    return jsonify(attendance_json(slot, row))


@bp.get("/reports/summary")
def report_summary():
    """A quarter's (or, for the coordinator, the city's) figures for a period; with
    `format=csv` or `format=xlsx` the whole report as a file."""
    from ..reports import FORMATS, download

    user = api_user()
    slug = request.args.get("quarter")
    key = f"quarter:{slug}" if slug else "city"
    if slug is not None and db.session.scalar(select(Quarter.id).where(Quarter.slug == slug)) \
            is None:
        raise NotFound(_("There is no such quarter."), field="quarter")
    scope = figures.resolve_scope(db.session, user, key)
    start = _day(request.args["from"], "from") if request.args.get("from") else None
    end = _day(request.args["to"], "to") if request.args.get("to") else None
    today = utcnow().astimezone(city_zone()).date()
    start, end = figures.period(start, end, scope, today)
    report = figures.build(db.session, scope, start, end, now=utcnow(),
                           zone=city_zone())
    fmt = request.args.get("format")
    if fmt is not None:
        if fmt not in FORMATS:
            raise InvalidInput(_("format is csv or xlsx."), field="format")
        name = f"report-{key.replace(':', '-')}-{start.isoformat()}-{end.isoformat()}"
        return download(tables(report), name, fmt)
    return jsonify(report.summary())


# --- OpenAPI ----------------------------------------------------------------------------------

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_DAY = {"name": "day", "in": "path", "required": True,
        "schema": {"type": "string", "format": "date"},
        "description": "The date the event's (or stop's) rule gave"}
_BODY = {"required": True, "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/AttendanceInput"}}}}
_ANSWER = {"200": {"description": "The stored attendance", "content": {"application/json": {
               "schema": {"$ref": "#/components/schemas/Attendance"}}}},
           "403": {"description": "Not the organiser, staff or a manager; or locked",
                   "content": _ERROR},
           "404": {"description": "No such event, round or date", "content": _ERROR},
           "422": {"description": "Invalid numbers, cancelled or future date",
                   "content": _ERROR}}
_GROUPS = {"type": "object", "additionalProperties": False,
           "properties": {g: {"type": ["integer", "null"], "minimum": 0}
                          for g in ATTENDANCE_GROUPS}}

OPENAPI_SCHEMAS.update({
    "AttendanceInput": {
        "type": "object",
        "properties": {
            "count": {"type": "integer", "minimum": 0, "maximum": attendance.MAX_COUNT},
            "groups": _GROUPS,
            "first_visit": {"type": ["integer", "null"], "minimum": 0},
            "languages": {"type": "array", "items": {"type": "string"}},
            "note": {"type": "string", "maxLength": attendance.NOTE_MAX,
                     "description": "Never names of visitors"},
            "stop_id": {"type": "integer", "description": "Rounds only: which stop of the day"},
        },
        "required": ["count"],
    },
    "Attendance": {
        "type": "object",
        "properties": {
            "event_id": {"type": "integer"},
            "date": {"type": "string", "format": "date"},
            "round_date_id": {"type": ["integer", "null"]},
            "count": {"type": "integer"},
            "groups": _GROUPS,
            "first_visit": {"type": ["integer", "null"]},
            "languages": {"type": "array", "items": {"type": "string"}},
            "note": {"type": "string"},
            "recorded_at": {"type": "string", "format": "date-time"},
            "locked": {"type": "boolean"},
        },
        "required": ["event_id", "date", "count", "groups", "locked"],
    },
    "ReportSummary": {
        "type": "object",
        "properties": {
            "scope": {"type": "string"}, "from": {"type": "string", "format": "date"},
            "to": {"type": "string", "format": "date"},
            "booked_hours": {"type": "number"}, "opening_hours": {"type": "number"},
            "events": {"type": "integer"}, "event_dates": {"type": "integer"},
            "event_dates_held": {"type": "integer"},
            "event_dates_moved": {"type": "integer"},
            "event_dates_cancelled": {"type": "integer"},
            "attendance_total": {"type": "integer"},
            "attendance_dates": {"type": "integer"},
            "attendance_groups": {"type": "object",
                                  "additionalProperties": {"type": "integer"}},
            "attendance_first_visits": {"type": "integer"},
            "spielmobil_stops_planned": {"type": "integer"},
            "spielmobil_stops_held": {"type": "integer"},
            "spielmobil_stops_cancelled": {"type": "integer"},
            "spielmobil_children": {"type": "integer"},
            "organisations_active": {"type": "integer"},
            "organisations_new": {"type": "integer"},
        },
        "required": ["booked_hours", "event_dates_held", "event_dates_cancelled",
                     "attendance_total"],
    },
})
OPENAPI_PATHS.update({
    "/events/{event_id}/occurrences/{day}/attendance": {"put": {
        "summary": "Record how many came to one date of an event",
        "parameters": [{"name": "event_id", "in": "path", "required": True,
                        "schema": {"type": "integer"}}, _DAY],
        "requestBody": _BODY, "responses": _ANSWER}},
    "/rounds/{round_id}/dates/{day}/attendance": {"put": {
        "summary": "Record how many came to a Spielmobil stop",
        "parameters": [{"name": "round_id", "in": "path", "required": True,
                        "schema": {"type": "integer"}}, _DAY],
        "requestBody": _BODY, "responses": _ANSWER}},
    "/reports/summary": {"get": {
        "summary": "A quarter's or the city's figures for a period",
        "parameters": [
            {"name": "quarter", "in": "query", "schema": {"type": "string"},
             "description": "The quarter's slug; without it the whole city (coordinator)"},
            {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
            {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"},
             "description": "Inclusive"},
            {"name": "format", "in": "query",
             "schema": {"type": "string", "enum": ["csv", "xlsx"]}},
        ],
        "responses": {
            "200": {"description": "The figures, or the report as a file",
                    "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/ReportSummary"}},
                        "text/csv": {"schema": {"type": "string"}},
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                            {"schema": {"type": "string", "format": "binary"}}}},
            "403": {"description": "Not a manager of the quarter", "content": _ERROR},
            "404": {"description": "No such quarter", "content": _ERROR},
            "422": {"description": "Invalid period or format", "content": _ERROR}}}},
})
