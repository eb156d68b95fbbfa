"""Public calendar pages and event pages: agenda, week, month, filters, add to calendar."""

import html
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest

from meetingplaces.events import cancel_event, cancel_occurrence, move_occurrence

from .events_factories import NOW, event, local, ostersbaum_fixture, ostersbaum_manager_fixture  # noqa: F401


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


def test_quarter_page_links_to_its_calendar(client, quarter):
    page = client.get("/quarters/ostersbaum").get_data(as_text=True)
    assert "/quarters/ostersbaum/calendar" in page


def test_agenda_lists_the_weeks_events_by_day(client, session, manager, quarter):
    event(session, manager, quarter, title="Sprachcafé")
    page = client.get("/quarters/ostersbaum/calendar?start=2027-01-10").get_data(as_text=True)
    assert "Sprachcafé" in page
    assert "webcal://localhost.test/quarters/ostersbaum/calendar.ics" in page
    assert "http://localhost.test/quarters/ostersbaum/calendar.ics" in page
    assert "iPhone" in page and "Outlook" in page and "Android" in page


@pytest.mark.parametrize("view", ["week", "month"])
def test_week_and_month_views_show_repeating_dates(client, session, manager, quarter, view):
    event(session, manager, quarter, title="Hausaufgabenhilfe", rrule="FREQ=WEEKLY",
          category="homework_help")
    page = client.get(f"/quarters/ostersbaum/calendar?view={view}&start=2027-01-18")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count("Hausaufgabenhilfe") >= 1


def test_cancelled_date_is_marked_on_the_page(client, session, manager, quarter):
    series = event(session, manager, quarter, title="Sprachcafé", rrule="FREQ=WEEKLY")
    cancel_occurrence(session, series, date(2027, 1, 19), actor=manager, now=NOW)
    session.commit()
    page = client.get("/quarters/ostersbaum/calendar?start=2027-01-18&view=week")
    assert "occurrence--cancelled" in page.get_data(as_text=True)


def test_filters_narrow_the_calendar(client, session, manager, quarter):
    event(session, manager, quarter, title="Kostenloses Café", category="cafe",
          languages=["ar"], step_free=True)
    event(session, manager, quarter, title="Teurer Workshop", category="workshop",
          is_free=False, cost="10 €")
    base = "/calendar?start=2027-01-10"
    assert "Teurer Workshop" not in client.get(base + "&free=1").get_data(as_text=True)
    assert "Teurer Workshop" not in client.get(base + "&language=ar").get_data(as_text=True)
    assert "Teurer Workshop" not in client.get(base + "&category=cafe").get_data(as_text=True)
    assert "Teurer Workshop" not in client.get(base + "&step_free=1").get_data(as_text=True)
    found = client.get(base + "&q=workshop").get_data(as_text=True)
    assert "Teurer Workshop" in found and "Kostenloses Café" not in found


def test_visitor_sees_their_language_and_german_where_none_exists(client, session, manager,
                                                                  quarter):
    event(session, manager, quarter, title="Sprachcafé",
          translations={"ar": {"title": "مقهى اللغة", "description": ""}})
    event(session, manager, quarter, title="Nur Deutsch")
    page = client.get("/calendar?start=2027-01-10&lang=ar").get_data(as_text=True)
    assert "مقهى اللغة" in page and "Nur Deutsch" in page


def test_html_in_a_description_never_reaches_the_page_unsanitised(client, session, manager,
                                                                  quarter):
    single = event(session, manager, quarter, title="<b>Fett</b>",
                   description="Hallo <script>alert(1)</script> <img src=x onerror=alert(2)> "
                               "[Link](javascript:alert(3)) **stark**")
    page = client.get(f"/events/{single.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "onerror" not in page
    assert "javascript:" not in page
    assert "<strong>stark</strong>" in page
    assert "&lt;b&gt;Fett&lt;/b&gt;" in page


def test_event_page_offers_ics_download_and_google_link(client, session, manager, quarter):
    single = event(session, manager, quarter, title="Filmabend", category="film_night")
    page = client.get(f"/events/{single.id}").get_data(as_text=True)
    assert f"/events/{single.id}/calendar.ics" in page
    assert "calendar.google.com/calendar/render?action=TEMPLATE" in page
    assert "dates=20270112T180000%2F20270112T200000" in page
    download = client.get(f"/events/{single.id}/calendar.ics")
    assert download.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in download.headers["Content-Disposition"]
    [vevent] = icalendar.Calendar.from_ical(download.data).walk("VEVENT")
    assert vevent["UID"] == single.uid


def google_link(page: str) -> dict | None:
    found = re.search(r'href="(https://calendar\.google\.com/calendar/render\?[^"]+)"', page)
    if found is None:
        return None
    return parse_qs(urlsplit(html.unescape(found.group(1))).query)


def test_google_link_keeps_the_whole_series_with_its_end_and_left_out_dates(
        client, session, manager, quarter):
    series = event(session, manager, quarter, title="Sprachcafé",
                   rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20270629", starts_at=local(2027, 1, 12, 18),
                   ends_at=local(2027, 1, 12, 20))
    cancel_occurrence(session, series, date(2027, 3, 30), actor=manager, now=NOW, reason="Regen")
    session.commit()
    link = google_link(client.get(f"/events/{series.id}").get_data(as_text=True))
    recur = link["recur"][0].split("\n")
    assert recur[0].startswith("RRULE:FREQ=WEEKLY") and "UNTIL=20270629T" in recur[0]
    assert recur[1:] == ["EXDATE;TZID=Europe/Berlin:20270330T180000"]
    assert link["ctz"] == ["Europe/Berlin"]
    counted = event(session, manager, quarter, title="Kurs", rrule="FREQ=WEEKLY;COUNT=8")
    link = google_link(client.get(f"/events/{counted.id}").get_data(as_text=True))
    assert "COUNT=8" in link["recur"][0]


def test_a_series_with_a_moved_date_offers_the_file_instead_of_a_google_link(
        client, session, manager, quarter):
    series = event(session, manager, quarter, title="Sprachcafé", rrule="FREQ=WEEKLY;COUNT=10")
    move_occurrence(session, series, date(2027, 1, 19), actor=manager, now=NOW,
                    starts_at=local(2027, 1, 20, 18), ends_at=local(2027, 1, 20, 20))
    session.commit()
    page = client.get(f"/events/{series.id}").get_data(as_text=True)
    assert google_link(page) is None
    assert f"/events/{series.id}/calendar.ics" in page and "(.ics)" in page


def test_a_cancelled_event_has_no_google_link(client, session, manager, quarter):
    single = event(session, manager, quarter, title="Filmabend")
    cancel_event(session, single, actor=manager, now=NOW, reason="Krank")
    session.commit()
    page = client.get(f"/events/{single.id}").get_data(as_text=True)
    assert "Filmabend" in page and google_link(page) is None


def test_private_and_unpublished_events_have_no_public_page(client, session, make, manager,
                                                            quarter):
    organisation = make.organisation(quarter)
    member = make.member(organisation)
    private = event(session, manager, quarter, title="Geheimsitzung", is_public=False)
    proposal = event(session, member, quarter, title="Vorschlag", organisation=organisation)
    assert client.get(f"/events/{private.id}").status_code == 404
    assert client.get(f"/events/{proposal.id}").status_code == 404
    assert client.get(f"/events/{proposal.id}/calendar.ics").status_code == 404
    assert "Geheimsitzung" not in client.get("/calendar?start=2027-01-10").get_data(as_text=True)


def test_facility_calendar_lists_its_upcoming_events(client, session, make, manager, quarter):
    feuerwache = make.facility(quarter, slug="alte-feuerwache", name="Alte Feuerwache")
    event(session, manager, quarter, title="Café in der Feuerwache", facility=feuerwache)
    assert "/facilities/alte-feuerwache/calendar" in client.get(
        "/facilities/alte-feuerwache").get_data(as_text=True)
    page = client.get("/facilities/alte-feuerwache/calendar?start=2027-01-10")
    assert "Café in der Feuerwache" in page.get_data(as_text=True)
    assert "webcal://localhost.test/facilities/alte-feuerwache/calendar.ics" in page.get_data(
        as_text=True)


def test_all_day_event_appears_on_each_of_its_days_in_week_view(client, session, manager,
                                                                 quarter):
    event(session, manager, quarter, title="Fest", start_date=date(2027, 1, 12),
          end_date=date(2027, 1, 14), category="festival")
    page = client.get("/calendar?view=week&start=2027-01-11").get_data(as_text=True)
    assert page.count(">Fest</a>") == 3


def test_midnight_end_does_not_spill_into_the_next_day(client, session, manager, quarter):
    event(session, manager, quarter, title="Spätfilm", starts_at=local(2027, 1, 12, 21),
          ends_at=local(2027, 1, 13, 0))
    page = client.get("/calendar?view=week&start=2027-01-11").get_data(as_text=True)
    assert page.count(">Spätfilm</a>") == 1


def test_demo_city_has_a_programme_in_its_calendars(client, runner, app):
    app.config.pop("FIXED_NOW")
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    page = client.get("/quarters/nordstadt/calendar?view=month").get_data(as_text=True)
    assert "Sprachcafé mit Kinderbetreuung" in page
    feed = client.get("/quarters/nordstadt/calendar.ics").get_data(as_text=True)
    assert "RRULE:FREQ=WEEKLY" in feed and "Fahrradwerkstatt" not in feed


def test_demo_spielmobil_round_stands_in_its_quarters_feeds(client, runner, app):
    app.config.pop("FIXED_NOW")
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    feed = icalendar.Calendar.from_ical(
        client.get("/quarters/wichlinghausen-oberbarmen/calendar.ics").data
    )
    stops = [e for e in feed.walk("VEVENT") if "Wichlinghauser Markt" in str(e["SUMMARY"])
             + str(e.get("LOCATION", ""))]
    assert stops and "RRULE" in stops[0]
    assert client.get("/resources/spielmobil/calendar.ics").status_code == 200
