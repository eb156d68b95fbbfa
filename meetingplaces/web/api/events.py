"""JSON API: events and their dates. Thin: read the validated body, call one function of
meetingplaces.events, answer with the declared model."""

import datetime as dt
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from flask_babel import get_locale
from flask_babel import gettext as _
from pydantic import Field

from ...errors import InvalidInput, NotFound
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
from ...models import Facility, Organisation, Quarter, Resource
from ...models.bookings import Booking
from ...models.events import Event, EventStatus
from ...policy import can
from ..clock import now
from . import api_user, bp
from .bookings import BookingConflictBody
from .contract import (
    ID_CONVERTER,
    Day,
    Id,
    Input,
    Line,
    Moment,
    Output,
    PageQuery,
    Paragraphs,
    operation,
    path_date,
    validated_body,
    validated_query,
)
from .idempotency import idempotent
from .times import day_start, instant

MAX_WINDOW_DAYS = 366
LANGUAGE = Literal["de", "en", "ar", "fa", "uk", "tr"]


# --- what the API shows of an event -------------------------------------------------------------

class EventText(Input):
    title: Line(200) = ""
    description: Paragraphs(10000) = ""


class ChangedDate(Output):
    date: dt.date
    cancelled: bool
    starts_at: datetime | None
    ends_at: datetime | None
    start_date: date | None
    end_date: date | None
    note: str


class EventTextOut(Output):
    title: str
    description: str


class EventOut(Output):
    id: int
    uid: str
    status: str = Field(description="draft, proposed, published, rejected or cancelled")
    quarter_id: int
    facility_id: int | None
    organisation_id: int | None = Field(description="Only when the event shows its organiser")
    booking_id: int | None = Field(description="Only for callers who may see that booking")
    resource_id: int | None = Field(description="The room the event is placed in and holds")
    title: str
    description: str = Field(description="Markdown")
    translations: dict[str, EventTextOut]
    category: str
    target_groups: list[str]
    languages: list[str]
    is_free: bool
    cost: str
    registration_required: bool
    registration_contact: str
    step_free: bool
    place_name: str
    address: str
    latitude: float | None
    longitude: float | None
    show_organiser: bool
    all_day: bool
    starts_at: datetime | None = Field(description="Timed events: start with the local offset")
    ends_at: datetime | None
    start_date: date | None = Field(description="All-day events: the first day")
    end_date: date | None = Field(description="All-day events: the last day")
    timezone: str
    rrule: str
    exdates: list[str]
    changed_dates: list[ChangedDate]
    is_public: bool
    sequence: int
    last_modified: datetime


def event_json(event: Event, viewer=None) -> dict:
    zone = ZoneInfo(event.timezone)

    def shown(instant_):
        return instant_.astimezone(zone) if instant_ is not None else None

    return {
        "id": event.id,
        "uid": event.uid,
        "status": event.status,
        "quarter_id": event.quarter_id,
        "facility_id": event.facility_id,
        "organisation_id": (event.organisation_id if event.organisation and event.show_organiser
                            else None),
        "booking_id": (event.booking_id if event.booking is not None
                       and can(viewer, "view_private", event.booking) else None),
        "resource_id": event.resource_id,
        "title": event.title,
        "description": event.description,
        "translations": {t.language: {"title": t.title, "description": t.description}
                         for t in event.translations},
        "category": event.category,
        "target_groups": list(event.target_groups or []),
        "languages": list(event.languages or []),
        "is_free": event.is_free,
        "cost": event.cost,
        "registration_required": event.registration_required,
        "registration_contact": event.registration_contact,
        "step_free": event.step_free,
        "place_name": event.place_name,
        "address": event.address,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "show_organiser": event.show_organiser,
        "all_day": event.all_day,
        "starts_at": shown(event.starts_at),
        "ends_at": shown(event.ends_at),
        "start_date": event.start_date,
        "end_date": event.end_date,
        "timezone": event.timezone,
        "rrule": event.rrule,
        "exdates": list(event.exdates or []),
        "changed_dates": [
            {"date": c.original_date, "cancelled": c.cancelled, "starts_at": shown(c.starts_at),
             "ends_at": shown(c.ends_at), "start_date": c.start_date, "end_date": c.end_date,
             "note": c.note}
            for c in event.changes
        ],
        "is_public": event.is_public,
        "sequence": event.sequence,
        "last_modified": shown(event.last_modified),
    }


# --- input --------------------------------------------------------------------------------------

class EventInput(Input):
    """An event's fields; in PATCH only those sent change (null clears a reference)."""

    quarter_id: Id | None = None
    facility_id: Id | None = None
    organisation_id: Id | None = Field(
        None, description="The organisation it is credited to (members propose for theirs)")
    booking_id: Id | None = Field(None, description=(
        "The booking whose room the event is held in: one of the caller's organisation, or "
        "any in a quarter the caller manages. Its room decides facility and place_name (unless "
        "place_name is given); the event (a series: its first date) must lie within a pending "
        "or confirmed date of it."))
    resource_id: Id | None = Field(None, description=(
        "The room the event is placed in, a room of its quarter: the event holds it through "
        "the booking engine (its dates to come, as far ahead as the room can be booked), with "
        "the rules and conflicts of a booking (409 with every taken date and the rooms free "
        "then, as for a booking); a proposal holds "
        "it pending until moderated. The room decides facility and place_name (unless "
        "place_name is given). Not together with booking_id; timed events only."))
    title: Line(200) | None = None
    description: Paragraphs(10000) | None = Field(None, description="Markdown")
    translations: dict[LANGUAGE, EventText] | None = Field(
        None, description="Per language; an empty title removes that translation")
    category: Line(60) | None = None
    target_groups: list[Line(60)] | None = Field(None, max_length=20)
    languages: list[Line(20)] | None = Field(None, max_length=20)
    is_free: bool | None = None
    cost: Line(200) | None = None
    registration_required: bool | None = None
    registration_contact: Line(300) | None = None
    step_free: bool | None = None
    place_name: Line(200) | None = None
    address: Line(300) | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    show_organiser: bool | None = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    start_date: Day | None = Field(None, description="All-day events: the first day")
    end_date: Day | None = Field(None, description="All-day events: the last day")
    timezone: Line(64) | None = None
    rrule: Line(300) | None = Field(None, description="RFC 5545 RRULE in local time")
    exdates: list[Day] | None = Field(None, max_length=400)
    is_public: bool | None = None
    free_dates_only: bool = Field(
        False, description="Leave out the dates of the series on which its room is taken "
                           "(they are added to exdates) instead of answering 409; still 409 "
                           "when no date could be held")


class EventCreate(EventInput):
    quarter_id: Id
    submit: bool = Field(True, description="false keeps a draft")


NULLABLE = {"facility_id", "organisation_id", "booking_id", "resource_id", "latitude",
            "longitude"}


def _reference(model, value, field: str):
    found = db.session.get(model, value)
    if found is None:
        raise InvalidInput(_("There is no such entry."), field=field)
    return found


def fields_from(body: EventInput) -> dict:
    """The domain's keyword fields from the fields the caller sent."""
    fields = {}
    for name in body.model_fields_set - {"submit", "free_dates_only"}:
        value = getattr(body, name)
        if value is None and name not in NULLABLE:
            raise InvalidInput(_("This field is required."), field=name)
        if name in ("quarter_id", "facility_id", "organisation_id", "booking_id",
                    "resource_id"):
            model = {"quarter_id": Quarter, "facility_id": Facility,
                     "organisation_id": Organisation, "booking_id": Booking,
                     "resource_id": Resource}[name]
            fields[name.removesuffix("_id")] = (None if value is None
                                                else _reference(model, value, name))
        elif name in ("starts_at", "ends_at"):
            fields[name] = instant(value, name)
        elif name == "exdates":
            fields[name] = [day.isoformat() for day in value]
        elif name == "translations":
            fields[name] = {language: text.model_dump() for language, text in value.items()}
        else:
            fields[name] = value
    return fields


def _event(event_id: int, viewing: bool = False) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound(_("There is no such event."))
    public = event.is_public and event.status in (EventStatus.PUBLISHED, EventStatus.CANCELLED)
    if viewing and not public and not can(api_user(required=False), "view", event):
        raise NotFound(_("There is no such event."))
    return event


# --- list ---------------------------------------------------------------------------------------

class OccurrenceQuery(PageQuery):
    quarter_id: Id | None = None
    start_date: Day | None = Field(None, description="Default: today")
    end_date: Day | None = Field(None, description="The last day listed (included); default: "
                                                   "30 days on, at most 365")
    category: Line(60) = ""
    audience: Line(60) = ""
    language: Line(20) = ""
    free: bool = False
    step_free: bool = False
    q: Line(100) = Field("", description="Words in title or description")


class OccurrenceOut(Output):
    event_id: int
    uid: str
    title: str = Field(description="In the caller's language where translated")
    quarter_id: int
    category: str
    date: dt.date = Field(description="The date the rule gave (RECURRENCE-ID)")
    all_day: bool
    starts_at: datetime
    ends_at: datetime
    timezone: str
    cancelled: bool
    moved: bool
    note: str


class OccurrencePage(Output):
    items: list[OccurrenceOut]
    next_cursor: str | None


@bp.get("/events")
@operation(roles="anyone, also without a token", token=False, query=OccurrenceQuery,
           out=OccurrencePage, tag="events")
def events_list():
    """The public dates of events in a window of days, repeating events expanded, in order."""
    query = validated_query()
    start_day = query.start_date or now().date()
    end_day = query.end_date or start_day + timedelta(days=30)
    if not start_day <= end_day < start_day + timedelta(days=MAX_WINDOW_DAYS):
        raise InvalidInput(_("The end must be after the start, at most %(days)d days later.",
                             days=MAX_WINDOW_DAYS), field="end_date")
    filters = EventFilters(category=query.category, audience=query.audience,
                           language=query.language, free=query.free,
                           step_free=query.step_free, text=query.q)
    occurrences = find_occurrences(db.session, day_start(start_day),
                                   day_start(end_day + timedelta(days=1)),
                                   quarter_id=query.quarter_id, filters=filters)
    offset = int(query.cursor) if query.cursor else 0
    chosen = occurrences[offset:offset + query.limit]
    language = str(get_locale() or "de")
    items = [
        {"event_id": o.event.id, "uid": o.event.uid, "title": localised(o.event, language)[0],
         "quarter_id": o.event.quarter_id, "category": o.event.category,
         "date": o.original_date, "all_day": o.all_day,
         "starts_at": o.starts_at.astimezone(ZoneInfo(o.event.timezone)),
         "ends_at": o.ends_at.astimezone(ZoneInfo(o.event.timezone)),
         "timezone": o.event.timezone,
         "cancelled": o.cancelled or o.event.status == EventStatus.CANCELLED,
         "moved": o.moved, "note": o.note}
        for o in chosen
    ]
    more = offset + query.limit < len(occurrences)
    return {"items": items, "next_cursor": str(offset + query.limit) if more else None}


# --- one event ----------------------------------------------------------------------------------

@bp.post("/events")
@idempotent  # outside the declared operation: keeps its final answer
@operation(roles="managers in their quarters (publish), members of an active organisation "
                 "(propose for it)", body=EventCreate, ok=201, out=EventOut,
           errors={409: BookingConflictBody}, tag="events")
def event_create():
    """Create an event: a manager publishes it (or keeps a draft), a member proposes it. A
    clash of its room answers 409 as a booking request does: every taken date, each with the
    rooms free then; send it again with `free_dates_only` to leave the taken dates out."""
    user = api_user()
    body = validated_body()
    fields = fields_from(body)
    quarter = fields.pop("quarter")
    event = create_event(db.session, actor=user, quarter=quarter, now=now(), submit=body.submit,
                         free_dates_only=body.free_dates_only, **fields)
    db.session.commit()
    return event_json(event, user), 201


@bp.get(f"/events/<{ID_CONVERTER}:event_id>")
@operation(roles="anyone for a public event; its managers and organisation's members for "
                 "others", token=False, out=EventOut, tag="events")
def event_show(event_id: int):
    """One event."""
    return event_json(_event(event_id, viewing=True), api_user(required=False))


@bp.patch(f"/events/<{ID_CONVERTER}:event_id>")
@operation(roles="managers of its quarter; its organisation's members while not published",
           body=EventInput, out=EventOut, errors={409: BookingConflictBody}, tag="events")
def event_edit(event_id: int):
    """Change the fields sent (SEQUENCE rises when a guest would notice)."""
    user = api_user()
    event = _event(event_id)
    body = validated_body()
    update_event(db.session, event, actor=user, now=now(), free_dates_only=body.free_dates_only,
                 **fields_from(body))
    db.session.commit()
    return event_json(event, user)


@bp.delete(f"/events/<{ID_CONVERTER}:event_id>")
@operation(roles="managers of its quarter; its organisation's members while not published",
           ok=204, tag="events")
def event_delete(event_id: int):
    """Delete an event for good (cancel a published one instead, so calendars learn of it)."""
    user = api_user()
    delete_event(db.session, _event(event_id), actor=user, now=now())
    db.session.commit()
    return "", 204


class ReasonBody(Input):
    reason: Line(500, min_length=1)


@bp.post(f"/events/<{ID_CONVERTER}:event_id>/cancel")
@operation(roles="managers of its quarter", body=ReasonBody, out=EventOut, tag="events")
def event_cancel(event_id: int):
    """Cancel the whole event with a reason (kept in feeds as CANCELLED for 30 days)."""
    user = api_user()
    event = _event(event_id)
    cancel_event(db.session, event, actor=user, now=now(), reason=validated_body().reason)
    db.session.commit()
    return event_json(event, user)


@bp.post(f"/events/<{ID_CONVERTER}:event_id>/occurrences/<day>/cancel")
@operation(roles="managers of its quarter", body=ReasonBody, out=EventOut, tag="events")
def event_cancel_date(event_id: int, day: str):
    """Cancel one date of a repeating event, with a reason."""
    user = api_user()
    event = _event(event_id)
    cancel_occurrence(db.session, event, path_date(day), actor=user, now=now(),
                      reason=validated_body().reason)
    db.session.commit()
    return event_json(event, user)


class MoveBody(Input):
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    start_date: Day | None = Field(None, description="All-day events")
    end_date: Day | None = None
    note: Line(500) = ""


@bp.post(f"/events/<{ID_CONVERTER}:event_id>/occurrences/<day>/move")
@operation(roles="managers of its quarter", body=MoveBody, out=EventOut,
           errors={409: BookingConflictBody}, tag="events")
def event_move_date(event_id: int, day: str):
    """Move one date of a repeating event (feeds show it once, at its new time)."""
    user = api_user()
    body = validated_body()
    event = _event(event_id)
    move_occurrence(
        db.session, event, path_date(day), actor=user, now=now(), note=body.note,
        starts_at=instant(body.starts_at, "starts_at") if body.starts_at else None,
        ends_at=instant(body.ends_at, "ends_at") if body.ends_at else None,
        start_date=body.start_date, end_date=body.end_date)
    db.session.commit()
    return event_json(event, user)

