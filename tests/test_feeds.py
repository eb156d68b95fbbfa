"""The iCalendar feeds, parsed back with icalendar and expanded with recurring-ical-events."""

import re
import subprocess
import sys
from datetime import date, datetime, timedelta

import icalendar
import pytest
import recurring_ical_events

from meetingplaces import create_app
from meetingplaces.calendar.ics import date_uid
from meetingplaces.events import (
    cancel_event,
    cancel_occurrence,
    move_occurrence,
    update_event,
)
from meetingplaces.extensions import db
from meetingplaces.web.feeds import is_public_feed

from .events_factories import (  # noqa: F401
    BERLIN,
    NOW,
    event,
    local,
    ostersbaum_fixture,
    ostersbaum_manager_fixture,
)
from .manage_factories import facility_form, organisation_form, quarter_form


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


def fetch(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    return response, icalendar.Calendar.from_ical(response.data)


def starts_between(calendar, start, end):
    return sorted(o["DTSTART"].dt for o in recurring_ical_events.of(calendar).between(start, end))


def weekly_tuesday(session, manager, quarter, **fields):
    return event(session, manager, quarter, title="Sprachcafé", rrule="FREQ=WEEKLY;BYDAY=TU",
                 starts_at=local(2027, 3, 2, 18), ends_at=local(2027, 3, 2, 20), **fields)


def test_weekly_tuesday_stays_at_six_pm_local_across_both_clock_changes(client, session,
                                                                        manager, quarter):
    weekly_tuesday(session, manager, quarter)
    _, calendar = fetch(client, "/quarters/ostersbaum/calendar.ics")
    starts = starts_between(calendar, (2027, 3, 16), (2027, 11, 10))
    around_changes = [s for s in starts if s.date() in (
        date(2027, 3, 23), date(2027, 3, 30), date(2027, 10, 26), date(2027, 11, 2))]
    assert len(around_changes) == 4
    assert {s.astimezone(BERLIN).hour for s in starts} == {18}
    assert {s.astimezone(BERLIN).weekday() for s in starts} == {1}
    assert {s.utcoffset() for s in around_changes} == {timedelta(hours=1), timedelta(hours=2)}


def test_rrule_and_exdate_are_written_in_local_time_with_tzid(client, session, manager, quarter):
    weekly_tuesday(session, manager, quarter, exdates=["2027-04-06"])
    text = client.get("/quarters/ostersbaum/calendar.ics").get_data(as_text=True)
    assert "DTSTART;TZID=Europe/Berlin:20270302T180000" in text
    assert "EXDATE;TZID=Europe/Berlin:20270406T180000" in text
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Berlin" in text


def test_a_cancelled_date_is_gone_after_expansion(client, session, manager, quarter):
    series = weekly_tuesday(session, manager, quarter)
    cancel_occurrence(session, series, date(2027, 3, 30), actor=manager, now=NOW, reason="Regen")
    session.commit()
    _, calendar = fetch(client, "/quarters/ostersbaum/calendar.ics")
    days = [s.date() for s in starts_between(calendar, (2027, 3, 20), (2027, 4, 10))]
    assert days == [date(2027, 3, 23), date(2027, 4, 6)]


def test_a_moved_date_appears_once_at_its_new_time(client, session, manager, quarter):
    series = weekly_tuesday(session, manager, quarter)
    move_occurrence(session, series, date(2027, 3, 30), actor=manager, now=NOW,
                    starts_at=local(2027, 4, 1, 16), ends_at=local(2027, 4, 1, 18))
    session.commit()
    _, calendar = fetch(client, "/quarters/ostersbaum/calendar.ics")
    starts = starts_between(calendar, (2027, 3, 20), (2027, 4, 10))
    assert [s.astimezone(BERLIN).replace(tzinfo=None) for s in starts] == [
        datetime(2027, 3, 23, 18), datetime(2027, 4, 1, 16), datetime(2027, 4, 6, 18)]
    # The one form every reader agrees on: the series leaves the date out, and the moved date
    # is an event of its own, related to the series (tests/test_calendar_interop.py).
    text = client.get("/quarters/ostersbaum/calendar.ics").get_data(as_text=True)
    assert "EXDATE;TZID=Europe/Berlin:20270330T180000" in text
    assert "RECURRENCE-ID" not in text
    [moved] = [c for c in calendar.walk("VEVENT") if "RELATED-TO" in c]
    assert str(moved["UID"]) == date_uid(series.uid, date(2027, 3, 30))
    assert str(moved["RELATED-TO"]) == series.uid


def test_an_edit_keeps_the_uid_and_raises_the_sequence(client, session, manager, quarter):
    single = event(session, manager, quarter)
    _, before = fetch(client, "/quarters/ostersbaum/calendar.ics")
    update_event(session, single, actor=manager, now=NOW + timedelta(hours=1),
                 starts_at=local(2027, 1, 12, 19), ends_at=local(2027, 1, 12, 21))
    session.commit()
    _, after = fetch(client, "/quarters/ostersbaum/calendar.ics")
    [old] = before.walk("VEVENT")
    [new] = after.walk("VEVENT")
    assert new["UID"] == old["UID"] == single.uid
    assert new["SEQUENCE"] > old["SEQUENCE"]
    assert new["LAST-MODIFIED"].dt > old["LAST-MODIFIED"].dt


def test_an_edit_no_guest_would_notice_keeps_the_sequence(session, manager, quarter):
    single = event(session, manager, quarter)
    update_event(session, single, actor=manager, now=NOW, title=single.title)
    session.commit()
    assert single.sequence == 0


TRICKY_TITLE = "Café, Tee; Kuchen 🎉 مقهى اللغة"
TRICKY_TEXT = "Erste Zeile, mit Komma; Semikolon\nZweite Zeile 👋\n\nمرحبا بكم في المقهى"


def test_commas_semicolons_newlines_emoji_and_arabic_survive(client, session, manager, quarter):
    event(session, manager, quarter, title=TRICKY_TITLE, description=TRICKY_TEXT,
          translations={"ar": {"title": "مقهى اللغة، للجميع؛ 🎉", "description": "سطر\nسطر"}})
    _, calendar = fetch(client, "/quarters/ostersbaum/calendar.ics")
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == TRICKY_TITLE
    assert str(vevent["DESCRIPTION"]).startswith(
        "Erste Zeile, mit Komma; Semikolon\nZweite Zeile 👋\n\nمرحبا بكم في المقهى")
    _, arabic = fetch(client, "/quarters/ostersbaum/calendar.ics?lang=ar")
    [vevent] = arabic.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "مقهى اللغة، للجميع؛ 🎉"
    assert str(vevent["DESCRIPTION"]).startswith("سطر\nسطر")


def test_all_day_event_over_three_days_lands_on_those_three_days(client, session, manager,
                                                                  quarter):
    event(session, manager, quarter, title="Stadtteilfest", start_date=date(2027, 5, 14),
          end_date=date(2027, 5, 16), category="festival")
    response, calendar = fetch(client, "/quarters/ostersbaum/calendar.ics")
    assert "DTSTART;VALUE=DATE:20270514" in response.get_data(as_text=True)
    assert "DTEND;VALUE=DATE:20270517" in response.get_data(as_text=True)
    on = {day: len(recurring_ical_events.of(calendar).at((2027, 5, day))) for day in range(13, 18)}
    assert on == {13: 0, 14: 1, 15: 1, 16: 1, 17: 0}


def test_event_ending_at_midnight_stays_on_its_day(client, session, manager, quarter):
    event(session, manager, quarter, title="Filmabend", starts_at=local(2027, 5, 20, 21),
          ends_at=local(2027, 5, 21, 0), category="film_night")
    _, calendar = fetch(client, "/quarters/ostersbaum/calendar.ics")
    assert len(recurring_ical_events.of(calendar).at((2027, 5, 20))) == 1
    assert len(recurring_ical_events.of(calendar).at((2027, 5, 21))) == 0


def test_repeated_request_gets_304_and_an_edit_a_new_etag(client, session, manager, quarter):
    single = event(session, manager, quarter)
    first, _ = fetch(client, "/quarters/ostersbaum/calendar.ics")
    assert first.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "max-age" in first.headers["Cache-Control"]
    etag = first.headers["ETag"]
    again = client.get("/quarters/ostersbaum/calendar.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    since = client.get("/quarters/ostersbaum/calendar.ics",
                       headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    update_event(session, single, actor=manager, now=NOW + timedelta(minutes=5), title="Neu")
    session.commit()
    after = client.get("/quarters/ostersbaum/calendar.ics", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["ETag"] != etag
    assert b"SUMMARY:Neu" in after.data


def test_if_none_match_lists_weak_tags_and_star_all_match(client, session, manager, quarter):
    event(session, manager, quarter)
    first, _ = fetch(client, "/quarters/ostersbaum/calendar.ics")
    etag = first.headers["ETag"]
    for header, status in ((f'W/{etag}', 304), (f'"0000", {etag}', 304), ("*", 304),
                           ('"0000"', 200), (etag[:-2] + '"', 200), ("", 200)):
        response = client.get("/quarters/ostersbaum/calendar.ics",
                              headers={"If-None-Match": header})
        assert response.status_code == status, header
    not_modified = client.get("/quarters/ostersbaum/calendar.ics",
                              headers={"If-None-Match": etag})
    assert not_modified.headers["ETag"] == etag
    assert not_modified.headers["Cache-Control"] == first.headers["Cache-Control"]


LIMITED_APP = """
import sys
from meetingplaces import create_app
from meetingplaces.calendar.ics import date_uid
from meetingplaces.extensions import db
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "x",
                  "RATELIMIT_DEFAULT": "2 per minute", "RATELIMIT_STORAGE_URI": "memory://"})
with app.app_context():
    db.create_all()
client = app.test_client()
print([client.get("/calendar.ics").status_code for _ in range(4)],
      [client.get("/").status_code for _ in range(3)])
"""


def test_calendar_apps_polling_a_feed_are_never_rate_limited(tmp_path):
    """Residents of a shelter share one client address; even a default limit that an operator
    sets leaves the feeds alone. In its own process: the limiter's defaults are process-wide."""
    result = subprocess.run(
        [sys.executable, "-c", LIMITED_APP, f"sqlite:///{tmp_path / 'limited.sqlite'}"],
        capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.split("] [") == ["[200, 200, 200, 200", "200, 200, 429]\n"]


def test_another_worker_process_serves_the_change_at_once(app, client, session, manager,
                                                          quarter):
    """Two apps on one database stand for two workers: the version lives in the database."""
    single = event(session, manager, quarter)
    fetch(client, "/quarters/ostersbaum/calendar.ics")
    other = create_app({**app.config, "FIXED_NOW": NOW})
    other_client = other.test_client()
    with other.app_context():
        assert b"Sprachcaf" in other_client.get("/quarters/ostersbaum/calendar.ics").data
    update_event(session, single, actor=manager, now=NOW, title="Umbenannt")
    session.commit()
    with other.app_context():
        assert b"SUMMARY:Umbenannt" in other_client.get("/quarters/ostersbaum/calendar.ics").data
        db.session.remove()
        db.engine.dispose()


def test_calendar_properties_are_all_there(client, session, manager, quarter, make):
    facility = make.facility(quarter, name="Alte Feuerwache", latitude=51.26, longitude=7.15)
    event(session, manager, quarter, facility=facility)
    _, calendar = fetch(client, "/quarters/ostersbaum/calendar.ics")
    for name in ("PRODID", "VERSION", "CALSCALE", "METHOD", "X-WR-CALNAME", "X-WR-TIMEZONE",
                 "REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
        assert name in calendar, name
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-TIMEZONE"] == "Europe/Berlin"
    [vevent] = calendar.walk("VEVENT")
    for name in ("UID", "DTSTAMP", "CREATED", "LAST-MODIFIED", "SEQUENCE", "DTSTART", "DTEND",
                 "SUMMARY", "DESCRIPTION", "LOCATION", "GEO", "URL", "CATEGORIES", "STATUS"):
        assert name in vevent, name
    assert "Alte Feuerwache" in str(vevent["LOCATION"])
    assert str(vevent["URL"]).startswith("http://localhost.test/events/")
    assert "<" not in str(vevent["DESCRIPTION"])


def test_private_drafts_and_proposals_never_reach_a_public_feed(client, session, make, manager,
                                                                quarter):
    organisation = make.organisation(quarter, name="Nachbarschaftsverein")
    member = make.member(organisation, name="Erika Mustermann", email="erika@example.org")
    event(session, manager, quarter, title="Internes Teamtreffen", is_public=False)
    event(session, manager, quarter, title="Entwurf", submit=False)
    event(session, member, quarter, title="Vorschlag", organisation=organisation)
    for url in ("/quarters/ostersbaum/calendar.ics", "/calendar.ics"):
        text = client.get(url).get_data(as_text=True)
        assert "BEGIN:VEVENT" not in text
        assert "Erika" not in text and "erika@example.org" not in text


def test_published_proposal_shows_no_member_data(client, session, make, manager, quarter):
    from meetingplaces.events import approve_event

    organisation = make.organisation(quarter, name="Nachbarschaftsverein")
    member = make.member(organisation, name="Erika Mustermann", email="erika@example.org")
    proposal = event(session, member, quarter, title="Vorschlag", organisation=organisation)
    approve_event(session, proposal, actor=manager, now=NOW)
    session.commit()
    text = client.get("/quarters/ostersbaum/calendar.ics").get_data(as_text=True)
    assert "SUMMARY:Vorschlag" in text
    assert "Nachbarschaftsverein" in text
    assert "Erika" not in text and "erika@example.org" not in text


def test_cancelled_event_stays_thirty_days_as_cancelled_then_leaves(app, client, session,
                                                                     manager, quarter):
    single = event(session, manager, quarter, starts_at=local(2027, 6, 1, 18),
                   ends_at=local(2027, 6, 1, 20))
    cancel_event(session, single, actor=manager, now=NOW, reason="Krankheit")
    session.commit()
    _, calendar = fetch(client, "/quarters/ostersbaum/calendar.ics")
    [vevent] = calendar.walk("VEVENT")
    assert vevent["STATUS"] == "CANCELLED"
    assert vevent["SEQUENCE"] == 1
    app.config["FIXED_NOW"] = NOW + timedelta(days=29)
    assert b"STATUS:CANCELLED" in client.get("/quarters/ostersbaum/calendar.ics").data
    app.config["FIXED_NOW"] = NOW + timedelta(days=31)
    assert b"BEGIN:VEVENT" not in client.get("/quarters/ostersbaum/calendar.ics").data


def test_feeds_follow_the_window(app, client, session, manager, quarter):
    event(session, manager, quarter, title="Lange her", starts_at=local(2026, 6, 1, 18),
          ends_at=local(2026, 6, 1, 20))
    event(session, manager, quarter, title="Bald")
    text = client.get("/quarters/ostersbaum/calendar.ics").get_data(as_text=True)
    assert "SUMMARY:Bald" in text and "Lange her" not in text


def test_filters_by_category_and_audience(client, session, manager, quarter):
    event(session, manager, quarter, title="Café", category="cafe", target_groups=["everyone"])
    event(session, manager, quarter, title="Hausaufgaben", category="homework_help",
          target_groups=["children"])
    event(session, manager, quarter, title="Frauenfrühstück", category="cafe",
          target_groups=["women"])
    cafe = client.get("/quarters/ostersbaum/calendar.ics?category=cafe").get_data(as_text=True)
    assert "Hausaufgaben" not in cafe and "Frauenfr" in cafe
    children = client.get("/calendar.ics?audience=children").get_data(as_text=True)
    assert "Hausaufgaben" in children and "SUMMARY:Café" in children
    assert "Frauenfr" not in children
    assert client.get("/calendar.ics?category=nonsense").status_code == 400


def test_facility_feed_has_only_that_facilitys_events(client, session, make, manager, quarter):
    feuerwache = make.facility(quarter, slug="alte-feuerwache")
    other = make.facility(quarter)
    event(session, manager, quarter, title="In der Feuerwache", facility=feuerwache)
    event(session, manager, quarter, title="Anderswo", facility=other)
    text = client.get("/facilities/alte-feuerwache/calendar.ics").get_data(as_text=True)
    assert "In der Feuerwache" in text and "Anderswo" not in text
    assert client.get("/facilities/nowhere/calendar.ics").status_code == 404


def test_moving_an_event_to_another_quarter_updates_both_feeds(client, session, make, manager,
                                                               quarter):
    elsewhere = make.quarter(slug="hoehe")
    manager.managed_quarters.append(elsewhere)
    session.commit()
    single = event(session, manager, quarter, title="Wandert")
    etag = fetch(client, "/quarters/ostersbaum/calendar.ics")[0].headers["ETag"]
    update_event(session, single, actor=manager, now=NOW, quarter=elsewhere)
    session.commit()
    response = client.get("/quarters/ostersbaum/calendar.ics", headers={"If-None-Match": etag})
    assert response.status_code == 200 and b"Wandert" not in response.data
    assert b"Wandert" in client.get("/quarters/hoehe/calendar.ics").data


def _vevent(client, url):
    _, calendar = fetch(client, url)
    [vevent] = calendar.walk("VEVENT")
    return calendar, vevent


def test_renaming_a_facility_reaches_its_events_in_every_feed_at_once(
        browser, client, session, manager, quarter, make):
    facility = make.facility(quarter, name="Alte Feuerwache", address="Gathe 6, 42107 Wuppertal")
    event(session, manager, quarter, facility=facility)
    before = client.get("/quarters/ostersbaum/calendar.ics")
    _, old = _vevent(client, "/quarters/ostersbaum/calendar.ics")
    browser.login(manager.email)
    response = browser.post(f"/manage/facilities/{facility.id}/edit", facility_form(
        quarter, name="Stadtteilzentrum Feuerwache", slug=facility.slug,
        address="Gathe 8, 42107 Wuppertal", latitude="51.26", longitude="7.15"))
    assert response.status_code == 302
    again = client.get("/quarters/ostersbaum/calendar.ics",
                       headers={"If-None-Match": before.headers["ETag"]})
    assert again.status_code == 200, "the feed must not answer 304 after a rename"
    for url in ("/quarters/ostersbaum/calendar.ics", "/calendar.ics",
                f"/facilities/{facility.slug}/calendar.ics"):
        calendar, new = _vevent(client, url)
        assert str(new["LOCATION"]) == "Stadtteilzentrum Feuerwache, Gathe 8, 42107 Wuppertal"
        assert (new["GEO"].latitude, new["GEO"].longitude) == (51.26, 7.15)
        assert new["UID"] == old["UID"] and new["SEQUENCE"] > old["SEQUENCE"]
    assert str(calendar["X-WR-CALNAME"]) == "Stadtteilzentrum Feuerwache"


def test_changing_only_opening_hours_leaves_the_feeds_alone(browser, client, session, manager,
                                                            quarter, make):
    facility = make.facility(quarter, name="Alte Feuerwache", address="Gathe 6, 42107 Wuppertal")
    event(session, manager, quarter, facility=facility)
    etag = client.get("/quarters/ostersbaum/calendar.ics").headers["ETag"]
    browser.login(manager.email)
    assert browser.post(f"/manage/facilities/{facility.id}/edit", facility_form(
        quarter, name=facility.name, slug=facility.slug, address=facility.address,
        hours_2="10:00-12:00")).status_code == 302
    assert client.get("/quarters/ostersbaum/calendar.ics",
                      headers={"If-None-Match": etag}).status_code == 304


def test_renaming_a_quarter_renames_its_calendar(browser, client, session, manager, quarter):
    event(session, manager, quarter)
    first, _ = fetch(client, "/quarters/ostersbaum/calendar.ics")
    browser.login(manager.email)
    assert browser.post(f"/manage/quarters/{quarter.id}/edit", quarter_form(
        name="Ostersbaum-Süd", slug="ostersbaum")).status_code == 302
    response, calendar = fetch(client, "/quarters/ostersbaum/calendar.ics",
                               **{"If-None-Match": first.headers["ETag"]})
    assert str(calendar["X-WR-CALNAME"]) == "Ostersbaum-Süd"


def test_renaming_an_organisation_renames_the_organiser_in_its_events(
        browser, client, session, manager, quarter, make):
    organisation = make.organisation(quarter, name="Sprachcafé Nordstadt e. V.")
    event(session, manager, quarter, organisation=organisation)
    hidden = event(session, manager, quarter, organisation=organisation, show_organiser=False,
                   title="Ohne Veranstalter")
    hidden_sequence = hidden.sequence
    browser.login(manager.email)
    assert browser.post(f"/manage/organisations/{organisation.id}/edit", organisation_form(
        quarter, name="Sprachcafé International", slug=organisation.slug)).status_code == 302
    _, calendar = fetch(client, "/quarters/ostersbaum/calendar.ics")
    descriptions = {str(v["SUMMARY"]): str(v["DESCRIPTION"]) for v in calendar.walk("VEVENT")}
    assert "Organiser: Sprachcafé International" in descriptions["Sprachcafé"]
    assert "Organiser" not in descriptions["Ohne Veranstalter"]
    session.refresh(hidden)
    assert hidden.sequence == hidden_sequence, "an event that does not name it is unchanged"


def test_switching_a_quarter_off_takes_its_events_out_of_the_city_feed(
        browser, client, session, manager, quarter, make):
    event(session, manager, quarter, title="Stadtteilfest")
    first = client.get("/calendar.ics")
    assert b"Stadtteilfest" in first.data
    browser.login(make.admin().email)
    assert browser.post(f"/manage/quarters/{quarter.id}/active",
                        {"active": "0", "confirmed": "yes"}).status_code \
        == 302
    after = client.get("/calendar.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and b"Stadtteilfest" not in after.data


def test_only_the_feeds_urls_skip_the_session(app):
    """The session is opened before Flask matches a view, so feeds are told by their path:
    it must name exactly the feeds blueprint's URLs."""
    for rule in app.url_map.iter_rules():
        path = rule.rule.replace("<slug>", "ostersbaum").replace("<int:event_id>", "1")
        path = re.sub(r"<[^>]+>", "x", path)
        assert is_public_feed(path) == (rule.endpoint.split(".")[0] == "feeds"), rule.rule


def test_a_feed_neither_reads_nor_sets_the_session_cookie(client, session, manager, quarter):
    event(session, manager, quarter)
    client.get("/?lang=ar")  # a page remembers the visitor's language in the session cookie
    remembered = client.get_cookie("session", domain="localhost.test").value
    for url, status in (("/quarters/ostersbaum/calendar.ics?lang=en", 200),
                        ("/quarters/unbekannt/calendar.ics?lang=uk", 404)):
        response = client.get(url)
        assert response.status_code == status
        assert "Set-Cookie" not in response.headers, url
        assert "Cookie" not in response.headers.get("Vary", "")
    assert client.get_cookie("session", domain="localhost.test").value == remembered
    page = client.get("/quarters/unbekannt?lang=uk")  # a page's error page does remember
    assert page.status_code == 404 and "Set-Cookie" in page.headers
