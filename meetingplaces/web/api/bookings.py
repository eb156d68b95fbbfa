"""JSON API: bookings (list, request, read, approve, reject, cancel). Thin: read the validated
body, call one function of meetingplaces.booking, answer with the declared model."""

import datetime as dt
from datetime import date, datetime
from typing import Literal

from flask_babel import gettext as _
from pydantic import Field
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ...booking import (
    approve_booking,
    booking_by_id,
    cancel_booking,
    reject_booking,
    request_booking,
    resources_by_ids,
)
from ...database import commit_keeping_loaded
from ...errors import Forbidden, InvalidInput
from ...extensions import db
from ...models import Organisation, Resource
from ...models.audit import AuditEntry
from ...models.bookings import Booking, BookingResource
from ...policy import can
from ..clock import now
from ..context import booking_settings
from . import api_user, bp
from .contract import (
    ID_CONVERTER,
    Day,
    ErrorBody,
    Id,
    Input,
    Line,
    Moment,
    Output,
    PageQuery,
    Paragraphs,
    operation,
    page,
    validated_body,
    validated_query,
)
from .idempotency import idempotent
from .times import local, timezone_name, wall_clock, zone

BOOKING_STATUSES = Literal["pending", "approved", "rejected", "cancelled"]


# --- what the API shows of a booking ------------------------------------------------------------

class BookingDate(Output):
    id: int
    resource_id: int
    date: dt.date = Field(description="The date the rule gave (RECURRENCE-ID), local")
    starts_at: datetime
    ends_at: datetime
    status: Literal["pending", "confirmed", "cancelled", "rejected"]


class HistoryEntry(Output):
    at: datetime
    action: str
    actor_name: str | None
    details: dict


class BookingOut(Output):
    id: int
    status: BOOKING_STATUSES
    public: bool
    resource_ids: list[int]
    starts_at: datetime = Field(description="The first date's start")
    ends_at: datetime = Field(description="The last date's end")
    timezone: str
    rrule: str
    exdates: list[str]
    occurrences: list[BookingDate]
    notices: list[str] = Field(description="What the caller should know (e.g. an autumn time)")
    title: str | None = Field(description="Shown when public or to those who see details")
    location: str | None
    organisation_id: int | None
    purpose: str | None = Field(description="Only for its organisation, requester, managers")
    attendees: int | None
    status_reason: str | None
    requested_by_name: str | None
    history: list[HistoryEntry] | None = Field(
        description="Only in GET /bookings/{booking_id}, to those who see details")


class BookingPage(Output):
    items: list[BookingOut]
    next_cursor: str | None


class ConflictTime(Output):
    resource_id: int
    resource_name: str
    starts_at: datetime
    ends_at: datetime
    blocked_starts_at: datetime
    blocked_ends_at: datetime


class FreeInsteadOut(Output):
    resource_id: int
    resource_name: str
    facility_id: int | None
    facility_name: str | None
    capacity: int = Field(description="0: not recorded")
    replaces_resource_id: int = Field(description="The requested resource it could replace")
    lacking_equipment: list[str] = Field(
        description="Equipment codes the requested resource has and this one lacks")


class TakenDateOut(Output):
    date: dt.date = Field(description="The date of the series (as in exdates), local")
    starts_at: datetime = Field(description="The requested start on that date")
    ends_at: datetime
    conflicts: list[ConflictTime] = Field(description="What holds the resources then")
    alternatives: list[FreeInsteadOut] = Field(
        description="Resources free at that time nearby (same facility first, then the same "
                    "quarter), checked with every rule of a booking")


class BookingConflictBody(ErrorBody):
    conflicts: list[ConflictTime] = Field(description="Every taken time, on every date")
    taken_dates: list[TakenDateOut] = Field(
        default_factory=list,
        description="Every date of the request that is taken, each with free alternatives")
    free_dates: list[dt.date] = Field(
        default_factory=list,
        description="The request's dates that are free: what `free_dates_only` would book")


def _history(booking: Booking, entries=None) -> list[dict]:
    if entries is None:
        entries = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == "booking", AuditEntry.subject_id == booking.id)
            .options(selectinload(AuditEntry.actor))
            .order_by(AuditEntry.at, AuditEntry.id))
    return [
        {"at": local(entry.at), "action": entry.action,
         "actor_name": entry.actor.name if entry.actor else entry.actor_label,
         "details": entry.details or {}}
        for entry in entries
    ]


def booking_json(booking: Booking, user, *, history: bool | list = True) -> dict:
    """Times and status to every caller; title, organisation and location when the booking is
    public; purpose, attendees and history only to those who may see private details (its
    organisation, its requester, the managers of its rooms' quarters)."""
    private = can(user, "view_private", booking)
    shown = booking.public or private
    starts = [o.starts_at for o in booking.occurrences]
    ends = [o.ends_at for o in booking.occurrences]
    return {
        "id": booking.id,
        "status": booking.status,
        "public": booking.public,
        "resource_ids": [r.id for r in booking.resources],
        "starts_at": local(min(starts)) if starts else booking.local_start.replace(tzinfo=zone()),
        "ends_at": local(max(ends)) if ends else booking.local_end.replace(tzinfo=zone()),
        "timezone": timezone_name(),
        "rrule": booking.rrule,
        "exdates": list(booking.exdates),
        "occurrences": [
            {"id": o.id, "resource_id": o.resource_id, "date": o.original_date,
             "starts_at": local(o.starts_at), "ends_at": local(o.ends_at), "status": o.status}
            for o in booking.occurrences
        ],
        "notices": list(getattr(booking, "notices", []) or []),
        "title": booking.title if shown else None,
        "location": booking.location if shown else None,
        "organisation_id": booking.organisation_id if shown else None,
        "purpose": booking.purpose if private else None,
        "attendees": booking.attendees if private else None,
        "status_reason": booking.status_reason if private else None,
        "requested_by_name": (booking.requested_by.name if private and booking.requested_by
                              else None),
        "history": (_history(booking, None if history is True else history)
                    if private and history is not False else None),
    }


# --- list ---------------------------------------------------------------------------------------

class BookingQuery(PageQuery):
    scope: Literal["mine", "quarters"] = Field(
        "mine", description="mine: of the caller's organisations or asked for by the caller; "
                            "quarters: of the resources in the quarters the caller manages")
    status: BOOKING_STATUSES | None = None


@bp.get("/bookings")
@operation(roles="members (scope=mine), managers and admins (scope=quarters)",
           query=BookingQuery, out=BookingPage, tag="bookings")
def bookings_list():
    """Bookings, newest first: the caller's own, or those of the quarters they manage."""
    user = api_user()
    query = validated_query()
    statement = select(Booking).options(selectinload(Booking.resources),
                                        selectinload(Booking.occurrences))
    if query.scope == "mine":
        organisation_ids = [m.organisation_id for m in user.memberships]
        statement = statement.where(or_(Booking.organisation_id.in_(organisation_ids),
                                        Booking.requested_by_id == user.id))
    else:
        if not can(user, "review", Booking):
            raise Forbidden(_("Only managers see the bookings of their quarters."),
                            field="scope")
        if not can(user, "review_all", Booking):
            quarter_ids = [q.id for q in user.managed_quarters]
            statement = statement.where(Booking.id.in_(
                select(BookingResource.booking_id)
                .join(Resource, Resource.id == BookingResource.resource_id)
                .where(Resource.quarter_id.in_(quarter_ids))))
    if query.status is not None:
        statement = statement.where(Booking.status == query.status)
    if query.cursor is not None:
        statement = statement.where(Booking.id < int(query.cursor))
    rows = list(db.session.scalars(statement.order_by(Booking.id.desc()).limit(query.limit + 1)))
    return page([booking_json(b, user, history=False) for b in rows], query.limit,
                lambda item: item["id"])


# --- request ------------------------------------------------------------------------------------

class MovedDate(Input):
    date: Day = Field(description="A date of the series")
    starts_at: Moment
    ends_at: Moment


class BookingRequest(Input):
    organisation_id: Id | None = Field(
        None, description="Required when the caller acts for several organisations")
    resource_ids: list[Id] = Field(min_length=1, max_length=10,
                                   description="Booked together, all or nothing")
    starts_at: Moment
    ends_at: Moment
    title: Line(200)
    purpose: Paragraphs(5000) = ""
    attendees: int = Field(ge=1, le=10000)
    public: bool = False
    location: Line(300) = Field("", description="Where a mobile resource will stand")
    rrule: Line(300) = Field("", description="RFC 5545 RRULE with UNTIL or COUNT, e.g. "
                                             "FREQ=WEEKLY;INTERVAL=2;COUNT=10")
    exdates: list[Day] = Field(default_factory=list, max_length=400,
                               description="Dates of the series left out")
    moved: list[MovedDate] = Field(default_factory=list, max_length=400,
                                   description="Dates of the series at another time")
    free_dates_only: bool = Field(
        False, description="Leave out the dates of the series that are taken (they are added "
                           "to exdates and named in notices) instead of answering 409; still "
                           "409 when every date is taken")


def _organisation_for(user, organisation_id: int | None) -> Organisation:
    """The organisation named in the body, or the caller's only one."""
    if organisation_id is not None:
        organisation = db.session.get(Organisation, organisation_id)
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


@bp.post("/bookings")
@idempotent  # outside the declared operation: keeps its final answer
@operation(roles="members of an active organisation (for it)", body=BookingRequest, ok=201,
           out=BookingOut, errors={409: BookingConflictBody}, tag="bookings")
def booking_create():
    """Request one or more resources together, once or as a series; confirmed at once where
    no approval is needed. A 409 names every taken date at once, each with free resources
    nearby; send the same request with `free_dates_only` to book the free dates."""
    user = api_user()
    body = validated_body()
    booking = request_booking(
        db.session,
        actor=user,
        organisation=_organisation_for(user, body.organisation_id),
        resources=resources_by_ids(db.session, body.resource_ids),
        local_start=wall_clock(body.starts_at),
        local_end=wall_clock(body.ends_at),
        title=body.title,
        purpose=body.purpose,
        attendees=body.attendees,
        public=body.public,
        location=body.location,
        rrule=body.rrule,
        exdates=[day.isoformat() for day in body.exdates],
        moved={m.date: (wall_clock(m.starts_at), wall_clock(m.ends_at)) for m in body.moved},
        free_dates_only=body.free_dates_only,
        now=now(),
        settings=booking_settings(),
    )
    commit_keeping_loaded(db.session)
    return booking_json(booking, user, history=booking.history), 201


@bp.get(f"/bookings/<{ID_CONVERTER}:booking_id>")
@operation(roles="any account with a token; details for its organisation, its requester and "
                 "the managers of its rooms", out=BookingOut, tag="bookings")
def booking_show(booking_id: int):
    """A booking; private details only for those who may see them."""
    user = api_user()
    return booking_json(booking_by_id(db.session, booking_id), user)


# --- decisions ----------------------------------------------------------------------------------

class ApproveBody(Input):
    date: Day | None = Field(None, description="One date of a series (all pending without)")


class RejectBody(Input):
    reason: Line(500, min_length=1)
    date: Day | None = Field(None, description="One date of a series (all pending without)")


class CancelBody(Input):
    reason: Line(500, min_length=1)
    date: Day | None = Field(None, description="One date of a series")
    scope: Literal["this", "following", "all"] | None = Field(
        None, description="With a date: that date only (default) or it and the following; "
                          "without: all dates to come")


def _dates(day: date | None) -> list[str] | None:
    return [day.isoformat()] if day is not None else None


@bp.post(f"/bookings/<{ID_CONVERTER}:booking_id>/approve")
@operation(roles="managers of every resource's quarter, admins", body=ApproveBody,
           out=BookingOut, errors={409: BookingConflictBody}, tag="bookings")
def booking_approve(booking_id: int):
    """Approve all pending dates, or one `date`."""
    user = api_user()
    body = validated_body()
    booking = booking_by_id(db.session, booking_id)
    approve_booking(db.session, actor=user, booking=booking, dates=_dates(body.date), now=now(),
                    settings=booking_settings())
    db.session.commit()
    return booking_json(booking, user)


@bp.post(f"/bookings/<{ID_CONVERTER}:booking_id>/reject")
@operation(roles="managers of every resource's quarter, admins", body=RejectBody,
           out=BookingOut, tag="bookings")
def booking_reject(booking_id: int):
    """Reject all pending dates, or one `date`, with a reason."""
    user = api_user()
    body = validated_body()
    booking = booking_by_id(db.session, booking_id)
    reject_booking(db.session, actor=user, booking=booking, reason=body.reason,
                   dates=_dates(body.date), now=now())
    db.session.commit()
    return booking_json(booking, user)


@bp.post(f"/bookings/<{ID_CONVERTER}:booking_id>/cancel")
@operation(roles="its organisation's members, its requester, managers of its rooms' quarter",
           body=CancelBody, out=BookingOut, tag="bookings")
def booking_cancel(booking_id: int):
    """Cancel all dates to come, one `date`, or a date and the following (`scope`), with a
    reason (like cancelling an event or a round's date)."""
    user = api_user()
    body = validated_body()
    booking = booking_by_id(db.session, booking_id)
    scope = body.scope or ("this" if body.date else "all")
    cancel_booking(db.session, actor=user, booking=booking, reason=body.reason, scope=scope,
                   date=body.date.isoformat() if body.date else None, now=now())
    db.session.commit()
    return booking_json(booking, user)
