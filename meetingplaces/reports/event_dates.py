"""The dates of each event, stored whenever the event changes (models.reports.EventDate), so that
reports count what was offered, held, moved and cancelled with GROUP BY queries."""

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from ..events.occurrences import expand
from ..models.events import Event
from ..models.reports import EventDate, EventMonth
from .usage import month_of

# Series without an end are stored this far ahead of the change (or of the reminder run that
# tops them up, attendance.send_reminders).
HORIZON = timedelta(days=2 * 366)


def store(session, events: list[Event], now: datetime) -> None:
    """Write the events' dates anew; called in the transaction that changed them."""
    ids = [event.id for event in events if event.id is not None]
    if not ids:
        return
    session.execute(delete(EventDate).where(EventDate.event_id.in_(ids)))
    session.execute(delete(EventMonth).where(EventMonth.event_id.in_(ids)))
    rows = []
    months: dict = defaultdict(lambda: [0, 0, 0])
    for event in events:
        if event.first_starts_at is None:
            continue
        zone = ZoneInfo(event.timezone)
        end = event.last_ends_at or max(now, event.first_starts_at) + HORIZON
        for occurrence in expand(event, event.first_starts_at, end):
            rows.append({
                "event_id": event.id, "original_date": occurrence.original_date,
                "starts_at": occurrence.starts_at, "ends_at": occurrence.ends_at,
                "month": month_of(occurrence.starts_at.astimezone(zone).date()),
                "cancelled": occurrence.cancelled, "moved": occurrence.moved,
            })
            counts = months[(event.id, rows[-1]["month"])]
            counts[0] += 1
            counts[1] += occurrence.cancelled
            counts[2] += occurrence.moved and not occurrence.cancelled
    if rows:
        session.execute(EventDate.__table__.insert(), rows)
        session.execute(EventMonth.__table__.insert(), [
            {"event_id": event_id, "month": month, "dates": dates, "cancelled": cancelled,
             "moved": moved}
            for (event_id, month), (dates, cancelled, moved) in sorted(months.items())])


def rebuild(session, now: datetime, *, only_endless: bool = False) -> int:
    """Store the dates of every event (or of the series without an end, to move their
    horizon on); returns the number of events."""
    query = select(Event)
    if only_endless:
        query = query.where(Event.last_ends_at.is_(None))
    events = session.scalars(query).all()
    for start in range(0, len(events), 200):
        store(session, events[start:start + 200], now)
    return len(events)
