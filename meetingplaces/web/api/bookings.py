"""JSON API: resources, their availability, and bookings (request, read, approve, reject,
cancel). Thin: read JSON, call one function of meetingplaces.booking, answer JSON."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...booking import (
    Settings,
    approve_booking,
    booking_by_id,
    cancel_booking,
    reject_booking,
    request_booking,
    resources_by_ids,
)
from ...booking.conflicts import busy_intervals
from ...errors import Forbidden, InvalidInput, NotFound
from ...extensions import db
from ...models import Organisation, Resource
from ...models.audit import AuditEntry
from ...models.bookings import Booking
from ...policy import can
from ..clock import now
from . import OPENAPI_PATHS, OPENAPI_SCHEMAS, api_user, bp, json_body
from .idempotency import idempotent

AVAILABILITY_MAX_DAYS = 62


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def _iso(instant: datetime) -> str:
    return instant.astimezone(_zone()).isoformat()


def _local_time(value, field: str) -> datetime:
    """ISO 8601 from the client as a wall-clock time in the city's zone. Without an offset it
    is read as local time; with one it is converted (and the autumn hour is then unambiguous)."""
    if not isinstance(value, str) or not value:
        raise InvalidInput(_("Give a date and time (ISO 8601)."), field=field)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise InvalidInput(_("Give a date and time (ISO 8601)."), field=field) from error
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(_zone()).replace(tzinfo=None)


def _instant(value: str | None, field: str) -> datetime:
    """A query bound: a date (midnight local) or a date-time, local unless it has an offset."""
    if not value:
        raise InvalidInput(_("Give a date or date and time (ISO 8601)."), field=field)
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), time())
        else:
            moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise InvalidInput(_("Give a date or date and time (ISO 8601)."), field=field) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone())
    return moment


def _resource_json(resource: Resource) -> dict:
    return {
        "id": resource.id,
        "slug": resource.slug,
        "name": resource.name,
        "kind": resource.kind,
        "facility": (
            {"id": resource.facility.id, "slug": resource.facility.slug,
             "name": resource.facility.name}
            if resource.facility else None
        ),
        "quarter": {"id": resource.quarter.id, "slug": resource.quarter.slug,
                    "name": resource.quarter.name},
        "capacity": resource.capacity,
        "approval_required": resource.approval_required,
        "step_free": resource.step_free,
        "equipment": list(resource.equipment or []),
        "setup_minutes": resource.setup_minutes,
        "cleanup_minutes": resource.cleanup_minutes,
    }


def booking_json(booking: Booking, user) -> dict:
    """What the API shows of a booking: times and status to every user; title, organisation and
    location when the booking is public; purpose, attendees and history only to those who may
    see private details (the booking's organisation, its requester, the quarter's managers)."""
    private = can(user, "view_private", booking)
    body = {
        "id": booking.id,
        "status": booking.status,
        "public": booking.public,
        "resources": [{"id": r.id, "name": r.name} for r in booking.resources],
        "rrule": booking.rrule,
        "exdates": list(booking.exdates),
        "occurrences": [
            {"id": o.id, "resource_id": o.resource_id, "date": o.original_date.isoformat(),
             "start": _iso(o.starts_at), "end": _iso(o.ends_at), "status": o.status}
            for o in booking.occurrences
        ],
        "notices": list(booking.notices),
    }
    if booking.public or private:
        body["title"] = booking.title
        body["location"] = booking.location
        body["organisation"] = (
            {"id": booking.organisation.id, "name": booking.organisation.name}
            if booking.organisation else None
        )
    if private:
        body["purpose"] = booking.purpose
        body["attendees"] = booking.attendees
        body["status_reason"] = booking.status_reason
        body["requested_by"] = booking.requested_by.name if booking.requested_by else None
        body["history"] = [
            {"at": _iso(entry.at), "action": entry.action,
             "actor": entry.actor.name if entry.actor else entry.actor_label,
             "details": entry.details}
            for entry in db.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.subject_type == "booking", AuditEntry.subject_id == booking.id)
                .options(selectinload(AuditEntry.actor))
                .order_by(AuditEntry.at, AuditEntry.id)
            )
        ]
    return body


@bp.get("/resources")
def booking_resources():
    api_user()
    rows = db.session.scalars(
        select(Resource)
        .where(Resource.active.is_(True))
        .options(selectinload(Resource.facility), selectinload(Resource.quarter))
        .order_by(Resource.name, Resource.id)
    )
    return {"resources": [_resource_json(resource) for resource in rows]}


@bp.get("/resources/<int:resource_id>/availability")
def resource_availability(resource_id: int):
    api_user()
    resource = db.session.get(Resource, resource_id)
    if resource is None or not resource.active:
        raise NotFound(_("There is no such resource."))
    start = _instant(request.args.get("start"), "start")
    end = _instant(request.args.get("end"), "end")
    if end <= start:
        raise InvalidInput(_("The end must be after the start."), field="end")
    if end - start > timedelta(days=AVAILABILITY_MAX_DAYS):
        raise InvalidInput(
            _("Ask for at most %(days)d days at a time.", days=AVAILABILITY_MAX_DAYS),
            field="end",
        )
    busy = busy_intervals(db.session, [resource.id], start, end)
    return {
        "resource_id": resource.id,
        "start": _iso(start),
        "end": _iso(end),
        "busy": [
            {"start": _iso(o.starts_at), "end": _iso(o.ends_at),
             "blocked_start": _iso(o.blocked_from), "blocked_end": _iso(o.blocked_until),
             "status": o.status}
            for o in busy
        ],
    }


def _organisation_for(user, body: dict) -> Organisation:
    """The organisation named in the body, or the user's only one."""
    organisation_id = body.get("organisation_id")
    if organisation_id is not None:
        organisation = (
            db.session.get(Organisation, organisation_id)
            if isinstance(organisation_id, int) and not isinstance(organisation_id, bool)
            else None
        )
        if organisation is None:
            raise InvalidInput(_("There is no such organisation."), field="organisation_id")
        return organisation
    organisations = user.organisations
    if not organisations:
        raise Forbidden(_("You are not a member of an active organisation."),
                        field="organisation_id")
    if len(organisations) > 1:
        raise InvalidInput(_("Say which of your organisations books (organisation_id)."),
                           field="organisation_id")
    return organisations[0]


def _moved(value) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(_("Moved dates are an object of date: {start, end}."), field="moved")
    moved = {}
    for key, span in value.items():
        try:
            original = date.fromisoformat(key)
        except ValueError as error:
            raise InvalidInput(_("%(value)s is not a date (YYYY-MM-DD).", value=key[:40]),
                               field="moved") from error
        if not isinstance(span, dict):
            raise InvalidInput(_("Moved dates are an object of date: {start, end}."),
                               field="moved")
        moved[original] = (_local_time(span.get("start"), "moved"),
                           _local_time(span.get("end"), "moved"))
    return moved


@bp.post("/bookings")
@idempotent
def booking_create():
    user = api_user()
    body = json_body()
    organisation = _organisation_for(user, body)
    resource_ids = body.get("resource_ids")
    if not isinstance(resource_ids, list):
        raise InvalidInput(_("Choose rooms or resources from the list."), field="resource_ids")
    for name in ("title", "purpose", "location", "rrule"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise InvalidInput(_("This must be text."), field=name)
    if not isinstance(body.get("public", False), bool):
        raise InvalidInput(_("Say true or false."), field="public")
    exdates = body.get("exdates") or []
    if not isinstance(exdates, list):
        raise InvalidInput(_("Left-out dates are a list of dates (YYYY-MM-DD)."),
                           field="exdates")
    booking = request_booking(
        db.session,
        actor=user,
        organisation=organisation,
        resources=resources_by_ids(db.session, resource_ids),
        local_start=_local_time(body.get("start"), "start"),
        local_end=_local_time(body.get("end"), "end"),
        title=body.get("title") or "",
        purpose=body.get("purpose") or "",
        attendees=body.get("attendees"),
        public=body.get("public", False),
        location=body.get("location") or "",
        rrule=body.get("rrule") or "",
        exdates=exdates,
        moved=_moved(body.get("moved")),
        now=now(),
        settings=Settings.from_config(current_app.config),
    )
    notices = booking.notices
    db.session.commit()
    booking.notices = notices
    return booking_json(booking, user), 201


@bp.get("/bookings/<int:booking_id>")
def booking_show(booking_id: int):
    user = api_user()
    return booking_json(booking_by_id(db.session, booking_id), user)


def _dates(body: dict) -> list | None:
    value = body.get("date")
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidInput(_("Give the date as YYYY-MM-DD."), field="date")
    return [value]


def _optional_body() -> dict:
    return json_body() if request.get_data() else {}


@bp.post("/bookings/<int:booking_id>/approve")
def booking_approve(booking_id: int):
    user = api_user()
    body = _optional_body()
    booking = booking_by_id(db.session, booking_id)
    approve_booking(db.session, actor=user, booking=booking, dates=_dates(body), now=now(),
                    settings=Settings.from_config(current_app.config))
    db.session.commit()
    return booking_json(booking, user)


@bp.post("/bookings/<int:booking_id>/reject")
def booking_reject(booking_id: int):
    user = api_user()
    body = json_body()
    booking = booking_by_id(db.session, booking_id)
    reject_booking(db.session, actor=user, booking=booking, reason=_text(body, "reason"),
                   dates=_dates(body), now=now())
    db.session.commit()
    return booking_json(booking, user)


@bp.post("/bookings/<int:booking_id>/cancel")
def booking_cancel(booking_id: int):
    user = api_user()
    body = json_body()
    booking = booking_by_id(db.session, booking_id)
    dates = _dates(body)
    scope = body.get("scope") or ("this" if dates else "all")
    cancel_booking(db.session, actor=user, booking=booking, reason=_text(body, "reason"),
                   scope=scope, date=dates[0] if dates else None, now=now())
    db.session.commit()
    return booking_json(booking, user)


def _text(body: dict, name: str) -> str:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise InvalidInput(_("This must be text."), field=name)
    return value or ""


# --- OpenAPI ----------------------------------------------------------------------------------

_ERRORS = {
    "401": {"description": "No valid token"},
    "403": {"description": "Not allowed", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}},
    "404": {"description": "Not found"},
    "422": {"description": "Field errors", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}},
}
_BOOKING_RESPONSE = {"description": "The booking", "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/Booking"}}}}
_BOOKING_ID = {"name": "booking_id", "in": "path", "required": True,
               "schema": {"type": "integer"}}
_CONFLICT = {"description": "The slot is taken; `conflicts` lists the times",
             "content": {"application/json": {
                 "schema": {"$ref": "#/components/schemas/BookingConflict"}}}}


def _decision(summary: str, body_schema: dict, conflict: bool = False) -> dict:
    responses = {"200": _BOOKING_RESPONSE, **_ERRORS}
    if conflict:
        responses["409"] = _CONFLICT
    return {"post": {
        "summary": summary,
        "parameters": [_BOOKING_ID],
        "requestBody": {"content": {"application/json": {"schema": body_schema}}},
        "responses": responses,
    }}


_DATE = {"type": "string", "format": "date", "description": "One date of a series (local)"}
_REASON = {"type": "string", "maxLength": 500}

OPENAPI_PATHS.update({
    "/resources": {"get": {
        "summary": "Bookable resources: rooms and mobile resources",
        "responses": {"200": {"description": "Active resources", "content": {
            "application/json": {"schema": {"type": "object", "properties": {
                "resources": {"type": "array",
                              "items": {"$ref": "#/components/schemas/Resource"}}}}}}},
            "401": _ERRORS["401"]},
    }},
    "/resources/{resource_id}/availability": {"get": {
        "summary": "Busy intervals of a resource (confirmed and pending) between start and end",
        "parameters": [
            {"name": "resource_id", "in": "path", "required": True,
             "schema": {"type": "integer"}},
            {"name": "start", "in": "query", "required": True, "schema": {"type": "string"},
             "description": "ISO 8601 date or date-time; local time unless it has an offset"},
            {"name": "end", "in": "query", "required": True, "schema": {"type": "string"}},
        ],
        "responses": {"200": {"description": "Busy intervals", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Availability"}}}}, **_ERRORS},
    }},
    "/bookings": {"post": {
        "summary": "Request one or more resources together, once or as a series",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/BookingRequest"}}}},
        "responses": {
            "201": {"description": "Requested (pending) or confirmed", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Booking"}}}},
            "409": _CONFLICT,
            **_ERRORS,
        },
    }},
    "/bookings/{booking_id}": {"get": {
        "summary": "A booking; private details only for its organisation and managers",
        "parameters": [_BOOKING_ID],
        "responses": {"200": _BOOKING_RESPONSE, **_ERRORS},
    }},
    "/bookings/{booking_id}/approve": _decision(
        "Approve all pending dates, or one `date`",
        {"type": "object", "properties": {"date": _DATE}}, conflict=True),
    "/bookings/{booking_id}/reject": _decision(
        "Reject all pending dates, or one `date`, with a reason",
        {"type": "object", "properties": {"reason": _REASON, "date": _DATE},
         "required": ["reason"]}),
    "/bookings/{booking_id}/cancel": _decision(
        "Cancel all dates to come, one `date`, or a date and the following (`scope`)",
        {"type": "object", "properties": {
            "reason": _REASON, "date": _DATE,
            "scope": {"type": "string", "enum": ["this", "following", "all"]}},
         "required": ["reason"]}),
})

_INTERVAL = {"type": "object", "properties": {
    "start": {"type": "string", "format": "date-time"},
    "end": {"type": "string", "format": "date-time"},
    "blocked_start": {"type": "string", "format": "date-time"},
    "blocked_end": {"type": "string", "format": "date-time"},
}}

OPENAPI_SCHEMAS.update({
    "Resource": {"type": "object", "properties": {
        "id": {"type": "integer"}, "slug": {"type": "string"}, "name": {"type": "string"},
        "kind": {"type": "string", "enum": ["room", "mobile"]},
        "facility": {"type": ["object", "null"]}, "quarter": {"type": "object"},
        "capacity": {"type": "integer"}, "approval_required": {"type": "boolean"},
        "step_free": {"type": "boolean"}, "equipment": {"type": "array",
                                                        "items": {"type": "string"}},
        "setup_minutes": {"type": "integer"}, "cleanup_minutes": {"type": "integer"},
    }},
    "Availability": {"type": "object", "properties": {
        "resource_id": {"type": "integer"},
        "start": {"type": "string", "format": "date-time"},
        "end": {"type": "string", "format": "date-time"},
        "busy": {"type": "array", "items": {**_INTERVAL, "properties": {
            **_INTERVAL["properties"],
            "status": {"type": "string", "enum": ["pending", "confirmed"]}}}},
    }},
    "BookingRequest": {"type": "object", "required": ["resource_ids", "start", "end", "title",
                                                      "attendees"], "properties": {
        "organisation_id": {"type": "integer",
                            "description": "Required when the user has several organisations"},
        "resource_ids": {"type": "array", "items": {"type": "integer"}, "minItems": 1},
        "start": {"type": "string", "description": "Local date-time (ISO 8601), e.g. "
                                                    "2027-03-30T18:00; an offset is honoured"},
        "end": {"type": "string"},
        "title": {"type": "string", "maxLength": 200},
        "purpose": {"type": "string", "maxLength": 5000},
        "attendees": {"type": "integer", "minimum": 1},
        "public": {"type": "boolean"},
        "rrule": {"type": "string", "description": "RFC 5545 RRULE with UNTIL or COUNT, e.g. "
                                                   "FREQ=WEEKLY;INTERVAL=2;COUNT=10"},
        "exdates": {"type": "array", "items": {"type": "string", "format": "date"}},
        "moved": {"type": "object", "description": "date of the series -> {start, end}"},
        "location": {"type": "string", "description": "Where a mobile resource will stand"},
    }},
    "Booking": {"type": "object", "properties": {
        "id": {"type": "integer"},
        "status": {"type": "string", "enum": ["pending", "approved", "rejected", "cancelled"]},
        "public": {"type": "boolean"},
        "title": {"type": "string"},
        "resources": {"type": "array", "items": {"type": "object"}},
        "occurrences": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "resource_id": {"type": "integer"},
            "date": {"type": "string", "format": "date"},
            "start": {"type": "string", "format": "date-time"},
            "end": {"type": "string", "format": "date-time"},
            "status": {"type": "string",
                       "enum": ["pending", "confirmed", "cancelled", "rejected"]}}}},
        "notices": {"type": "array", "items": {"type": "string"}},
        "purpose": {"type": "string"}, "attendees": {"type": "integer"},
        "history": {"type": "array", "items": {"type": "object"}},
    }},
    "BookingConflict": {"allOf": [{"$ref": "#/components/schemas/Error"}, {
        "type": "object", "properties": {"conflicts": {"type": "array", "items": {
            **_INTERVAL, "properties": {**_INTERVAL["properties"],
                                        "resource_id": {"type": "integer"},
                                        "resource": {"type": "string"}}}}}}]},
})
