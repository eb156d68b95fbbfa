"""JSON API: Spielmobil rounds (plan and save a season, read it, cancel or move one date).
Thin: read JSON, call one function of meetingplaces.rounds, answer JSON."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, jsonify, request
from flask_babel import gettext as _

from ...errors import Forbidden, InvalidInput, NotFound
from ...extensions import db
from ...models import Quarter, Resource
from ...models.rounds import Round, RoundDate
from ...policy import can
from ...rounds import SkipPeriod, StopInput, cancel_date, move_date, save_round
from ..clock import now
from . import OPENAPI_PATHS, OPENAPI_SCHEMAS, api_user, bp, json_body
from .idempotency import idempotent


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def _date(value, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError) as error:
        raise InvalidInput(_("Give a date (YYYY-MM-DD)."), field=field) from error


def _time(value, field: str) -> time:
    try:
        return time.fromisoformat(str(value))
    except (TypeError, ValueError) as error:
        raise InvalidInput(_("Give a time (HH:MM)."), field=field) from error


def _local_datetime(value, field: str) -> datetime:
    """ISO 8601 as a wall-clock time in the city; an offset, when given, is converted."""
    try:
        moment = datetime.fromisoformat(str(value))
    except (TypeError, ValueError) as error:
        raise InvalidInput(_("Give a date and time (ISO 8601)."), field=field) from error
    return moment if moment.tzinfo is None else moment.astimezone(_zone()).replace(tzinfo=None)


def _number(value, field: str, *, integer: bool = False):
    if value is None and not integer:
        return None
    if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)):
        raise InvalidInput(_("Give a number."), field=field)
    return value


def _stop(body, index: int) -> StopInput:
    field = f"stops[{index}]"
    if not isinstance(body, dict):
        raise InvalidInput(_("Each stop is an object."), field=field)
    quarter = db.session.get(Quarter, body.get("quarter_id")) if isinstance(
        body.get("quarter_id"), int) else None
    if quarter is None:
        raise InvalidInput(_("Choose the quarter of each stop."), field=field)
    weekday = body.get("weekday")
    if isinstance(weekday, bool) or not isinstance(weekday, int):
        raise InvalidInput(_("Choose a weekday (0 = Monday)."), field=field)
    return StopInput(
        weekday=weekday, local_start=_time(body.get("start"), field),
        local_end=_time(body.get("end"), field), place_name=str(body.get("place_name") or ""),
        address=str(body.get("address") or ""), quarter=quarter,
        latitude=_number(body.get("latitude"), field),
        longitude=_number(body.get("longitude"), field),
        staff_needed=_number(body.get("staff_needed", 1), field, integer=True))


def _list(body: dict, name: str) -> list:
    value = body.get(name, [])
    if not isinstance(value, list):
        raise InvalidInput(_("Give a list."), field=name)
    return value


def _skip(item) -> SkipPeriod:
    if not isinstance(item, dict):
        raise InvalidInput(_("Each skip period is an object."), field="skip_periods")
    return SkipPeriod(_date(item.get("start"), "skip_periods"),
                      _date(item.get("end"), "skip_periods"), str(item.get("reason") or ""))


def _travel(item) -> tuple[tuple[str, str], int]:
    if not isinstance(item, dict) or not isinstance(item.get("minutes"), int):
        raise InvalidInput(_("Each driving time names from, to and minutes."),
                           field="travel_times")
    return (str(item.get("from") or ""), str(item.get("to") or "")), item["minutes"]


def round_date_json(round_date: RoundDate) -> dict:
    zone = _zone()
    return {
        "id": round_date.id,
        "stop_id": round_date.stop_id,
        "date": round_date.original_date.isoformat(),
        "start": round_date.starts_at.astimezone(zone).isoformat(),
        "end": round_date.ends_at.astimezone(zone).isoformat(),
        "place_name": round_date.stop.place_name,
        "status": round_date.status,
        "reason": round_date.reason,
        "extra": round_date.is_extra,
        "booking_id": round_date.booking_id,
        "event_uid": round_date.event.uid if round_date.event else None,
    }


def round_json(round_: Round) -> dict:
    return {
        "id": round_.id,
        "name": round_.name,
        "resource_id": round_.resource_id,
        "season_start": round_.season_start.isoformat(),
        "season_end": round_.season_end.isoformat(),
        "travel_minutes": round_.travel_minutes,
        "status": round_.status,
        "stops": [{
            "id": s.id, "weekday": s.weekday, "start": s.local_start.strftime("%H:%M"),
            "end": s.local_end.strftime("%H:%M"), "place_name": s.place_name,
            "address": s.address, "quarter_id": s.quarter_id, "latitude": s.latitude,
            "longitude": s.longitude, "staff_needed": s.staff_needed,
            "effective_from": s.effective_from.isoformat(),
            "effective_until": s.effective_until.isoformat() if s.effective_until else None,
            "event_uid": s.event.uid if s.event else None,
        } for s in round_.stops],
        "dates": [round_date_json(d) for d in sorted(
            (d for s in round_.stops for d in s.dates), key=lambda d: d.starts_at)],
    }


@bp.post("/rounds")
@idempotent
def round_create():
    user = api_user()
    body = json_body()
    resource_id = body.get("resource_id")
    resource = db.session.get(Resource, resource_id) if isinstance(resource_id, int) else None
    if resource is None:
        raise InvalidInput(_("Choose a mobile resource such as the Spielmobil."),
                           field="resource_id")
    travel_minutes = body.get("travel_minutes", 30)
    round_ = save_round(
        db.session, actor=user, resource=resource, name=str(body.get("name") or resource.name),
        season_start=_date(body.get("season_start"), "season_start"),
        season_end=_date(body.get("season_end"), "season_end"),
        stops=[_stop(item, index) for index, item in enumerate(_list(body, "stops"))],
        skip_periods=[_skip(item) for item in _list(body, "skip_periods")],
        travel_minutes=travel_minutes,
        travel_times=dict(_travel(item) for item in _list(body, "travel_times")),
        now=now())
    db.session.commit()
    return jsonify(round_json(round_)), 201


def _round(round_id: int, action: str = "manage") -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise NotFound(_("There is no such round."))
    if not can(api_user(), action, round_):
        raise Forbidden(_("You may not do this."))
    return round_


@bp.get("/rounds/<int:round_id>")
def round_show(round_id: int):
    return jsonify(round_json(_round(round_id, "view")))


def _dates_on(round_: Round, day: str, body: dict) -> list[RoundDate]:
    """The round's dates planned for that day (the rule's date), or the one of `stop_id`."""
    wanted = _date(day, "date")
    found = [d for s in round_.stops for d in s.dates if d.original_date == wanted]
    if "stop_id" in body:
        found = [d for d in found if d.stop_id == body["stop_id"]]
    if not found:
        raise NotFound(_("The round has no date on %(date)s.", date=wanted.isoformat()),
                       field="date")
    return found


@bp.post("/rounds/<int:round_id>/dates/<day>/cancel")
def round_cancel_date(round_id: int, day: str):
    """Cancel the day's stops (all, or the one of `stop_id`) with a reason."""
    user = api_user()
    body = request.get_json(silent=True) or {}
    round_ = _round(round_id)
    cancelled = []
    for round_date in _dates_on(round_, day, body):
        if round_date.is_cancelled:
            continue
        cancelled.append(cancel_date(db.session, actor=user, round_date=round_date,
                                     reason=str(body.get("reason") or ""), now=now()))
    if not cancelled:
        raise InvalidInput(_("This date is cancelled already."), field="date")
    db.session.commit()
    return jsonify({"dates": [round_date_json(d) for d in cancelled]})


@bp.post("/rounds/<int:round_id>/dates/<day>/move")
def round_move_date(round_id: int, day: str):
    """Move one stop's date (`stop_id` when several stops have that day) to `start`–`end`."""
    user = api_user()
    body = json_body()
    round_ = _round(round_id)
    found = _dates_on(round_, day, body)
    if len(found) > 1:
        raise InvalidInput(_("Several stops have this date; give stop_id."), field="stop_id")
    moved = move_date(db.session, actor=user, round_date=found[0],
                      local_start=_local_datetime(body.get("start"), "start"),
                      local_end=_local_datetime(body.get("end"), "end"),
                      note=str(body.get("note") or ""), now=now())
    db.session.commit()
    return jsonify(round_date_json(moved))


# --- OpenAPI ----------------------------------------------------------------------------------

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_CLASHES = {"application/json": {"schema": {"$ref": "#/components/schemas/RoundClashes"}}}
_ROUND_PARAM = {"name": "round_id", "in": "path", "required": True,
                "schema": {"type": "integer"}}
_DAY_PARAM = {"name": "day", "in": "path", "required": True,
              "schema": {"type": "string", "format": "date"},
              "description": "The date the weekly rule gave the stop"}

OPENAPI_SCHEMAS.update({
    "RoundStop": {
        "type": "object",
        "properties": {
            "weekday": {"type": "integer", "minimum": 0, "maximum": 6,
                        "description": "0 = Monday"},
            "start": {"type": "string", "example": "15:00"},
            "end": {"type": "string", "example": "17:00"},
            "place_name": {"type": "string", "maxLength": 160},
            "address": {"type": "string", "maxLength": 300},
            "quarter_id": {"type": "integer"},
            "latitude": {"type": ["number", "null"]},
            "longitude": {"type": ["number", "null"]},
            "staff_needed": {"type": "integer", "minimum": 0},
        },
        "required": ["weekday", "start", "end", "place_name", "address", "quarter_id"],
    },
    "RoundInput": {
        "type": "object",
        "properties": {
            "resource_id": {"type": "integer"},
            "name": {"type": "string", "maxLength": 160},
            "season_start": {"type": "string", "format": "date"},
            "season_end": {"type": "string", "format": "date"},
            "travel_minutes": {"type": "integer", "minimum": 0, "default": 30},
            "stops": {"type": "array", "items": {"$ref": "#/components/schemas/RoundStop"}},
            "skip_periods": {"type": "array", "items": {
                "type": "object",
                "properties": {"start": {"type": "string", "format": "date"},
                               "end": {"type": "string", "format": "date"},
                               "reason": {"type": "string"}},
                "required": ["start", "end"]}},
            "travel_times": {"type": "array", "items": {
                "type": "object",
                "properties": {"from": {"type": "string"}, "to": {"type": "string"},
                               "minutes": {"type": "integer"}},
                "required": ["from", "to", "minutes"]}},
        },
        "required": ["resource_id", "season_start", "season_end", "stops"],
    },
    "RoundDate": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "stop_id": {"type": "integer"},
            "date": {"type": "string", "format": "date"},
            "start": {"type": "string", "format": "date-time"},
            "end": {"type": "string", "format": "date-time"},
            "place_name": {"type": "string"},
            "status": {"type": "string", "enum": ["planned", "cancelled", "moved"]},
            "reason": {"type": "string"}, "extra": {"type": "boolean"},
            "booking_id": {"type": ["integer", "null"]},
            "event_uid": {"type": ["string", "null"]},
        },
    },
    "Round": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"},
            "resource_id": {"type": "integer"},
            "season_start": {"type": "string", "format": "date"},
            "season_end": {"type": "string", "format": "date"},
            "travel_minutes": {"type": "integer"},
            "status": {"type": "string", "enum": ["active", "ended"]},
            "stops": {"type": "array", "items": {"type": "object"}},
            "dates": {"type": "array", "items": {"$ref": "#/components/schemas/RoundDate"}},
        },
    },
    "RoundClashes": {
        "type": "object",
        "properties": {
            "error": {"type": "string"},
            "clashes": {"type": "array", "items": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string",
                             "enum": ["overlap", "travel", "booked", "requested"]},
                    "message": {"type": "string"},
                    "date": {"type": ["string", "null"], "format": "date"},
                    "stops": {"type": "array", "items": {"type": "integer"}},
                }}},
        },
        "required": ["error", "clashes"],
    },
})

OPENAPI_PATHS.update({
    "/rounds": {"post": {
        "summary": "Plan and save a Spielmobil season: a confirmed booking of the van per date "
                   "and a public event per stop",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/RoundInput"}}}},
        "responses": {
            "201": {"description": "The round with every created date",
                    "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Round"}}}},
            "403": {"description": "Not a manager of the van's quarter", "content": _ERROR},
            "409": {"description": "Every clash: overlapping stops, too little driving time, "
                                   "bookings or requests of the van", "content": _CLASHES},
            "422": {"description": "Invalid input, with field messages", "content": _ERROR},
        },
    }},
    "/rounds/{round_id}": {"get": {
        "summary": "A round with its stops (all versions) and dates",
        "parameters": [_ROUND_PARAM],
        "responses": {
            "200": {"description": "The round", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Round"}}}},
            "403": {"description": "Neither its manager nor on the team", "content": _ERROR},
            "404": {"description": "No such round", "content": _ERROR},
        },
    }},
    "/rounds/{round_id}/dates/{day}/cancel": {"post": {
        "summary": "Cancel the stops of one date (or the one of stop_id) with a reason",
        "parameters": [_ROUND_PARAM, _DAY_PARAM],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object",
            "properties": {"reason": {"type": "string"}, "stop_id": {"type": "integer"}},
            "required": ["reason"]}}}},
        "responses": {
            "200": {"description": "The cancelled dates", "content": {"application/json": {
                "schema": {"type": "object", "properties": {"dates": {
                    "type": "array", "items": {"$ref": "#/components/schemas/RoundDate"}}}}}}},
            "403": {"description": "Not a manager of the round", "content": _ERROR},
            "404": {"description": "No date of the round that day", "content": _ERROR},
            "422": {"description": "No reason, or the date is over or cancelled already",
                    "content": _ERROR},
        },
    }},
    "/rounds/{round_id}/dates/{day}/move": {"post": {
        "summary": "Move one stop's date to another time or day",
        "parameters": [_ROUND_PARAM, _DAY_PARAM],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object",
            "properties": {"start": {"type": "string", "format": "date-time"},
                           "end": {"type": "string", "format": "date-time"},
                           "stop_id": {"type": "integer"}, "note": {"type": "string"}},
            "required": ["start", "end"]}}}},
        "responses": {
            "200": {"description": "The moved date", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/RoundDate"}}}},
            "403": {"description": "Not a manager of the round", "content": _ERROR},
            "404": {"description": "No date of the round that day", "content": _ERROR},
            "409": {"description": "The new time clashes", "content": _CLASHES},
            "422": {"description": "Invalid times", "content": _ERROR},
        },
    }},
})
