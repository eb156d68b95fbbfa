"""Four independent iCalendar readers, as calendar apps use them, reduced to one answer each:
the set of occurrences (uid, start, end, status) a calendar shows over a window.

- ical.js (npm): Thunderbird's parser, run by node once for a whole batch of calendars;
- vobject: the parser of the CalDAV server Radicale and of many Python clients;
- ical (PyPI): Home Assistant's calendar library;
- recurring-ical-events on icalendar: the reader our own code trusts.

Timed occurrences are given as UTC ISO strings, all-day ones as dates (they float).
"""

import json
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import recurring_ical_events

NODE_MODULES = Path(__file__).resolve().parent / "browser" / "node_modules"
ICALJS = NODE_MODULES / "ical.js" / "dist" / "ical.js"

READERS = ("ical.js", "vobject", "ical", "recurring-ical-events")


def _point(value) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return "floating:" + value.isoformat()
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def _window(start: datetime, end: datetime):
    return start.astimezone(UTC), end.astimezone(UTC)


def by_recurring_ical_events(text: str, start: datetime, end: datetime) -> set:
    calendar = icalendar.Calendar.from_ical(text)
    found = set()
    for component in recurring_ical_events.of(calendar).between(*_window(start, end)):
        found.add((str(component["UID"]), _point(component["DTSTART"].dt),
                   _point(component["DTEND"].dt), str(component.get("STATUS", "CONFIRMED"))))
    return found


def by_ical(text: str, start: datetime, end: datetime) -> set:
    from ical.calendar_stream import IcsCalendarStream

    calendar = IcsCalendarStream.calendar_from_ics(text)
    found = set()
    for item in calendar.timeline_tz(UTC).overlapping(*_window(start, end)):
        status = item.status.value if item.status else "CONFIRMED"
        found.add((item.uid, _point(item.dtstart), _point(item.dtend), status))
    return found


def by_vobject(text: str, start: datetime, end: datetime) -> set:
    """vobject expands RRULE, RDATE and EXDATE; overrides (RECURRENCE-ID) are applied here, as
    every client built on it (Radicale's expand among them) does."""
    import vobject

    start, end = _window(start, end)
    calendar = vobject.readOne(text)
    masters, overrides = {}, {}
    for component in calendar.vevent_list:
        uid = component.uid.value
        if hasattr(component, "recurrence_id"):
            overrides.setdefault(uid, []).append(component)
        else:
            masters[uid] = component
    found = set()

    def span(component, starts):
        dtstart = component.dtstart.value
        if hasattr(component, "dtend"):
            length = component.dtend.value - dtstart
        else:
            length = timedelta(days=1) if not isinstance(dtstart, datetime) else timedelta()
        return starts, starts + length

    def overlaps(starts, ends) -> bool:
        if isinstance(starts, datetime):
            return starts < end and ends > start
        return starts < end.date() and ends > start.date()

    def status(component) -> str:
        return component.status.value if hasattr(component, "status") else "CONFIRMED"

    for uid, master in masters.items():
        replaced = {}
        for override in overrides.get(uid, []):
            replaced[_point(override.recurrence_id.value)] = override
        dtstart = master.dtstart.value
        if hasattr(master, "rrule") or hasattr(master, "rdate"):
            limit = end + timedelta(days=2) if isinstance(dtstart, datetime) else None
            starts_list = []
            for starts in master.getrruleset(addRDate=True):
                check = starts if isinstance(starts, datetime) and starts.tzinfo else starts
                if isinstance(dtstart, datetime):
                    if check > limit:
                        break
                elif check.date() > end.date() + timedelta(days=2):
                    break
                starts_list.append(starts if isinstance(dtstart, datetime) else starts.date())
        else:
            starts_list = [dtstart]
        for starts in starts_list:
            key = _point(starts)
            if key in replaced:
                override = replaced.pop(key)
                o_start, o_end = span(override, override.dtstart.value)
                if overlaps(o_start, o_end):
                    found.add((uid, _point(o_start), _point(o_end), status(override)))
                continue
            s, e = span(master, starts)
            if overlaps(s, e):
                found.add((uid, _point(s), _point(e), status(master)))
    return found


ICALJS_SCRIPT = r"""
import ICAL from %(module)s;
import { readFileSync } from "node:fs";
const input = JSON.parse(readFileSync(0, "utf8"));
const start = ICAL.Time.fromJSDate(new Date(input.start), true);
const end = ICAL.Time.fromJSDate(new Date(input.end), true);
function point(time) {
  if (time.isDate) return time.toString();
  if (time.zone === ICAL.Timezone.localTimezone) return "floating:" + time.toString();
  return time.toJSDate().toISOString().replace(".000Z", "Z");
}
const out = {};
for (const [name, text] of Object.entries(input.calendars)) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(zone);
  }
  const byUid = new Map();
  for (const component of calendar.getAllSubcomponents("vevent")) {
    const uid = component.getFirstPropertyValue("uid");
    if (!byUid.has(uid)) byUid.set(uid, { master: null, exceptions: [] });
    if (component.hasProperty("recurrence-id")) byUid.get(uid).exceptions.push(component);
    else byUid.get(uid).master = component;
  }
  const found = [];
  for (const [uid, parts] of byUid) {
    const event = new ICAL.Event(parts.master || parts.exceptions[0],
                                 { exceptions: parts.master ? parts.exceptions : [] });
    const iterator = event.iterator();
    let next, guard = 0;
    while ((next = iterator.next()) && guard++ < 5000) {
      const details = event.getOccurrenceDetails(next);
      if (details.startDate.compare(end) >= 0 && next.compare(end) >= 0) break;
      if (details.startDate.compare(end) >= 0 || details.endDate.compare(start) <= 0) continue;
      const status = details.item.component.getFirstPropertyValue("status") || "CONFIRMED";
      found.push([uid, point(details.startDate), point(details.endDate), status]);
      if (!event.isRecurring()) break;
    }
  }
  out[name] = found;
  ICAL.TimezoneService.reset();
}
process.stdout.write(JSON.stringify(out));
"""


def icaljs_available() -> bool:
    return ICALJS.exists() and shutil.which("node") is not None


def by_icaljs(calendars: dict[str, str], start: datetime, end: datetime) -> dict[str, set]:
    """All calendars of a batch in one node run: {name: occurrences}."""
    script = ICALJS_SCRIPT % {"module": json.dumps(ICALJS.as_uri())}
    payload = json.dumps({"calendars": calendars, "start": _window(start, end)[0].isoformat(),
                          "end": _window(start, end)[1].isoformat()})
    result = subprocess.run(["node", "--input-type=module", "-e", script], input=payload,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return {name: {tuple(item) for item in items}
            for name, items in json.loads(result.stdout).items()}


def all_readers(calendars: dict[str, str], start: datetime, end: datetime) -> dict:
    """{name: {reader: occurrences}} for every calendar and reader."""
    answers = {name: {} for name in calendars}
    for name, occurrences in by_icaljs(calendars, start, end).items():
        answers[name]["ical.js"] = occurrences
    for name, text in calendars.items():
        answers[name]["vobject"] = by_vobject(text, start, end)
        answers[name]["ical"] = by_ical(text, start, end)
        answers[name]["recurring-ical-events"] = by_recurring_ical_events(text, start, end)
    return answers


def disagreements(answers: dict) -> dict:
    """For each calendar where readers differ: what each reader has that the reference lacks
    and lacks that it has (the reference is recurring-ical-events)."""
    found = {}
    for name, by_reader in answers.items():
        reference = by_reader["recurring-ical-events"]
        for reader, occurrences in by_reader.items():
            if occurrences != reference:
                found.setdefault(name, {})[reader] = {
                    "extra": sorted(occurrences - reference),
                    "missing": sorted(reference - occurrences)}
    return found


def day(value: date) -> str:
    return value.isoformat()


# --- Radicale, a CalDAV server: objects PUT one per UID, read back with CALDAV:expand --------

RADICALE_USER = "tester"
EXPAND_REPORT = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
 <D:prop><C:calendar-data><C:expand start="{start}" end="{end}"/></C:calendar-data></D:prop>
 <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
  <C:time-range start="{start}" end="{end}"/></C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"""
MKCOL_CALENDAR = """<?xml version="1.0" encoding="utf-8"?>
<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>
 <D:resourcetype><D:collection/><C:calendar/></D:resourcetype></D:prop></D:set></D:mkcol>"""


def objects_by_uid(text: str) -> dict[str, str]:
    """A calendar split as a CalDAV server stores it: one object per UID, with its zones."""
    calendar = icalendar.Calendar.from_ical(text)
    zones = "".join(zone.to_ical().decode() for zone in calendar.walk("VTIMEZONE"))
    grouped: dict[str, list[str]] = {}
    for component in calendar.walk("VEVENT"):
        grouped.setdefault(str(component["UID"]), []).append(component.to_ical().decode())
    return {uid: ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//radicale//EN\r\n"
                  + zones + "".join(parts) + "END:VCALENDAR\r\n")
            for uid, parts in grouped.items()}


def by_radicale(connection, auth: dict, collection: str, text: str, start: datetime,
                end: datetime) -> set:
    """PUT every object of `text` into a new collection, then the server's own expansion."""
    import hashlib

    from defusedxml.ElementTree import fromstring  # Radicale's own dependency

    def call(method, path, body, **headers):
        connection.request(method, path, body=body.encode(), headers={**auth, **headers})
        response = connection.getresponse()
        return response.status, response.read().decode()

    path = f"/{RADICALE_USER}/{collection}/"
    status, answer = call("MKCOL", path, MKCOL_CALENDAR, **{"Content-Type": "application/xml"})
    assert status == 201, (status, answer)
    for uid, body in objects_by_uid(text).items():
        name = hashlib.sha256(uid.encode()).hexdigest()[:16]
        status, answer = call("PUT", f"{path}{name}.ics", body,
                              **{"Content-Type": "text/calendar; charset=utf-8"})
        assert status == 201, (uid, status, answer)
    start, end = _window(start, end)
    status, answer = call("REPORT", path, EXPAND_REPORT.format(
        start=f"{start:%Y%m%dT%H%M%SZ}", end=f"{end:%Y%m%dT%H%M%SZ}"),
        **{"Content-Type": "application/xml", "Depth": "1"})
    assert status == 207, (status, answer)
    found = set()
    for data in fromstring(answer).iter("{urn:ietf:params:xml:ns:caldav}calendar-data"):
        for component in icalendar.Calendar.from_ical(data.text).walk("VEVENT"):
            found.add((str(component["UID"]), _point(component["DTSTART"].dt),
                       _point(component["DTEND"].dt),
                       str(component.get("STATUS", "CONFIRMED"))))
    return found
