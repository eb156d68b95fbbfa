"""Finding occurrences for the public calendar pages and the API: a time window, a scope
(city, quarter, facility) and the visitor's filters."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..models import Quarter
from ..models.events import Event, EventStatus
from .occurrences import Occurrence, expand

SHOWN = (EventStatus.PUBLISHED, EventStatus.CANCELLED)
MAX_TEXT = 100


@dataclass(frozen=True)
class EventFilters:
    """What a visitor narrows the calendar to; empty values mean "any"."""

    category: str = ""
    audience: str = ""  # a target group; events for everyone match every audience
    language: str = ""  # a language spoken at the event
    free: bool = False
    step_free: bool = False
    text: str = ""

    def matches(self, event: Event) -> bool:
        if self.category and event.category != self.category:
            return False
        if self.audience and not ({self.audience, "everyone"} & set(event.target_groups or [])):
            return False
        if self.language and self.language not in (event.languages or []):
            return False
        if self.free and not event.is_free:
            return False
        if self.step_free and not event.step_free:
            return False
        if self.text:
            needle = self.text.casefold()[:MAX_TEXT]
            haystack = [event.title, event.description, event.place_name, event.address]
            haystack += [t.title + " " + t.description for t in event.translations]
            if event.facility is not None:
                haystack.append(event.facility.name)
            if event.organisation is not None and event.show_organiser:
                haystack.append(event.organisation.name)
            return any(needle in (text or "").casefold() for text in haystack)
        return True


def public_events(session, start: datetime, end: datetime, *, quarter_id: int | None = None,
                  facility_id: int | None = None, category: str = "",
                  event_ids=None) -> list[Event]:
    """Public published (and cancelled, shown as such) events whose series overlaps the window."""
    query = (
        select(Event)
        .join(Quarter, Quarter.id == Event.quarter_id)
        .where(
            Quarter.active,
            Event.is_public,
            Event.status.in_(SHOWN),
            Event.first_starts_at < end,
            or_(Event.last_ends_at.is_(None), Event.last_ends_at > start),
        )
        .options(
            selectinload(Event.translations), selectinload(Event.changes),
            selectinload(Event.facility), selectinload(Event.organisation),
            selectinload(Event.quarter),
        )
        .order_by(Event.first_starts_at, Event.id)
    )
    if quarter_id is not None:
        query = query.where(Event.quarter_id == quarter_id)
    if facility_id is not None:
        query = query.where(Event.facility_id == facility_id)
    if category:
        query = query.where(Event.category == category)
    if event_ids is not None:  # e.g. a van's stops: calendar.feeds.round_event_ids
        query = query.where(Event.id.in_(event_ids))
    return list(session.scalars(query))


def find_occurrences(session, start: datetime, end: datetime, *, quarter_id: int | None = None,
                     facility_id: int | None = None, event_ids=None,
                     filters: EventFilters = EventFilters()) -> list[Occurrence]:
    """Every date of matching public events in [start, end), cancelled ones marked, in order."""
    events = public_events(session, start, end, quarter_id=quarter_id, facility_id=facility_id,
                           category=filters.category, event_ids=event_ids)
    found = [occurrence for event in events if filters.matches(event)
             for occurrence in expand(event, start, end)]
    return sorted(found, key=lambda o: (o.starts_at, o.event.id))
