"""Every kind of calendar we write, read by four independent readers over two years with both
clock changes: ical.js (Thunderbird), vobject (Radicale), ical (Home Assistant) and
recurring-ical-events. They must see the very same occurrences: UTC start and end, STATUS.

One city holds what trips readers up: a weekly series with a summer date moved and one
cancelled, a series ending by UNTIL after the autumn change, all-day events (single, several
days, a monthly series with a moved and a cancelled date), a cancelled event, a Spielmobil
round with a cancelled and a moved date, a booking series with a cancelled and a moved date.
"""

import base64
import http.client
import subprocess
import sys
import time
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from meetingplaces.booking import cancel_booking, change_booking
from meetingplaces.booking.feeds import renew_feed
from meetingplaces.calendar.ics import date_uid
from meetingplaces.events import cancel_event, cancel_occurrence, create_event, move_occurrence
from meetingplaces.mail import attachment_data
from meetingplaces.models.mail import OutboxMessage
from meetingplaces.rounds import assign_staff, cancel_date, move_date
from meetingplaces.rounds.calendars import new_staff_feed_token

from . import rounds_factories
from .booking_factories import SETTINGS, book
from .booking_factories import local as wall_clock
from .conftest import _free_port
from .events_factories import local
from .ics_readers import (
    RADICALE_USER,
    READERS,
    all_readers,
    by_radicale,
    by_recurring_ical_events,
    disagreements,
    icaljs_available,
)
from .rounds_factories import NOW, dates_of, save

WINDOW = datetime(2027, 1, 1, tzinfo=UTC), datetime(2029, 1, 1, tzinfo=UTC)

spielmobil = rounds_factories.spielmobil

pytestmark = pytest.mark.skipif(not icaljs_available(),
                                reason="ical.js missing: run `python tests/browser_setup.py`")


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


def _event(session, actor, quarter, **fields):
    fields.setdefault("category", "cafe")
    created = create_event(session, actor=actor, quarter=quarter, now=NOW, **fields)
    session.commit()
    return created


@pytest.fixture
def city(session, make, spielmobil):
    """Everything the calendars of one city hold; returns the URLs and texts to read."""
    quarter, manager = spielmobil.wichlinghausen, spielmobil.manager
    facility = make.facility(quarter, slug="alte-feuerwache", name="Alte Feuerwache")
    room = make.room(facility, slug="saal", name="Saal", capacity=40)
    events = {}
    weekly = events["weekly"] = _event(
        session, manager, quarter, title="Sprachcafé", facility=facility,
        rrule="FREQ=WEEKLY;BYDAY=TU", starts_at=local(2027, 1, 5, 18),
        ends_at=local(2027, 1, 5, 20))
    move_occurrence(session, weekly, date(2027, 7, 13), actor=manager, now=NOW,
                    starts_at=local(2027, 7, 15, 16), ends_at=local(2027, 7, 15, 18))
    cancel_occurrence(session, weekly, date(2027, 8, 3), actor=manager, now=NOW,
                      reason="Sommerpause")
    events["until"] = _event(
        session, manager, quarter, title="Nähwerkstatt", rrule="FREQ=WEEKLY;UNTIL=20271130",
        starts_at=local(2027, 9, 2, 10), ends_at=local(2027, 9, 2, 12, 30))
    events["day"] = _event(session, manager, quarter, title="Stadtteilfest",
                           start_date=date(2027, 6, 12), end_date=date(2027, 6, 12))
    events["days"] = _event(session, manager, quarter, title="Ferienspiele",
                            start_date=date(2027, 9, 10), end_date=date(2027, 9, 12),
                            facility=facility)
    market = events["market"] = _event(
        session, manager, quarter, title="Flohmarkt",
        start_date=date(2027, 4, 3), end_date=date(2027, 4, 3),
        rrule="FREQ=MONTHLY;BYDAY=1SA;COUNT=12")
    move_occurrence(session, market, date(2027, 7, 3), actor=manager, now=NOW,
                    start_date=date(2027, 7, 10))
    cancel_occurrence(session, market, date(2027, 8, 7), actor=manager, now=NOW,
                      reason="Hitze")
    called_off = events["called_off"] = _event(
        session, manager, quarter, title="Filmabend", starts_at=local(2027, 3, 20, 19),
        ends_at=local(2027, 3, 20, 22))
    cancel_event(session, called_off, actor=manager, now=NOW, reason="Krank")
    session.commit()

    round_ = save(session, spielmobil)
    wichlinghausen = dates_of(round_, "Wichlinghauser Markt")
    assign_staff(session, actor=manager, round_date=wichlinghausen[0],
                 staff=[spielmobil.staff], now=NOW, settings=SETTINGS)
    assign_staff(session, actor=manager, round_date=wichlinghausen[1],
                 staff=[spielmobil.staff], now=NOW, settings=SETTINGS)
    cancel_date(session, actor=manager, round_date=wichlinghausen[9], reason="Regen",
                now=NOW, settings=SETTINGS)
    moved = wichlinghausen[10]
    day = moved.starts_at.date()
    move_date(session, actor=manager, round_date=moved, now=NOW,
              local_start=wall_clock(day.year, day.month, day.day, 10),
              local_end=wall_clock(day.year, day.month, day.day, 12), settings=SETTINGS)
    session.commit()

    course = book(session, spielmobil, start=wall_clock(2027, 3, 2, 18),
                  end=wall_clock(2027, 3, 2, 20), resources=[room], rrule="FREQ=WEEKLY;COUNT=40",
                  actor=spielmobil.member, organisation=spielmobil.organisation)
    cancel_booking(session, actor=manager, booking=course, reason="Ferien", scope="this",
                   date=date(2027, 7, 6), now=NOW)
    change_booking(session, actor=manager, booking=course, scope="this",
                   date=date(2027, 7, 13), local_start=wall_clock(2027, 7, 14, 17),
                   local_end=wall_clock(2027, 7, 14, 19), now=NOW, settings=SETTINGS)
    session.commit()
    tokens = {
        "organisation": renew_feed(session, actor=spielmobil.member,
                                   thing=spielmobil.organisation, now=NOW),
        "room": renew_feed(session, actor=manager, thing=room, now=NOW),
        "staff": new_staff_feed_token(session, spielmobil.staff, NOW),
    }
    session.commit()
    return {"events": events, "tokens": tokens, "mail": last_calendar_mailed(session),
            "course": course,
            "facility": facility, "van": spielmobil.van}


def last_calendar_mailed(session) -> str:
    """The calendar file of the newest queued mail that carries one (the booking's change)."""
    for message in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())):
        for attachment in message.attachments:
            if attachment["content_type"].startswith("text/calendar"):
                return attachment_data(attachment)
    raise AssertionError("no mail with a calendar file")


def fetch_all(client, city) -> dict[str, str]:
    """Every kind of calendar: public feeds, per-event files, private feeds, a mail's file."""
    urls = {
        "city": "/calendar.ics",
        "quarter": "/quarters/wichlinghausen/calendar.ics",
        "facility": f"/facilities/{city['facility'].slug}/calendar.ics",
        "van": f"/resources/{city['van'].slug}/calendar.ics",
        "organisation": f"/bookings/feeds/{city['tokens']['organisation']}.ics",
        "room": f"/bookings/feeds/{city['tokens']['room']}.ics",
        "staff": f"/rounds/staff/{city['tokens']['staff']}/calendar.ics",
        **{f"event {name}": f"/events/{event.id}/calendar.ics"
           for name, event in city["events"].items()},
    }
    calendars = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        calendars[name] = response.get_data(as_text=True)
    calendars["mail"] = city["mail"]
    return calendars


def test_all_four_readers_see_the_same_occurrences_in_every_calendar(client, city):
    calendars = fetch_all(client, city)
    answers = all_readers(calendars, *WINDOW)
    assert disagreements(answers) == {}
    for name, by_reader in answers.items():
        assert set(by_reader) == set(READERS)
        assert by_reader["recurring-ical-events"], name


def test_summer_dates_keep_their_local_time_in_every_reader(client, city):
    calendars = fetch_all(client, city)
    seen = all_readers({"quarter": calendars["quarter"]}, *WINDOW)["quarter"]
    uid = city["events"]["weekly"].uid
    for reader, occurrences in seen.items():
        starts = {start for found_uid, start, _, _ in occurrences if found_uid == uid}
        assert "2027-01-12T17:00:00Z" in starts and "2027-07-06T16:00:00Z" in starts, reader
        assert "2028-10-31T17:00:00Z" in starts and "2028-03-28T16:00:00Z" in starts, reader
        # moved from Tuesday 13 July to Thursday 15 July 16:00; 3 August cancelled
        assert "2027-07-13T16:00:00Z" not in starts and "2027-08-03T16:00:00Z" not in starts
        moved = {(start, end) for found_uid, start, end, _ in occurrences
                 if found_uid == date_uid(uid, date(2027, 7, 13))}
        assert moved == {("2027-07-15T14:00:00Z", "2027-07-15T16:00:00Z")}, reader


def test_all_day_dates_stay_on_their_days_in_every_reader(client, city):
    calendars = fetch_all(client, city)
    seen = all_readers({"quarter": calendars["quarter"]}, *WINDOW)["quarter"]
    market, days = city["events"]["market"].uid, city["events"]["days"].uid
    for reader, occurrences in seen.items():
        assert (days, "2027-09-10", "2027-09-13", "CONFIRMED") in occurrences, reader
        market_days = sorted(start for uid, start, _, _ in occurrences
                             if uid == market or uid.startswith(market.split("@")[0]))
        assert "2027-07-10" in market_days and "2027-07-03" not in market_days, reader
        assert "2027-08-07" not in market_days and len(market_days) == 11, reader


@pytest.fixture(scope="module")
def radicale(tmp_path_factory):
    """A Radicale CalDAV server on loopback, any password accepted, storage in a temp folder."""
    port = _free_port()
    folder = tmp_path_factory.mktemp("radicale")
    server = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{port}",
         "--storage-filesystem-folder", str(folder), "--auth-type", "none",
         "--rights-type", "authenticated", "--logging-level", "error"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("OPTIONS", "/")
                connection.getresponse().read()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "Radicale did not start"
                time.sleep(0.1)
        yield connection
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_radicale_stores_every_calendar_and_expands_it_to_the_same_instants(client, city,
                                                                          radicale, database):
    auth = {"Authorization": "Basic " + base64.b64encode(
        f"{RADICALE_USER}:secret".encode()).decode()}
    for name, text in fetch_all(client, city).items():
        collection = f"{database['kind']}-{name.replace(' ', '-')}"
        expanded = by_radicale(radicale, auth, collection, text, *WINDOW)
        assert expanded == by_recurring_ical_events(text, *WINDOW), name


def test_a_cancelled_date_is_left_out_with_its_reason_told_in_the_series(client, city):
    text = fetch_all(client, city)["quarter"]
    unfolded = text.replace("\r\n ", "")
    assert "EXDATE;TZID=Europe/Berlin:20270803T180000" in unfolded
    assert "Sommerpause" in unfolded and "RECURRENCE-ID" not in unfolded


def _series(*extra: str) -> str:
    """A weekly series of four Tuesdays from 6 July 2027 plus `extra` lines or components."""
    from meetingplaces.calendar.ics import vtimezone

    lines = [line for line in extra if not line.startswith("BEGIN:VEVENT")]
    components = [part for part in extra if part.startswith("BEGIN:VEVENT")]
    master = ("BEGIN:VEVENT\r\nUID:s@test\r\nDTSTAMP:20270101T000000Z\r\n"
              "DTSTART;TZID=Europe/Berlin:20270706T180000\r\n"
              "DTEND;TZID=Europe/Berlin:20270706T200000\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\n"
              + "".join(line + "\r\n" for line in lines) + "SUMMARY:S\r\nEND:VEVENT\r\n")
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//EN\r\n"
            + vtimezone("Europe/Berlin", 2027) + master + "".join(components)
            + "END:VCALENDAR\r\n")


def _override(uid: str, start: str, end: str, *lines: str) -> str:
    return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20270101T000000Z\r\n"
            + "".join(line + "\r\n" for line in lines)
            + f"DTSTART;TZID=Europe/Berlin:{start}\r\nDTEND;TZID=Europe/Berlin:{end}\r\n"
            "SUMMARY:S\r\nEND:VEVENT\r\n")


def test_why_we_leave_dates_out_with_exdate_and_never_override_them():
    """The experiment behind calendar/ics.py's one form: the readers agree on EXDATE and on
    events of their own, and disagree on every override with RECURRENCE-ID."""
    exdate = "EXDATE;TZID=Europe/Berlin:20270713T180000"
    recurrence_id = "RECURRENCE-ID;TZID=Europe/Berlin:20270713T180000"
    forms = {
        "cancel: EXDATE": _series(exdate),
        "move: EXDATE + own UID": _series(exdate, _override(
            "s-20270713@test", "20270715T160000", "20270715T180000", "RELATED-TO:s@test")),
        "cancel: override STATUS:CANCELLED": _series(_override(
            "s@test", "20270713T180000", "20270713T200000", recurrence_id, "STATUS:CANCELLED")),
        "move: override": _series(_override(
            "s@test", "20270715T160000", "20270715T180000", recurrence_id)),
    }
    differ = disagreements(all_readers(forms, *WINDOW))
    assert set(differ) == {"cancel: override STATUS:CANCELLED", "move: override"}
    # Home Assistant's `ical` shows the overridden date as well as the override.
    assert set(differ["move: override"]) == {"ical"}
    assert differ["move: override"]["ical"]["extra"] == [
        ("s@test", "2027-07-13T16:00:00Z", "2027-07-13T18:00:00Z", "CONFIRMED")]
