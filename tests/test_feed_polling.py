"""What a calendar app polling our calendars pays: a 304 until the body really changes (not
every day), gzip when it accepts it, the same validators on per-event files and private
feeds, no cookies; and the calendar files' properties: feeds name themselves, single files
carry nothing feed-only, no stored name can break a feed."""

import gzip
from datetime import timedelta
from types import SimpleNamespace

import icalendar
import pytest

from meetingplaces.booking.feeds import renew_feed
from meetingplaces.events import update_event
from meetingplaces.rounds.calendars import new_staff_feed_token

from .booking_factories import book
from .events_factories import (  # noqa: F401
    NOW,
    event,
    local,
    ostersbaum_fixture,
    ostersbaum_manager_fixture,
)

FEED = "/quarters/ostersbaum/calendar.ics"


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


def at(app, moment):
    app.config["FIXED_NOW"] = moment


def test_an_unchanged_feed_keeps_etag_and_last_modified_on_the_following_days(
        app, client, session, manager, quarter):
    event(session, manager, quarter, starts_at=local(2027, 2, 9, 18), ends_at=local(2027, 2, 9, 20))
    first = client.get(FEED)
    for days in (1, 2, 30):
        at(app, NOW + timedelta(days=days))
        assert client.get(FEED, headers={"If-None-Match": first.headers["ETag"]}).status_code \
            == 304, days
        again = client.get(FEED)
        assert again.data == first.data
        assert again.headers["ETag"] == first.headers["ETag"]
        assert again.headers["Last-Modified"] == first.headers["Last-Modified"]


def test_a_feed_gets_new_validators_when_the_window_drops_an_event(
        app, client, session, manager, quarter):
    event(session, manager, quarter, title="Alt", starts_at=local(2027, 1, 5, 18),
          ends_at=local(2027, 1, 5, 20))
    event(session, manager, quarter, title="Neu", starts_at=local(2027, 9, 7, 18),
          ends_at=local(2027, 9, 7, 20))
    first = client.get(FEED)
    at(app, NOW + timedelta(days=app.config["FEED_PAST_DAYS"] + 3))
    later = client.get(FEED, headers={"If-None-Match": first.headers["ETag"]})
    assert later.status_code == 200 and b"SUMMARY:Alt" not in later.data
    assert later.headers["ETag"] != first.headers["ETag"]
    assert later.headers["Last-Modified"] != first.headers["Last-Modified"]


def test_an_edit_that_changes_the_feed_changes_its_validators(app, client, session, manager,
                                                               quarter):
    single = event(session, manager, quarter)
    first = client.get(FEED)
    update_event(session, single, actor=manager, now=NOW + timedelta(hours=1), title="Neu")
    session.commit()
    at(app, NOW + timedelta(hours=1))
    after = client.get(FEED, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert after.status_code == 200 and after.headers["ETag"] != first.headers["ETag"]


def test_a_feed_is_gzipped_when_the_client_accepts_it(client, session, manager, quarter):
    for n in range(5):
        event(session, manager, quarter, title=f"Sprachcafé {n}", rrule="FREQ=WEEKLY")
    plain = client.get(FEED)
    packed = client.get(FEED, headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2
    for response in (plain, packed):
        assert response.headers["Vary"] == "Accept-Encoding"
    assert packed.headers["ETag"] != plain.headers["ETag"]
    # Either tag names the same body: a client switching encodings still gets its 304.
    for tag, encoding in ((plain.headers["ETag"], "gzip"), (packed.headers["ETag"], "")):
        response = client.get(FEED, headers={"If-None-Match": tag, "Accept-Encoding": encoding})
        assert response.status_code == 304
    refused = client.get(FEED, headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers


def test_per_event_files_and_private_feeds_answer_304_too(client, session, make, manager,
                                                          quarter):
    single = event(session, manager, quarter)
    organisation = make.organisation(quarter)
    member = make.member(organisation)
    staff = make.user(is_spielmobil_staff=True)
    facility = make.facility(quarter)
    room = make.room(facility)
    book(session, SimpleNamespace(), actor=member, organisation=organisation,
         resources=[room], now=NOW)
    urls = [f"/events/{single.id}/calendar.ics",
            f"/bookings/feeds/{renew_feed(session, actor=member, thing=organisation, now=NOW)}"
            ".ics",
            f"/rounds/staff/{new_staff_feed_token(session, staff, NOW)}/calendar.ics"]
    session.commit()
    for url in urls:
        first = client.get(url)
        assert first.status_code == 200 and first.headers["ETag"], url
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", url
        packed = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert gzip.decompress(packed.data) == first.data, url
    assert "private" in client.get(urls[1]).headers["Cache-Control"]


def test_public_feeds_vary_by_encoding_only(client, session, make, manager, quarter):
    van = make.mobile(quarter, slug="spielmobil")
    event(session, manager, quarter)
    client.get("/?lang=ar")  # a page sets the session cookie
    for url in (FEED, "/calendar.ics", f"/resources/{van.slug}/calendar.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Vary"] == "Accept-Encoding", url
        assert "Set-Cookie" not in response.headers, url


def test_a_feed_names_itself_twice_and_a_single_file_not_at_all(client, session, manager,
                                                                quarter):
    single = event(session, manager, quarter)
    feed = icalendar.Calendar.from_ical(client.get(FEED).data)
    assert str(feed["NAME"]) == str(feed["X-WR-CALNAME"]) == "Ostersbaum"
    assert "REFRESH-INTERVAL" in feed
    one = icalendar.Calendar.from_ical(client.get(f"/events/{single.id}/calendar.ics").data)
    for feed_only in ("NAME", "X-WR-CALNAME", "REFRESH-INTERVAL", "X-PUBLISHED-TTL",
                      "X-WR-TIMEZONE"):
        assert feed_only not in one, feed_only
    assert len(one.walk("VEVENT")) == 1 and one.walk("VTIMEZONE")


def test_line_breaks_in_stored_names_never_break_a_calendar(client, session, make):
    """Issue 13: a line break in a quarter's or room's name. Names reach feeds as one line."""
    quarter = make.quarter(slug="ostersbaum", name="Oster\nbaum\r\nNord")
    facility = make.facility(quarter, slug="feuerwache", name="Alte\r\nFeuerwache")
    room = make.room(facility, name="Saal\n1")
    van = make.mobile(quarter, slug="spielmobil", name="Spiel\nmobil")
    organisation = make.organisation(quarter, name="Initiative\nNord")
    member = make.member(organisation)
    manager = make.manager(quarter)
    single = event(session, manager, quarter, facility=facility)
    book(session, SimpleNamespace(), actor=member, organisation=organisation,
         resources=[room], title="Kurs\nA", now=NOW)
    tokens = [renew_feed(session, actor=member, thing=organisation, now=NOW),
              renew_feed(session, actor=manager, thing=room, now=NOW)]
    session.commit()
    urls = [FEED, "/calendar.ics", "/facilities/feuerwache/calendar.ics",
            f"/resources/{van.slug}/calendar.ics", f"/events/{single.id}/calendar.ics",
            *(f"/bookings/feeds/{token}.ics" for token in tokens)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        calendar = icalendar.Calendar.from_ical(response.data)
        for name in ("NAME", "X-WR-CALNAME"):
            if name in calendar:
                assert "\n" not in str(calendar[name]) and "\r" not in str(calendar[name])
    assert str(icalendar.Calendar.from_ical(client.get(FEED).data)["NAME"]) == \
        "Oster baum Nord"
