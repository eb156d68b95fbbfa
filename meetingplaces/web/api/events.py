"""JSON API: events and their expanded occurrences."""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, request
from sqlalchemy import select

from ...errors import DomainError, InvalidInput, NotFound
from ...events import (
    cancel_event,
    cancel_occurrence,
    create_event,
    delete_event,
    move_occurrence,
    update_event,
)
from ...events.search import EventFilters, find_occurrences
from ...events.text import localised
from ...extensions import db
from ...models import Facility, Organisation, Quarter
from ...models.bookings import Booking
from ...models.events import Event, EventStatus
from ...policy import can
from ..clock import now
from . import OPENAPI_PATHS, OPENAPI_SCHEMAS, api_user, bp, json_body
from .idempotency import idempotent

MAX_WINDOW_DAYS = 366
PLAIN_FIELDS = (
    "title", "description", "category", "target_groups", "languages", "is_free", "cost",
    "registration_required", "registration_contact", "step_free", "place_name", "address",
    "latitude", "longitude", "show_organiser", "rrule", "exdates", "is_public", "timezone",
    "translations",
)


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def parse_instant(value, field: str) -> datetime:
    """ISO 8601; a time without offset is read as the city's local time."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError as error:
        raise InvalidInput("Expected an ISO 8601 date and time.", field=field) from error
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_zone())


def parse_date(value, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise InvalidInput("Expected a date as YYYY-MM-DD.", field=field) from error


def _lookup(model, value, field: str):
    column = model.slug if isinstance(value, str) else model.id
    found = db.session.scalar(select(model).where(column == value))
    if found is None:
        raise InvalidInput(f"Unknown {field}.", field=field)
    return found


def fields_from(body: dict) -> dict:
    """Event fields from a JSON body: references by slug or id, times in ISO 8601."""
    fields = {name: body[name] for name in PLAIN_FIELDS if name in body}
    for name in ("starts_at", "ends_at"):
        if body.get(name) is not None:
            fields[name] = parse_instant(body[name], name)
    for name in ("start_date", "end_date"):
        if body.get(name) is not None:
            fields[name] = parse_date(body[name], name)
    for name, model in (("facility", Facility), ("organisation", Organisation),
                        ("quarter", Quarter)):
        if name in body:
            fields[name] = None if body[name] is None else _lookup(model, body[name], name)
    if "booking_id" in body:
        fields["booking"] = _booking(body["booking_id"])
    return fields


def _booking(value) -> Booking | None:
    if value is None:
        return None
    found = (db.session.get(Booking, value)
             if isinstance(value, int) and not isinstance(value, bool) else None)
    if found is None:
        raise InvalidInput("Unknown booking.", field="booking_id")
    return found


@contextmanager
def _api_field_names():
    """The domain calls the booked room's field `booking`; the API calls it `booking_id`."""
    try:
        yield
    except DomainError as error:
        if error.field == "booking":
            error.field = "booking_id"
        raise


def event_json(event: Event, viewer=None) -> dict:
    """The event; the id of its booking only for those who may see that booking."""
    body = _event_json(event)
    if event.booking is None or can(viewer, "view_private", event.booking):
        body["booking_id"] = event.booking_id
    return body


def _event_json(event: Event) -> dict:
    return {
        "id": event.id,
        "uid": event.uid,
        "quarter": event.quarter.slug,
        "facility": event.facility.slug if event.facility else None,
        "organisation": (event.organisation.name
                         if event.organisation and event.show_organiser else None),
        "title": event.title,
        "description": event.description,
        "translations": {t.language: {"title": t.title, "description": t.description}
                         for t in event.translations},
        "category": event.category,
        "target_groups": event.target_groups,
        "languages": event.languages,
        "is_free": event.is_free,
        "cost": event.cost,
        "registration_required": event.registration_required,
        "registration_contact": event.registration_contact,
        "step_free": event.step_free,
        "place_name": event.place_name,
        "address": event.address,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "all_day": event.all_day,
        "starts_at": event.starts_at.isoformat() if event.starts_at else None,
        "ends_at": event.ends_at.isoformat() if event.ends_at else None,
        "start_date": event.start_date.isoformat() if event.start_date else None,
        "end_date": event.end_date.isoformat() if event.end_date else None,
        "timezone": event.timezone,
        "rrule": event.rrule,
        "exdates": event.exdates,
        "changed_dates": [
            {"date": c.original_date.isoformat(), "cancelled": c.cancelled,
             "starts_at": c.starts_at.isoformat() if c.starts_at else None,
             "ends_at": c.ends_at.isoformat() if c.ends_at else None,
             "start_date": c.start_date.isoformat() if c.start_date else None,
             "end_date": c.end_date.isoformat() if c.end_date else None, "note": c.note}
            for c in event.changes
        ],
        "status": event.status,
        "is_public": event.is_public,
        "sequence": event.sequence,
        "last_modified": event.last_modified.isoformat(),
    }


def _event(event_id: int, action: str | None = None) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound("No such event.")
    public = event.is_public and event.status in (EventStatus.PUBLISHED, EventStatus.CANCELLED)
    if action is None and not public and not can(api_user(required=False), "view", event):
        raise NotFound("No such event.")
    return event


@bp.get("/events")
def events_list():
    """Public occurrences in a window, repeating events expanded."""
    zone = _zone()
    args = request.args
    start_day = parse_date(args["start"], "start") if args.get("start") else now().date()
    end_day = parse_date(args["end"], "end") if args.get("end") else start_day + timedelta(31)
    if not start_day < end_day <= start_day + timedelta(days=MAX_WINDOW_DAYS):
        raise InvalidInput(f"end must be after start, at most {MAX_WINDOW_DAYS} days.",
                           field="end")
    quarter_id = None
    if args.get("quarter"):
        quarter_id = _lookup(Quarter, args["quarter"], "quarter").id
    filters = EventFilters(
        category=args.get("category", ""), audience=args.get("audience", ""),
        language=args.get("language", ""), free=args.get("free") == "1",
        step_free=args.get("step_free") == "1", text=args.get("q", "")[:100])
    language = args.get("lang", "de")
    occurrences = find_occurrences(
        db.session, datetime.combine(start_day, time(), zone),
        datetime.combine(end_day, time(), zone), quarter_id=quarter_id, filters=filters)
    return {"occurrences": [
        {"event_id": o.event.id, "uid": o.event.uid, "title": localised(o.event, language)[0],
         "quarter": o.event.quarter.slug, "category": o.event.category,
         "date": o.original_date.isoformat(), "all_day": o.all_day,
         "starts_at": o.starts_at.isoformat(), "ends_at": o.ends_at.isoformat(),
         "cancelled": o.cancelled or o.event.status == EventStatus.CANCELLED,
         "moved": o.moved, "note": o.note}
        for o in occurrences
    ]}


@bp.post("/events")
@idempotent
def event_create():
    user = api_user()
    body = json_body()
    fields = fields_from(body)
    quarter = fields.pop("quarter", None)
    if quarter is None:
        raise InvalidInput("Which quarter?", field="quarter")
    with _api_field_names():
        event = create_event(db.session, actor=user, quarter=quarter, now=now(),
                             submit=body.get("submit", True) is not False, **fields)
    db.session.commit()
    return event_json(event, user), 201


@bp.get("/events/<int:event_id>")
def event_show(event_id: int):
    return event_json(_event(event_id), api_user(required=False))


@bp.patch("/events/<int:event_id>")
def event_edit(event_id: int):
    user = api_user()
    event = _event(event_id, "edit")
    with _api_field_names():
        update_event(db.session, event, actor=user, now=now(), **fields_from(json_body()))
    db.session.commit()
    return event_json(event, user)


@bp.delete("/events/<int:event_id>")
def event_delete(event_id: int):
    user = api_user()
    delete_event(db.session, _event(event_id, "delete"), actor=user, now=now())
    db.session.commit()
    return "", 204


@bp.post("/events/<int:event_id>/cancel")
def event_cancel(event_id: int):
    user = api_user()
    body = request.get_json(silent=True) or {}
    event = _event(event_id, "cancel")
    cancel_event(db.session, event, actor=user, now=now(), reason=str(body.get("reason", "")))
    db.session.commit()
    return event_json(event, user)


@bp.post("/events/<int:event_id>/occurrences/<day>/cancel")
def event_cancel_date(event_id: int, day: str):
    user = api_user()
    body = request.get_json(silent=True) or {}
    event = _event(event_id, "change_dates")
    cancel_occurrence(db.session, event, parse_date(day, "date"), actor=user, now=now(),
                      reason=str(body.get("reason", "")))
    db.session.commit()
    return event_json(event, user)


@bp.post("/events/<int:event_id>/occurrences/<day>/move")
def event_move_date(event_id: int, day: str):
    user = api_user()
    body = json_body()
    event = _event(event_id, "change_dates")
    fields = {name: value for name, value in fields_from(body).items()
              if name in ("starts_at", "ends_at", "start_date", "end_date")}
    move_occurrence(db.session, event, parse_date(day, "date"), actor=user, now=now(),
                    note=str(body.get("note", "")), **fields)
    db.session.commit()
    return event_json(event, user)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _responses(ok: dict, *errors: int) -> dict:
    out = {"200": ok}
    for status in errors:
        out[str(status)] = {"description": "Error", "content": {"application/json": {
            "schema": _ref("Error")}}}
    return out


EVENT_RESPONSE = {"description": "The event",
                  "content": {"application/json": {"schema": _ref("Event")}}}
EVENT_ID = {"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}
DAY = {"name": "day", "in": "path", "required": True,
       "schema": {"type": "string", "format": "date"},
       "description": "The original local date of the occurrence (RECURRENCE-ID)."}

OPENAPI_SCHEMAS["EventInput"] = {
    "type": "object",
    "properties": {
        "quarter": {"type": ["string", "integer"], "description": "slug or id"},
        "facility": {"type": ["string", "integer", "null"]},
        "booking_id": {"type": ["integer", "null"], "description": (
            "The booking whose room the event is held in: one of the caller's organisation, "
            "or any in a quarter the caller manages. Its room decides facility and place_name "
            "(unless place_name is given), and the event (for a series: its first date) must "
            "lie within a pending or confirmed date of it. In answers only for callers who may "
            "see the booking.")},
        "organisation": {"type": ["string", "integer", "null"]},
        "title": {"type": "string", "maxLength": 200},
        "description": {"type": "string", "description": "Markdown"},
        "translations": {"type": "object", "additionalProperties": {
            "type": "object", "properties": {"title": {"type": "string"},
                                             "description": {"type": "string"}}}},
        "category": {"type": "string"},
        "target_groups": {"type": "array", "items": {"type": "string"}},
        "languages": {"type": "array", "items": {"type": "string"}},
        "is_free": {"type": "boolean"}, "cost": {"type": "string"},
        "registration_required": {"type": "boolean"},
        "registration_contact": {"type": "string"}, "step_free": {"type": "boolean"},
        "place_name": {"type": "string"}, "address": {"type": "string"},
        "latitude": {"type": ["number", "null"]}, "longitude": {"type": ["number", "null"]},
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "start_date": {"type": "string", "format": "date"},
        "end_date": {"type": "string", "format": "date"},
        "timezone": {"type": "string"},
        "rrule": {"type": "string", "description": "RFC 5545 RRULE in the event's local time"},
        "exdates": {"type": "array", "items": {"type": "string", "format": "date"}},
        "is_public": {"type": "boolean"}, "show_organiser": {"type": "boolean"},
        "submit": {"type": "boolean", "description": "false keeps a draft"},
    },
}
OPENAPI_SCHEMAS["Event"] = {
    "allOf": [_ref("EventInput"), {"type": "object", "properties": {
        "id": {"type": "integer"}, "uid": {"type": "string"}, "status": {"type": "string"},
        "sequence": {"type": "integer"}, "all_day": {"type": "boolean"},
        "changed_dates": {"type": "array", "items": {"type": "object"}},
        "last_modified": {"type": "string", "format": "date-time"}}}],
}
OPENAPI_SCHEMAS["Occurrence"] = {
    "type": "object",
    "properties": {
        "event_id": {"type": "integer"}, "uid": {"type": "string"},
        "title": {"type": "string"}, "quarter": {"type": "string"},
        "category": {"type": "string"}, "date": {"type": "string", "format": "date"},
        "all_day": {"type": "boolean"},
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "cancelled": {"type": "boolean"}, "moved": {"type": "boolean"},
        "note": {"type": "string"},
    },
}
OPENAPI_PATHS["/events"] = {
    "get": {
        "summary": "Public occurrences in a window (repeating events expanded)",
        "security": [],
        "parameters": [
            {"name": name, "in": "query", "schema": {"type": "string"}}
            for name in ("quarter", "start", "end", "category", "audience", "language", "free",
                         "step_free", "q", "lang")
        ],
        "responses": _responses({"description": "Occurrences", "content": {"application/json": {
            "schema": {"type": "object", "properties": {
                "occurrences": {"type": "array", "items": _ref("Occurrence")}}}}}}, 422),
    },
    "post": {
        "summary": "Create an event (managers publish, organisations' members propose)",
        "requestBody": {"content": {"application/json": {"schema": _ref("EventInput")}}},
        "responses": {"201": EVENT_RESPONSE,
                      **{k: v for k, v in _responses(EVENT_RESPONSE, 401, 403, 422).items()
                         if k != "200"}},
    },
}
OPENAPI_PATHS["/events/{event_id}"] = {
    "parameters": [EVENT_ID],
    "get": {"summary": "One event", "security": [],
            "responses": _responses(EVENT_RESPONSE, 404)},
    "patch": {"summary": "Edit an event (SEQUENCE rises when a guest would notice)",
              "requestBody": {"content": {"application/json": {"schema": _ref("EventInput")}}},
              "responses": _responses(EVENT_RESPONSE, 401, 403, 404, 422)},
    "delete": {"summary": "Delete an event",
               "responses": {"204": {"description": "Deleted"},
                             **{k: v for k, v in _responses({}, 401, 403, 404).items()
                                if k != "200"}}},
}
REASON_BODY = {"content": {"application/json": {"schema": {
    "type": "object", "properties": {"reason": {"type": "string"}}}}}}
OPENAPI_PATHS["/events/{event_id}/cancel"] = {
    "parameters": [EVENT_ID],
    "post": {"summary": "Cancel the whole event (kept in feeds as CANCELLED for 30 days)",
             "requestBody": REASON_BODY,
             "responses": _responses(EVENT_RESPONSE, 401, 403, 404, 422)},
}
OPENAPI_PATHS["/events/{event_id}/occurrences/{day}/cancel"] = {
    "parameters": [EVENT_ID, DAY],
    "post": {"summary": "Cancel one date of a repeating event", "requestBody": REASON_BODY,
             "responses": _responses(EVENT_RESPONSE, 401, 403, 404, 422)},
}
OPENAPI_PATHS["/events/{event_id}/occurrences/{day}/move"] = {
    "parameters": [EVENT_ID, DAY],
    "post": {"summary": "Move one date of a repeating event",
             "requestBody": {"content": {"application/json": {"schema": {
                 "type": "object", "properties": {
                     "starts_at": {"type": "string", "format": "date-time"},
                     "ends_at": {"type": "string", "format": "date-time"},
                     "start_date": {"type": "string", "format": "date"},
                     "end_date": {"type": "string", "format": "date"},
                     "note": {"type": "string"}}}}}},
             "responses": _responses(EVENT_RESPONSE, 401, 403, 404, 422)},
}
