"""Bookings as iCalendar (with `icalendar`), for mail attachments and private feeds.

One UID per booking, stable across every change; SEQUENCE counts the booking's audit entries,
so each change supersedes the copy a calendar app holds. A series is one master VEVENT with
its RRULE, EXDATEs for dates that no longer take place, and an override (RECURRENCE-ID) per
date that was moved or differs in status.
"""

from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone
from icalendar import Event as VEvent
from icalendar.prop import vRecur

from ..models.bookings import ACTIVE_OCCURRENCE_STATUSES, Booking, BookingStatus, OccurrenceStatus
from .recurrence import expand, to_local

PRODID = "-//meetingplaces//bookings//DE"
STATUS = {
    BookingStatus.PENDING: "TENTATIVE",
    BookingStatus.APPROVED: "CONFIRMED",
    BookingStatus.REJECTED: "CANCELLED",
    BookingStatus.CANCELLED: "CANCELLED",
}
DATE_STATUS = {OccurrenceStatus.PENDING: "TENTATIVE", OccurrenceStatus.CONFIRMED: "CONFIRMED"}


def booking_uid(booking: Booking, domain: str = "meetingplaces") -> str:
    return f"booking-{booking.id}@{domain}"


def _location(booking: Booking) -> str:
    if booking.location:
        return booking.location
    parts = [r.name for r in booking.resources]
    facilities = {r.facility.id: r.facility for r in booking.resources if r.facility}
    parts += [f"{f.name}, {f.address}" for f in facilities.values()]
    return ", ".join(parts)


def _common(booking: Booking, sequence: int, status: str, description: str) -> VEvent:
    component = VEvent()
    component.add("uid", booking_uid(booking))
    component.add("dtstamp", booking.updated_at or booking.created_at)
    component.add("created", booking.created_at)
    component.add("last-modified", booking.updated_at or booking.created_at)
    component.add("sequence", sequence)
    component.add("summary", booking.title)
    if description:
        component.add("description", description)
    location = _location(booking)
    if location:
        component.add("location", location)
    component.add("status", status)
    component.add("class", "PUBLIC" if booking.public else "PRIVATE")
    component.add("transp", "OPAQUE")
    return component


def _rrule(rule: str, zone: ZoneInfo) -> vRecur:
    """Our UNTIL is a local date; RFC 5545 wants a UTC date-time when DTSTART has a TZID."""
    recur = vRecur.from_ical(rule)
    if "UNTIL" in recur:
        until = recur["UNTIL"][0]
        day = until.date() if isinstance(until, datetime) else until
        recur["UNTIL"] = [datetime.combine(day, time(23, 59, 59), zone).astimezone(UTC)]
    return recur


def booking_vevents(booking: Booking, zone: ZoneInfo, sequence: int,
                    description: str = "") -> list[VEvent]:
    """The VEVENTs of one booking: a single date, or a master with its overrides."""
    status = STATUS[booking.status]
    by_date: dict[date, list] = {}
    for occurrence in booking.occurrences:
        by_date.setdefault(occurrence.original_date, []).append(occurrence)
    if not booking.is_series:
        component = _common(booking, sequence, status, description)
        occurrences = booking.occurrences
        starts = min(o.starts_at for o in occurrences) if occurrences else None
        ends = max(o.ends_at for o in occurrences) if occurrences else None
        component.add("dtstart", starts.astimezone(zone) if starts
                      else booking.local_start.replace(tzinfo=zone))
        component.add("dtend", ends.astimezone(zone) if ends
                      else booking.local_end.replace(tzinfo=zone))
        return [component]

    master = _common(booking, sequence, status, description)
    series_start, series_end = booking.local_start, booking.local_end
    master.add("dtstart", series_start.replace(tzinfo=zone))
    master.add("dtend", series_end.replace(tzinfo=zone))
    master.add("rrule", _rrule(booking.rrule, zone))
    left_out, overrides = [], []
    for slot in expand(series_start, series_end, booking.rrule):
        recurrence_id = slot.local_start.replace(tzinfo=zone)
        active = [o for o in by_date.get(slot.original_date, [])
                  if o.status in ACTIVE_OCCURRENCE_STATUSES]
        if not active:
            left_out.append(recurrence_id)
            continue
        first = active[0]
        local_start, local_end = to_local(first.starts_at, zone), to_local(first.ends_at, zone)
        date_status = DATE_STATUS[first.status]
        if (local_start, local_end) == (slot.local_start, slot.local_end) and \
                date_status == status:
            continue
        override = _common(booking, sequence, date_status, description)
        override.add("recurrence-id", recurrence_id)
        override.add("dtstart", first.starts_at.astimezone(zone))
        override.add("dtend", first.ends_at.astimezone(zone))
        overrides.append(override)
    if left_out:
        master.add("exdate", left_out)
    return [master, *overrides]


@cache
def _vtimezone(tzid: str) -> str:
    """The zone's VTIMEZONE as text. Computing and writing its transitions takes tens of
    milliseconds and depends on the tz database only, so once per process is enough."""
    zone = Timezone.from_tzid(tzid, first_date=date(2020, 1, 1), last_date=date(2040, 1, 1))
    return zone.to_ical().decode()


def calendar_of(bookings, *, zone: ZoneInfo, name: str, sequences: dict[int, int],
                descriptions: dict[int, str] | None = None) -> str:
    """A VCALENDAR (METHOD:PUBLISH) of bookings with the city's VTIMEZONE, as text."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone.key)
    descriptions = descriptions or {}
    for booking in bookings:
        for component in booking_vevents(booking, zone, sequences.get(booking.id, 0),
                                         descriptions.get(booking.id, "")):
            calendar.add_component(component)
    text = calendar.to_ical().decode()
    # The VTIMEZONE goes before the first VEVENT (or the end), as RFC 5545 clients expect.
    cut = min(i for i in (text.find("BEGIN:VEVENT\r\n"), text.find("END:VCALENDAR\r\n"))
              if i >= 0)
    return text[:cut] + _vtimezone(zone.key) + text[cut:]
