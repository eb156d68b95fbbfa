"""The waiting list: a request for a taken slot waits with everything typed. When the slot
frees (a cancellation, or a change that moves the holder away), the first waiting request
that now fits is offered it by mail; accepting the offer turns it into a booking with every
rule checked again. An offer not taken in time expires and passes to the next.

The waiting list hears of freed slots as a listener of the booking engine (WaitingList,
registered by create_app()); the offer mail goes out through the same listeners."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..database import lock_row
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..models.audit import record
from ..models.bookings import Guest, WaitingRequest, WaitingStatus
from ..models.places import Resource
from ..policy import can
from ..timeline import LocalSlot
from . import listeners
from .conflicts import find_conflicts
from .requests import request_booking, resources_by_ids
from .rules import LONGEST_BLOCK, Settings, check_capacity, check_details, check_times, plan
from .tokens import read_offer_token


@dataclass(frozen=True)
class WaitingList:
    """The listener that offers the slots a cancellation or a change freed."""

    settings: Settings

    def __call__(self, session, booking, change: listeners.BookingChange) -> None:
        _offer_next(session, list(change.freed), now=change.now, settings=self.settings)


def join_waiting_list(session, *, actor, organisation, resources: list[Resource],
                      local_start: datetime, local_end: datetime, title: str, attendees,
                      purpose: str = "", public: bool = False, location: str = "",
                      now: datetime, settings: Settings) -> WaitingRequest:
    """Put a one-date request for a taken slot on the waiting list. The request must keep
    every rule but the slot being free; a free slot is to be booked directly."""
    guest = actor if isinstance(actor, Guest) else None
    if guest is None and not can(actor, "request_booking", organisation):
        raise Forbidden(_("You cannot book for this organisation."), field="organisation_id")
    check_details(title=title, purpose=purpose, attendees=attendees, location=location,
                  resources=resources)
    check_capacity(resources, attendees)
    planned, _notices = plan(resources, [LocalSlot(local_start.date(), local_start, local_end)],
                             settings.zone)
    check_times(planned, now=now, settings=settings)
    if not find_conflicts(session, planned):
        raise InvalidInput(_("This slot is free: request it directly."), field="start")
    entry = WaitingRequest(
        organisation=organisation, requested_by=None if guest else actor, guest=guest,
        resource_ids=[r.id for r in resources],
        local_start=local_start.replace(tzinfo=None, fold=0),
        local_end=local_end.replace(tzinfo=None, fold=0),
        starts_at=planned[0].starts_at, ends_at=planned[0].ends_at,
        title=title.strip(), purpose=purpose or "", attendees=attendees, public=bool(public),
        location=(location or "").strip(), status=WaitingStatus.WAITING, created_at=now,
    )
    session.add(entry)
    session.flush()
    record(session, actor=actor, subject_type="waiting_request", subject_id=entry.id,
           action="joined", at=now)
    return entry


def entry_for_offer_token(session, token: str, *, secret_key: str) -> WaitingRequest:
    """The waiting request an offer link names; NotFound when forged or superseded."""
    entry_id, offered_at = read_offer_token(token, secret_key)
    entry = session.get(WaitingRequest, entry_id) if isinstance(entry_id, int) else None
    if entry is None or entry.offered_at is None or \
            int(entry.offered_at.timestamp()) != offered_at:
        raise NotFound(_("This link is not valid."))
    return entry


def _offer_next(session, spans, *, now: datetime, settings: Settings) -> list[WaitingRequest]:
    """Offer freed `spans` (resource id, from, until) to the first waiting request that now
    fits each of them."""
    if not spans:
        return []
    first = min(start for _, start, _ in spans)
    last = max(end for _, _, end in spans)
    candidates = session.scalars(
        select(WaitingRequest)
        .where(
            WaitingRequest.status.in_((WaitingStatus.WAITING, WaitingStatus.OFFERED)),
            WaitingRequest.starts_at < last,
            WaitingRequest.starts_at > first - LONGEST_BLOCK,
            WaitingRequest.ends_at > first,
            WaitingRequest.starts_at > now,
        )
        .order_by(WaitingRequest.created_at, WaitingRequest.id)
    ).all()

    def touches(entry):
        return any(resource_id in entry.resource_ids and entry.starts_at < until
                   and entry.ends_at > since for resource_id, since, until in spans)

    def overlaps(a, b):
        return set(a.resource_ids) & set(b.resource_ids) and a.starts_at < b.ends_at \
            and a.ends_at > b.starts_at

    open_offers = [e for e in candidates if e.status == WaitingStatus.OFFERED]
    offered = []
    for entry in candidates:
        if entry.status != WaitingStatus.WAITING or not touches(entry):
            continue
        if any(overlaps(entry, other) for other in open_offers + offered):
            continue  # someone earlier holds an open offer for this slot
        resources = list(session.scalars(
            select(Resource).where(Resource.id.in_(entry.resource_ids))))
        planned, _notices = plan(
            resources, [LocalSlot(entry.local_start.date(), entry.local_start, entry.local_end)],
            settings.zone)
        if find_conflicts(session, planned):
            continue
        entry.status = WaitingStatus.OFFERED
        entry.offered_at = now
        entry.offer_expires_at = now + timedelta(hours=settings.offer_hours)
        session.flush()
        record(session, actor=None, actor_label="system", subject_type="waiting_request",
               subject_id=entry.id, action="offered", at=now)
        listeners.tell(session, entry, listeners.SlotOffered(
            now, ", ".join(r.name for r in resources)))
        offered.append(entry)
    return offered


def accept_offer(session, entry: WaitingRequest, *, now: datetime, settings: Settings):
    """Turn an open offer into a booking, as its requester, with every rule checked again."""
    lock_row(session, entry)
    if entry.status != WaitingStatus.OFFERED:
        raise Conflict(_("This offer is no longer open."), field="offer")
    if now >= entry.offer_expires_at:  # callers pass expired offers on first
        raise InvalidInput(_("This offer has expired and passed to the next on the list."),
                           field="offer")
    actor = entry.guest or entry.requested_by
    booking = request_booking(
        session, actor=actor, organisation=entry.organisation,
        resources=resources_by_ids(session, entry.resource_ids),
        local_start=entry.local_start, local_end=entry.local_end, title=entry.title,
        attendees=entry.attendees, purpose=entry.purpose, public=entry.public,
        location=entry.location, now=now, settings=settings,
    )
    if entry.guest is not None:  # the offer came to the guest's address: that proves it
        booking.guest_confirmed_at = now
        listeners.tell(session, booking, listeners.BookingChange("guest_confirmed", actor, now))
    entry.status = WaitingStatus.ACCEPTED
    entry.booking = booking
    record(session, actor=actor, subject_type="waiting_request", subject_id=entry.id,
           action="accepted", at=now, details={"booking_id": booking.id})
    return booking


def decline_offer(session, entry: WaitingRequest, *, now: datetime,
                  settings: Settings) -> None:
    """The requester does not want the slot any more: the next on the list gets it."""
    lock_row(session, entry)
    if entry.status not in (WaitingStatus.WAITING, WaitingStatus.OFFERED):
        raise Conflict(_("This offer is no longer open."), field="offer")
    was_offered = entry.status == WaitingStatus.OFFERED
    entry.status = WaitingStatus.WITHDRAWN
    record(session, actor=entry.guest or entry.requested_by, subject_type="waiting_request",
           subject_id=entry.id, action="withdrawn", at=now)
    session.flush()
    if was_offered:
        _offer_next(session, _spans(entry), now=now, settings=settings)


def offer_status(entry: WaitingRequest, now: datetime) -> str:
    """The status as its reader should see it: an offer past its time is expired even before
    the next writer passes it on."""
    if entry.status == WaitingStatus.OFFERED and now >= entry.offer_expires_at:
        return WaitingStatus.EXPIRED
    return entry.status


def pass_on_expired_offers(session, *, now: datetime, settings: Settings) -> int:
    """Expire offers not taken in time and offer their slots to the next waiting. For cron
    (`flask bookings pass-on-offers`) and whenever an expired offer is opened."""
    expired = session.scalars(
        select(WaitingRequest).where(
            WaitingRequest.status == WaitingStatus.OFFERED,
            WaitingRequest.offer_expires_at <= now,
        ).order_by(WaitingRequest.id)
    ).all()
    for entry in expired:
        entry.status = WaitingStatus.EXPIRED
        record(session, actor=None, actor_label="system", subject_type="waiting_request",
               subject_id=entry.id, action="expired", at=now)
    session.flush()
    for entry in expired:
        _offer_next(session, _spans(entry), now=now, settings=settings)
    return len(expired)


def _spans(entry: WaitingRequest):
    return [(resource_id, entry.starts_at, entry.ends_at) for resource_id in entry.resource_ids]
