"""Events follow the booking whose room they are held in.

`follow_booking` is registered as a booking listener in create_app() (booking/listeners.py says
why a listener): every change, cancellation and rejection of a booking, through whichever
page, link or API, reaches the events linked to it in the same transaction.

A room renamed or moved to another facility by its managers (places.save_resource) takes the
events held in it along: `held_in_room` notes them before the change, `follow_room` after.
"""

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..booking.listeners import BookingChange
from ..calendar import feeds
from ..models.bookings import Booking, Occurrence
from ..models.events import Event, EventStatus
from ..models.places import Resource
from . import booked_rooms, notices
from .publishing import guest_visible, record_change


def follow_booking(session, booking: Booking, change: BookingChange) -> None:
    """After a booking changed, was cancelled or rejected.

    Its events move to its new rooms: the facility, and the place name while it was the old
    rooms' names; SEQUENCE, stored blocks, feed versions and the audit log through
    record_change, as for any edit. Nothing else changes an event by itself: when the booking
    is cancelled or rejected, leaves the event's quarter, or no longer holds dates of the
    event, the quarter's managers and the members who may edit the event are told by mail
    (and its edit page warns), and they decide what the public is told.
    """
    events = session.scalars(
        select(Event)
        .where(Event.booking_id == booking.id, Event.status != EventStatus.CANCELLED)
        .order_by(Event.id)
    ).all()
    for event in events:
        if event.last_ends_at is not None and event.last_ends_at <= change.now:
            continue  # over: where it was stays as it was
        _follow_rooms(session, event, booking, change)
        trouble = _caused_by(event, booking, change)
        if trouble is not None:
            notices.tell_of_booking_trouble(session, event, booking, trouble)


def _rooms_changed(booking: Booking, change: BookingChange) -> bool:
    return ({r.id for r in change.resources_before}
            != {r.id for r in booked_rooms.resources_held(booking)})


def _follow_rooms(session, event: Event, booking: Booking, change: BookingChange) -> None:
    if not _rooms_changed(booking, change) or not booked_rooms.in_quarter(booking,
                                                                         event.quarter_id):
        return
    facilities = [room.facility for room in booked_rooms.rooms_of(
        booked_rooms.resources_held(booking))]
    # Dates in rooms of several facilities (one date moved): stay where some still are.
    facility = event.facility if event.facility in facilities else facilities[0]
    place_name = (booked_rooms.room_names(booking)
                  if event.place_name == booked_rooms.room_names(change.resources_before)
                  else event.place_name)
    _place(session, event, facility, place_name, actor=change.actor, now=change.now,
           action="follow_booking", details={"booking_id": booking.id})


def _place(session, event: Event, facility, place_name: str, *, actor, now: datetime,
           action: str, details: dict) -> None:
    """Give the event another facility or place name, recorded as any edit (SEQUENCE, stored
    blocks, the feeds it was and is in, audit log); nothing when both stay as they are."""
    if (event.facility_id, event.place_name) == (facility.id, place_name):
        return
    before, previous = guest_visible(event), feeds.scopes_of(event)
    event.facility, event.place_name = facility, place_name
    session.flush()  # sets facility_id, which guest_visible compares
    record_change(session, event, actor=actor, now=now, action=action, before=before,
                  previous_scopes=previous,
                  details={**details, "facility_id": facility.id, "place_name": place_name})


def _caused_by(event: Event, booking: Booking,
               change: BookingChange) -> booked_rooms.Trouble | None:
    """The trouble this step caused, not what was there before (dates cancelled earlier)."""
    trouble = booked_rooms.trouble_of(event, change.now)
    if trouble is None:
        return None
    if trouble.reason == "elsewhere":
        return trouble if _rooms_changed(booking, change) else None
    if trouble.reason == "dates":
        touched = tuple(o for o in trouble.dates if any(
            o.starts_at < until and o.ends_at > since for since, until in change.spans))
        return booked_rooms.Trouble("dates", touched) if touched else None
    return trouble  # cancelled or rejected: only this step can have done it


class HeldEvent(NamedTuple):
    """An event held in a room, as it was before the room was renamed or moved."""

    event: Event
    named: bool  # its place name was its rooms' names
    at_facility: bool  # it was at the room's facility
    in_quarter: bool  # its booking's rooms were all in its quarter


def held_in_room(session, room: Resource, now: datetime) -> list[HeldEvent]:
    """The events not called off and not over, held in a booking whose dates use `room`.
    Asked before the room is renamed or moved: afterwards its old name and facility are gone."""
    events = session.scalars(
        select(Event)
        .join(Booking, Event.booking_id == Booking.id)
        .where(Event.status != EventStatus.CANCELLED,
               or_(Event.last_ends_at.is_(None), Event.last_ends_at > now),
               or_(Booking.resources.any(Resource.id == room.id),
                   Booking.occurrences.any(Occurrence.resource_id == room.id)))
        .options(selectinload(Event.booking).selectinload(Booking.resources),
                 selectinload(Event.booking).selectinload(Booking.occurrences)
                 .selectinload(Occurrence.resource))
        .order_by(Event.id)
    ).all()
    return [HeldEvent(event, event.place_name == booked_rooms.room_names(event.booking),
                      event.facility_id == room.facility_id,
                      booked_rooms.in_quarter(event.booking, event.quarter_id))
            for event in events if room in booked_rooms.resources_held(event.booking)]


def follow_room(session, room: Resource, held: list[HeldEvent], *, actor,
                now: datetime) -> None:
    """After `room` was renamed or moved to another facility: a place name that was the rooms'
    names takes their new names (one the user gave stays), and an event at the room's old
    facility moves with it unless another of its rooms is still there. Through record_change,
    as any edit: SEQUENCE, stored blocks, feed versions, audit log. A room moved into another
    quarter leaves the event where it is and tells its managers, as a booking moved there does.
    """
    for event, named, at_facility, in_quarter in held:
        booking = event.booking
        place_name = booked_rooms.room_names(booking) if named else event.place_name
        rooms = booked_rooms.rooms_of(booked_rooms.resources_held(booking))
        facility = event.facility
        if (at_facility and room.facility.quarter_id == event.quarter_id
                and event.facility not in {r.facility for r in rooms}):
            facility = room.facility
        _place(session, event, facility, place_name, actor=actor, now=now,
               action="room_renamed" if facility == event.facility else "room_moved",
               details={"booking_id": booking.id, "resource_id": room.id})
        if in_quarter and not booked_rooms.in_quarter(booking, event.quarter_id):
            notices.tell_of_booking_trouble(session, event, booking,
                                            booked_rooms.Trouble("elsewhere"))
