"""Every iCalendar we write, built with the `icalendar` package: the VTIMEZONE, the VEVENTs of
events, bookings and Spielmobil dates, and the VCALENDAR around them (a subscribed feed, or a
single file to download or to attach to a mail).

Each event becomes one VEVENT (plus one override VEVENT per moved date). These blocks are
serialised once when the event changes and stored; a feed is a header, the blocks, a footer.
Bookings and round dates supply their dates; their VEVENTs are written here too.
"""

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard
from icalendar import Event as VEvent
from icalendar.prop import vCalAddress, vRecur

from ..events.occurrences import local_span
from ..events.text import localised, plain_text
from ..events.vocabulary import CATEGORIES, TARGET_GROUPS, label
from ..models.bookings import (
    ACTIVE_OCCURRENCE_STATUSES,
    Booking,
    BookingStatus,
    Occurrence,
    OccurrenceStatus,
)
from ..models.events import Event, EventStatus
from ..models.places import Facility, Resource
from ..place_texts import text_in
from ..timeline import expand as expand_booking
from ..timeline import to_local, until_utc
from ..vocabulary import SPOKEN_LANGUAGES
from . import zones

PRODID = "-//meetingplaces//quarter calendars//DE"
# Blocks carry this base and the feed replaces it with the site's address when it is served:
# stored blocks stay valid under any host name, and the domain never needs a request.
# The mark appears only in the short URL line, which icalendar never folds.
BASE_URL_MARK = "https://meetingplaces.invalid"
REFRESH_INTERVAL = timedelta(hours=4)
FOOTER = "END:VCALENDAR\r\n"


def event_url(event: Event) -> str:
    return f"{BASE_URL_MARK}/events/{event.id}"


def _description(event: Event, language: str, description: str, note: str = "",
                 cancelled_dates=()) -> str:
    parts = [plain_text(description)] if description.strip() else []
    with force_locale(language):
        details = []
        if note:
            details.append(note)
        for day, reason in cancelled_dates:
            details.append(_("Cancelled on %(date)s.", date=format_date(day, "full"))
                           + (f" {reason}" if reason else ""))
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


def _common(event: Event, language: str, note: str = "", *, uid: str = "",
            cancelled_dates=()) -> VEvent:
    title, description = localised(event, language)
    component = VEvent()
    component.add("uid", uid or event.uid)
    component.add("dtstamp", event.last_modified)
    component.add("created", event.created_at)
    component.add("last-modified", event.last_modified)
    component.add("sequence", event.sequence)
    component.add("summary", title)
    component.add("description", _description(event, language, description, note,
                                              cancelled_dates))
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


def date_uid(uid: str, original: date) -> str:
    """The UID of one moved or changed date of a series, stable for that date."""
    local_part, at, domain = uid.partition("@")
    return f"{local_part}-{original:%Y%m%d}{at}{domain}"


def vevents(event: Event, language: str) -> list[VEvent]:
    """The master VEVENT, and one VEVENT of its own per moved or changed date.

    A date that does not take place as the rule says is an EXDATE of the master, whether it is
    cancelled or moved: the one form ical.js, vobject, Home Assistant's `ical` and
    recurring-ical-events all read alike (tests/test_calendar_interop.py). An override with
    RECURRENCE-ID is not: `ical` shows the original date beside it. So a moved date is a
    VEVENT with a UID of its own (date_uid), RELATED-TO the series; a cancelled date's reason
    is told in the master's DESCRIPTION, as an EXDATE carries no text.
    """
    zone = ZoneInfo(event.timezone)
    dtstart, length = local_span(event)
    cancelled = sorted((c.original_date, c.note) for c in event.changes if c.cancelled) \
        if event.rrule else []
    master = _common(event, language, cancelled_dates=cancelled)
    if event.all_day:
        _add_span(master, event.start_date, event.end_date + timedelta(days=1))
    else:
        _add_span(master, _local(dtstart, zone), _local(dtstart + length, zone))
    moved = []
    if event.rrule:
        master.add("rrule", vRecur.from_ical(event.rrule))
        left_out = sorted({date.fromisoformat(d) for d in event.exdates or []}
                          | {c.original_date for c in event.changes})
        for day in left_out:  # one per line: some readers take only a list's first value
            master.add("exdate", _recurrence_id(event, day, zone))
        for change in sorted(event.changes, key=lambda c: c.original_date):
            if change.cancelled:
                continue
            component = _common(event, language, change.note,
                                uid=date_uid(event.uid, change.original_date))
            component.add("related-to", event.uid)
            if event.all_day:
                starts = change.start_date or change.original_date
                ends = (change.end_date or starts + timedelta(days=length.days - 1))
                _add_span(component, starts, ends + timedelta(days=1))
            elif change.starts_at is not None:
                _add_span(component, change.starts_at.astimezone(zone),
                          change.ends_at.astimezone(zone))
            else:
                original = datetime.combine(change.original_date, dtstart.time())
                _add_span(component, _local(original, zone), _local(original + length, zone))
            moved.append(component)
    return [master, *moved]


def serialise(event: Event, language: str) -> str:
    """The event's VEVENT text as it goes into a feed."""
    return "".join(component.to_ical().decode() for component in vevents(event, language))


# --- the VTIMEZONE ---------------------------------------------------------------------------


def _observance(daylight: bool, onset: datetime, offset_from: timedelta,
                offset_to: timedelta, name: str, rrule: str = ""):
    component = TimezoneDaylight() if daylight else TimezoneStandard()
    component.add("dtstart", onset)  # wall-clock time on the old offset (RFC 5545 3.6.5)
    if rrule:
        component.add("rrule", vRecur.from_ical(rrule))
    if name:
        component.add("tzname", name)
    component.add("tzoffsetfrom", offset_from)
    component.add("tzoffsetto", offset_to)
    return component


@cache
def timezone_component(tzid: str, since_year: int = zones.OLDEST_YEAR) -> Timezone:
    """The zone as Outlook, Google and tzurl write it: the current rule as one RRULE per kind
    of changeover, without an end year; single changeovers only before that rule, from
    `since_year` on (the earliest date a calendar shows). Never one RDATE with many values:
    ical.js, vobject and Radicale read only its first."""
    described = zones.describe(tzid, since_year)
    component = Timezone()
    component.add("tzid", tzid)
    if described.fixed is not None:
        offset, name = described.fixed
        if not described.changeovers:
            component.add_component(_observance(
                False, datetime(zones.OLDEST_YEAR, 1, 1), offset, offset, name))  # noqa: DTZ001
    for changeover in described.changeovers:
        component.add_component(_observance(
            changeover.daylight, changeover.local_onset, changeover.offset_from,
            changeover.offset_to, changeover.name))
    for rule, first in zip(described.rules, described.starts, strict=True):
        component.add_component(_observance(
            rule.daylight, first or rule.onset_in(zones.OLDEST_YEAR), rule.offset_from,
            rule.offset_to, rule.name, rule.rrule()))
    return component


@cache
def vtimezone(tzid: str, since_year: int = zones.OLDEST_YEAR) -> str:
    """The VTIMEZONE as text; a pure function of the tz database, so a per-process memo is
    safe. Years from which the zone's current rule holds all give the same text."""
    return timezone_component(tzid, since_year).to_ical().decode()


# --- the VCALENDAR ----------------------------------------------------------------------------


def _calendar(method: str = "PUBLISH") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _feed_properties(calendar: Calendar, name: str, city_timezone: str) -> None:
    """What only a subscribed calendar has: its name (RFC 7986 NAME, and X-WR-CALNAME for
    Apple, Google and Outlook), its zone and how often to look again."""
    name = one_line(name)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", city_timezone)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT4H")


def one_line(text: str) -> str:
    """A name for a single-line property: line breaks and other control characters become
    spaces (a stored name must never break a feed)."""
    return " ".join("".join(c if c.isprintable() else " " for c in text or "").split())


def _open(calendar: Calendar) -> str:
    text = calendar.to_ical().decode()
    assert text.endswith(FOOTER)
    return text[: -len(FOOTER)]


def _zones(tzids, since_year: int | None) -> str:
    year = since_year or zones.OLDEST_YEAR
    return "".join(vtimezone(tzid, year) for tzid in sorted(set(tzids)))


def header(name: str, city_timezone: str, tzids, since_year: int | None = None) -> str:
    """A feed's BEGIN:VCALENDAR with its properties and a VTIMEZONE for every TZID used."""
    calendar = _calendar()
    _feed_properties(calendar, name, city_timezone)
    return _open(calendar) + _zones(tzids, since_year)


def assemble(name: str, city_timezone: str, blocks, tzids, since_year: int | None = None) -> str:
    """A whole feed from stored blocks: concatenation, no serialisation."""
    return header(name, city_timezone, tzids, since_year) + "".join(blocks) + FOOTER


def single(blocks, tzids, since_year: int | None = None, *, method: str = "PUBLISH",
           properties=()) -> str:
    """A file for one thing (a download, a mail attachment): no feed-only properties."""
    calendar = _calendar(method)
    for key, value in properties:
        calendar.add(key, value)
    return _open(calendar) + _zones(tzids, since_year) + "".join(blocks) + FOOTER


def with_base_url(text: str, base_url: str) -> str:
    return text.replace(BASE_URL_MARK, base_url.rstrip("/"))


def first_year(*moments) -> int:
    """The earliest year among dates and datetimes: how far back a VTIMEZONE must reach."""
    years = [moment.year for moment in moments if moment is not None]
    return min(years) if years else zones.OLDEST_YEAR


def from_scratch(name: str, city_timezone: str, events, language: str) -> bytes:
    """Serialise events the ordinary way, as one icalendar Calendar; the benchmark's yardstick."""
    calendar = _calendar()
    _feed_properties(calendar, name, city_timezone)
    since = first_year(*(event.first_starts_at for event in events))
    for tzid in sorted({event.timezone for event in events}):
        calendar.add_component(timezone_component(tzid, since))
    for event in events:
        for component in vevents(event, language):
            calendar.add_component(component)
    return calendar.to_ical()


# --- bookings ---------------------------------------------------------------------------------
# One UID per booking, stable across every change; SEQUENCE counts the booking's audit entries,
# so each change supersedes the copy a calendar app holds. A series is one master VEVENT with
# its RRULE and EXDATEs for dates that do not take place as the rule says; a date moved or
# differing in status is a VEVENT of its own, as for events (see vevents).

BOOKING_STATUS = {
    BookingStatus.PENDING: "TENTATIVE",
    BookingStatus.APPROVED: "CONFIRMED",
    BookingStatus.REJECTED: "CANCELLED",
    BookingStatus.CANCELLED: "CANCELLED",
}
BOOKING_DATE_STATUS = {OccurrenceStatus.PENDING: "TENTATIVE",
                       OccurrenceStatus.CONFIRMED: "CONFIRMED"}


def booking_uid(booking: Booking, domain: str = "meetingplaces") -> str:
    return f"booking-{booking.id}@{domain}"


def _booking_location(booking: Booking) -> str:
    if booking.location:
        return booking.location
    parts = [r.name for r in booking.resources]
    facilities = {r.facility.id: r.facility for r in booking.resources if r.facility}
    parts += [f"{f.name}, {f.address}" for f in facilities.values()]
    return ", ".join(parts)


def _booking_common(booking: Booking, sequence: int, status: str, description: str, *,
                    uid: str = "") -> VEvent:
    component = VEvent()
    component.add("uid", uid or booking_uid(booking))
    component.add("dtstamp", booking.updated_at or booking.created_at)
    component.add("created", booking.created_at)
    component.add("last-modified", booking.updated_at or booking.created_at)
    component.add("sequence", sequence)
    component.add("summary", booking.title)
    if description:
        component.add("description", description)
    place = _booking_location(booking)
    if place:
        component.add("location", place)
    component.add("status", status)
    component.add("class", "PUBLIC" if booking.public else "PRIVATE")
    component.add("transp", "OPAQUE")
    return component


def _booking_rrule(rule: str, zone: ZoneInfo) -> vRecur:
    """A booking's UNTIL is a local date; RFC 5545 wants a UTC date-time when DTSTART has a
    TZID (timeline.until_utc, as for events)."""
    recur = vRecur.from_ical(rule)
    if "UNTIL" in recur:
        until = recur["UNTIL"][0]
        recur["UNTIL"] = [until_utc(until.date() if isinstance(until, datetime) else until, zone)]
    return recur


def booking_vevents(booking: Booking, zone: ZoneInfo, sequence: int,
                    description: str = "") -> list[VEvent]:
    """The VEVENTs of one booking: a single date, or a master with its overrides."""
    status = BOOKING_STATUS[booking.status]
    by_date: dict[date, list] = {}
    for occurrence in booking.occurrences:
        by_date.setdefault(occurrence.original_date, []).append(occurrence)
    if not booking.is_series:
        component = _booking_common(booking, sequence, status, description)
        occurrences = booking.occurrences
        starts = min(o.starts_at for o in occurrences) if occurrences else None
        ends = max(o.ends_at for o in occurrences) if occurrences else None
        component.add("dtstart", starts.astimezone(zone) if starts
                      else booking.local_start.replace(tzinfo=zone))
        component.add("dtend", ends.astimezone(zone) if ends
                      else booking.local_end.replace(tzinfo=zone))
        return [component]

    master = _booking_common(booking, sequence, status, description)
    series_start, series_end = booking.local_start, booking.local_end
    master.add("dtstart", series_start.replace(tzinfo=zone))
    master.add("dtend", series_end.replace(tzinfo=zone))
    master.add("rrule", _booking_rrule(booking.rrule, zone))
    left_out, overrides = [], []
    for slot in expand_booking(series_start, series_end, booking.rrule):
        recurrence_id = slot.local_start.replace(tzinfo=zone)
        active = [o for o in by_date.get(slot.original_date, [])
                  if o.status in ACTIVE_OCCURRENCE_STATUSES]
        if not active:
            left_out.append(recurrence_id)
            continue
        first = active[0]
        local_start, local_end = to_local(first.starts_at, zone), to_local(first.ends_at, zone)
        date_status = BOOKING_DATE_STATUS[first.status]
        if (local_start, local_end) == (slot.local_start, slot.local_end) and \
                date_status == status:
            continue
        left_out.append(recurrence_id)  # the date moved or differs: a VEVENT of its own
        component = _booking_common(booking, sequence, date_status, description,
                                    uid=date_uid(booking_uid(booking), slot.original_date))
        component.add("related-to", booking_uid(booking))
        component.add("dtstart", first.starts_at.astimezone(zone))
        component.add("dtend", first.ends_at.astimezone(zone))
        overrides.append(component)
    for recurrence_id in left_out:  # one per line, as for events
        master.add("exdate", recurrence_id)
    return [master, *overrides]


def booking_calendar(bookings, *, zone: ZoneInfo, name: str, sequences: dict[int, int],
                     descriptions: dict[int, str] | None = None, feed: bool = True,
                     method: str = "PUBLISH", organizer: tuple[str, str] | None = None,
                     attendee: str = "") -> str:
    """Bookings as a VCALENDAR: a private feed (`feed`), or the file a mail carries, with the
    mail's METHOD (CANCEL marks every VEVENT cancelled), ORGANIZER (name, address) and the
    recipient as ATTENDEE."""
    descriptions = descriptions or {}
    blocks, since = [], []
    for booking in bookings:
        for component in booking_vevents(booking, zone, sequences.get(booking.id, 0),
                                         descriptions.get(booking.id, "")):
            if organizer is not None:
                organizer_name, address = organizer
                parameters = {"CN": one_line(organizer_name)} if organizer_name else {}
                component.add("organizer", vCalAddress(f"mailto:{address}"),
                              parameters=parameters)
            if attendee:
                component.add("attendee", vCalAddress(f"mailto:{attendee}"))
            if method == "CANCEL":
                component.pop("STATUS", None)
                component.add("status", "CANCELLED")
            blocks.append(component.to_ical().decode())
        since.append(booking.local_start)
    if feed:
        return assemble(name, zone.key, blocks, [zone.key], first_year(*since))
    return single(blocks, [zone.key], first_year(*since), method=method)


def booking_snapshot(booking: Booking) -> dict:
    """What booking_vevents reads of a booking, as JSON: a mail's calendar file is written
    from it when the mail is sent (booking_from_snapshot), showing the booking as it was
    when the mail was queued."""
    return {
        "id": booking.id, "status": str(booking.status), "title": booking.title,
        "purpose": booking.purpose, "location": booking.location, "public": booking.public,
        "rrule": booking.rrule, "local_start": booking.local_start.isoformat(),
        "local_end": booking.local_end.isoformat(),
        "created_at": booking.created_at.isoformat(),
        "updated_at": booking.updated_at.isoformat() if booking.updated_at else None,
        "resources": [{"name": r.name, "facility": r.facility and {
            "id": r.facility.id, "name": r.facility.name, "address": r.facility.address}}
            for r in booking.resources],
        "occurrences": [{"date": o.original_date.isoformat(), "starts_at": o.starts_at.isoformat(),
                         "ends_at": o.ends_at.isoformat(), "status": str(o.status)}
                        for o in booking.occurrences],
    }


def booking_from_snapshot(data: dict) -> Booking:
    """The booking of a snapshot, as objects belonging to no session."""
    moment = datetime.fromisoformat
    return Booking(
        id=data["id"], status=data["status"], title=data["title"], purpose=data["purpose"],
        location=data["location"], public=data["public"], rrule=data["rrule"],
        local_start=moment(data["local_start"]), local_end=moment(data["local_end"]),
        created_at=moment(data["created_at"]),
        updated_at=moment(data["updated_at"]) if data["updated_at"] else None,
        resources=[Resource(name=r["name"], facility=r["facility"] and Facility(**r["facility"]))
                   for r in data["resources"]],
        occurrences=[Occurrence(original_date=date.fromisoformat(o["date"]),
                                starts_at=moment(o["starts_at"]), ends_at=moment(o["ends_at"]),
                                status=o["status"]) for o in data["occurrences"]],
    )


# --- a Spielmobil team member's dates ---------------------------------------------------------


def staff_date_vevent(round_date, zone: ZoneInfo, base_url: str) -> VEvent:
    """One round date in a team member's private feed; a cancelled one stays, marked.
    DTSTAMP is the round's: a feed polled again is the same bytes until something changed."""
    stop = round_date.stop
    component = VEvent()
    component.add("uid", f"round-date-{round_date.id}@meetingplaces")
    component.add("dtstamp", stop.round.created_at)
    component.add("dtstart", round_date.starts_at.astimezone(zone))
    component.add("dtend", round_date.ends_at.astimezone(zone))
    component.add("summary", _("Spielmobil: %(place)s", place=stop.place_name))
    component.add("location", f"{stop.place_name}, {stop.address}")
    if stop.latitude is not None and stop.longitude is not None:
        component.add("geo", (stop.latitude, stop.longitude))
    team = ", ".join(person.name for person in round_date.staff)
    lines = [_("Team: %(names)s", names=team)]
    if round_date.reason:
        lines.append(round_date.reason)
    component.add("description", "\n".join(lines))
    component.add("status", "CANCELLED" if round_date.is_cancelled else "CONFIRMED")
    component.add("url", f"{base_url.rstrip('/')}/rounds/dates/{round_date.id}")
    return component
