"""Writing events as iCalendar with the `icalendar` package.

Each event becomes one VEVENT (plus one override VEVENT per moved date). These blocks are
serialised once when the event changes and stored; a feed is a header, the blocks, a footer.
"""

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Timezone
from icalendar import Event as VEvent
from icalendar.prop import vRecur

from ..events.recurrence import local_span
from ..events.text import localised, plain_text
from ..events.vocabulary import CATEGORIES, TARGET_GROUPS, label
from ..models.events import Event, EventStatus
from ..place_texts import text_in
from ..vocabulary import SPOKEN_LANGUAGES

PRODID = "-//meetingplaces//quarter calendars//DE"
# Blocks carry this base and the feed replaces it with the site's address when it is served:
# stored blocks stay valid under any host name, and the domain never needs a request.
# The mark appears only in the short URL line, which icalendar never folds.
BASE_URL_MARK = "https://meetingplaces.invalid"
REFRESH_INTERVAL = timedelta(hours=4)
FOOTER = "END:VCALENDAR\r\n"


def event_url(event: Event) -> str:
    return f"{BASE_URL_MARK}/events/{event.id}"


def _description(event: Event, language: str, description: str, note: str = "") -> str:
    parts = [plain_text(description)] if description.strip() else []
    with force_locale(language):
        details = []
        if note:
            details.append(note)
        if event.status == EventStatus.CANCELLED:
            details.append(_("Cancelled.") + (f" {event.cancellation_reason}"
                                              if event.cancellation_reason else ""))
        if event.organisation is not None and event.show_organiser:
            details.append(_("Organiser: %(name)s", name=event.organisation.name))
        details.append(
            _("Free of charge") if event.is_free else _("Cost: %(cost)s", cost=event.cost))
        if event.registration_required:
            details.append(
                _("Registration needed: %(contact)s", contact=event.registration_contact))
        if event.languages:
            names = ", ".join(label(SPOKEN_LANGUAGES, code) for code in event.languages)
            details.append(_("Languages: %(languages)s", languages=names))
        if event.target_groups:
            groups = ", ".join(label(TARGET_GROUPS, code) for code in event.target_groups)
            details.append(_("For: %(groups)s", groups=groups))
        if event.step_free:
            details.append(_("Step-free access"))
        if event.facility is not None:
            access = text_in(event.facility, "accessibility", language)
            if access:
                details.append(_("Accessibility: %(text)s", text=access.text)
                                if access.language == language else
                                _("Accessibility (in German): %(text)s", text=access.text))
    parts.append("\n".join(details))
    return "\n\n".join(parts)


def location(event: Event) -> str:
    facility = event.facility
    parts = [event.place_name, facility.name if facility else "",
             event.address or (facility.address if facility else "")]
    return ", ".join(part for part in parts if part)


def geo(event: Event) -> tuple[float, float] | None:
    if event.latitude is not None and event.longitude is not None:
        return event.latitude, event.longitude
    facility = event.facility
    if facility is not None and facility.latitude is not None and facility.longitude is not None:
        return facility.latitude, facility.longitude
    return None


def _local(naive: datetime, zone: ZoneInfo) -> datetime:
    return naive.replace(tzinfo=zone)


def _recurrence_id(event: Event, original: date, zone: ZoneInfo):
    """The original start of one date, in the form DTSTART has (DATE, or local time + TZID)."""
    if event.all_day:
        return original
    dtstart, _ = local_span(event)
    return _local(datetime.combine(original, dtstart.time()), zone)


def _common(event: Event, language: str, note: str = "") -> VEvent:
    title, description = localised(event, language)
    component = VEvent()
    component.add("uid", event.uid)
    component.add("dtstamp", event.last_modified)
    component.add("created", event.created_at)
    component.add("last-modified", event.last_modified)
    component.add("sequence", event.sequence)
    component.add("summary", title)
    component.add("description", _description(event, language, description, note))
    place = location(event)
    if place:
        component.add("location", place)
    coordinates = geo(event)
    if coordinates:
        component.add("geo", coordinates)
    component.add("url", event_url(event))
    with force_locale(language):
        component.add("categories", [label(CATEGORIES, event.category)])
    cancelled = event.status == EventStatus.CANCELLED
    component.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    component.add("class", "PUBLIC")
    component.add("transp", "TRANSPARENT" if event.all_day else "OPAQUE")
    return component


def _add_span(component: VEvent, starts, ends) -> None:
    """DTSTART/DTEND: DATE values for all-day dates (DTEND exclusive), else local time + TZID."""
    component.add("dtstart", starts)
    component.add("dtend", ends)


def vevents(event: Event, language: str) -> list[VEvent]:
    """The master VEVENT and one override per moved date; cancelled dates become EXDATEs."""
    zone = ZoneInfo(event.timezone)
    dtstart, length = local_span(event)
    master = _common(event, language)
    if event.all_day:
        _add_span(master, event.start_date, event.end_date + timedelta(days=1))
    else:
        _add_span(master, _local(dtstart, zone), _local(dtstart + length, zone))
    overrides = []
    if event.rrule:
        master.add("rrule", vRecur.from_ical(event.rrule))
        left_out = sorted({date.fromisoformat(d) for d in event.exdates or []}
                          | {c.original_date for c in event.changes
                             if c.cancelled and not c.keep_in_feed})
        if left_out:
            master.add("exdate", [_recurrence_id(event, d, zone) for d in left_out])
        for change in event.changes:
            if change.cancelled and not change.keep_in_feed:
                continue
            override = _common(event, language, change.note)
            override.add("recurrence-id", _recurrence_id(event, change.original_date, zone))
            if change.cancelled:
                override.pop("STATUS")
                override.add("status", "CANCELLED")
            if event.all_day:
                starts = change.start_date or change.original_date
                ends = (change.end_date or starts + timedelta(days=length.days - 1))
                _add_span(override, starts, ends + timedelta(days=1))
            elif change.starts_at is not None:
                _add_span(override, change.starts_at.astimezone(zone),
                          change.ends_at.astimezone(zone))
            else:
                original = datetime.combine(change.original_date, dtstart.time())
                _add_span(override, _local(original, zone), _local(original + length, zone))
            overrides.append(override)
    return [master, *overrides]


def serialise(event: Event, language: str) -> str:
    """The event's VEVENT text as it goes into a feed."""
    return "".join(component.to_ical().decode() for component in vevents(event, language))


@cache
def vtimezone(tzid: str) -> str:
    """VTIMEZONE for a zone; a pure function of the tz database, so a per-process memo is safe."""
    component = Timezone.from_tzid(tzid, first_date=date(2020, 1, 1), last_date=date(2040, 1, 1))
    return component.to_ical().decode()


def header(name: str, city_timezone: str, tzids) -> str:
    """BEGIN:VCALENDAR with the calendar's properties and a VTIMEZONE for every TZID used."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", city_timezone)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT4H")
    text = calendar.to_ical().decode()
    assert text.endswith(FOOTER)
    return text[: -len(FOOTER)] + "".join(vtimezone(tzid) for tzid in sorted(set(tzids)))


def assemble(name: str, city_timezone: str, blocks, tzids) -> str:
    """A whole VCALENDAR from stored blocks: concatenation, no serialisation."""
    return header(name, city_timezone, tzids) + "".join(blocks) + FOOTER


def with_base_url(text: str, base_url: str) -> str:
    return text.replace(BASE_URL_MARK, base_url.rstrip("/"))


def from_scratch(name: str, city_timezone: str, events, language: str) -> bytes:
    """Serialise events the ordinary way, as one icalendar Calendar; the benchmark's yardstick."""
    calendar = Calendar()
    for key, value in (("prodid", PRODID), ("version", "2.0"), ("calscale", "GREGORIAN"),
                       ("method", "PUBLISH"), ("x-wr-calname", name),
                       ("x-wr-timezone", city_timezone)):
        calendar.add(key, value)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT4H")
    for tzid in sorted({event.timezone for event in events}):
        calendar.add_component(Timezone.from_ical(vtimezone(tzid)))
    for event in events:
        for component in vevents(event, language):
            calendar.add_component(component)
    return calendar.to_ical()
