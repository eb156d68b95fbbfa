"""The VTIMEZONE every calendar we write carries: read back the same by every reader."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject

from meetingplaces.calendar import ics, zones

from .events_factories import (  # noqa: F401
    NOW,
    event,
    local,
    ostersbaum_fixture,
    ostersbaum_manager_fixture,
)
from .ics_readers import by_recurring_ical_events, by_vobject


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


def test_vobject_reads_a_weekly_event_at_its_local_time_in_summer_too(client, session, manager,
                                                                      quarter):
    event(session, manager, quarter, title="Sprachcafé", rrule="FREQ=WEEKLY;BYDAY=TU",
          starts_at=local(2027, 1, 5, 18), ends_at=local(2027, 1, 5, 20))
    text = client.get("/quarters/ostersbaum/calendar.ics").get_data(as_text=True)
    window = datetime(2027, 1, 1, tzinfo=UTC), datetime(2029, 1, 1, tzinfo=UTC)
    seen = by_vobject(text, *window)
    summer = {item for item in seen if item[1].startswith("2028-07")}
    assert summer and {item[1][11:] for item in summer} == {"16:00:00Z"}
    assert seen == by_recurring_ical_events(text, *window)


def test_berlin_is_written_as_its_last_sunday_rules_with_correct_onsets_and_no_end():
    text = ics.vtimezone("Europe/Berlin", 2027)
    assert text.count("BEGIN:DAYLIGHT") == text.count("BEGIN:STANDARD") == 1
    daylight = text[text.index("BEGIN:DAYLIGHT"):text.index("END:DAYLIGHT")]
    standard = text[text.index("BEGIN:STANDARD"):text.index("END:STANDARD")]
    # The onset is the wall-clock time on the old offset: 02:00 +01:00 and 03:00 +02:00.
    assert "DTSTART:19700329T020000" in daylight and "TZOFFSETFROM:+0100" in daylight
    assert "TZOFFSETTO:+0200" in daylight and "TZNAME:CEST" in daylight
    assert "DTSTART:19701025T030000" in standard and "TZOFFSETFROM:+0200" in standard
    assert "TZOFFSETTO:+0100" in standard
    for part, month in ((daylight, "3"), (standard, "10")):
        rule = next(line for line in part.splitlines() if line.startswith("RRULE:"))
        assert set(rule[6:].split(";")) == {"FREQ=YEARLY", f"BYMONTH={month}", "BYDAY=-1SU"}
    assert "RDATE" not in text and "UNTIL" not in text


def _offsets_read_back(tzid: str, since_year: int, last_year: int) -> list:
    """Every changeover of the zone database, checked a second before and after in the
    VTIMEZONE as vobject (dateutil) reads it: the differences found."""
    text = ics.vtimezone(tzid, since_year)
    read = vobject.readOne(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{text}END:VCALENDAR\r\n")
    written, zone = read.vtimezone.gettzinfo(), ZoneInfo(tzid)
    wrong = []
    for changeover in zones.changeovers(zone, since_year, last_year):
        for step in (timedelta(seconds=-1), timedelta(seconds=1)):
            instant = changeover.at + step
            if instant.astimezone(written).utcoffset() != instant.astimezone(zone).utcoffset():
                wrong.append(instant)
    return wrong


@pytest.mark.parametrize(("tzid", "since_year"), [
    ("Europe/Berlin", 2027), ("Europe/Berlin", 1985), ("America/New_York", 2000),
    ("Australia/Sydney", 2020), ("Europe/Kyiv", 2020)])
def test_every_changeover_of_the_zone_database_is_in_the_written_zone(tzid, since_year):
    assert zones.changeovers(ZoneInfo(tzid), since_year, 2060)
    assert _offsets_read_back(tzid, since_year, 2060) == []


def test_changeovers_before_the_current_rule_are_written_only_when_a_calendar_reaches_back():
    assert "19800406" not in ics.vtimezone("Europe/Berlin", 2027)
    historic = ics.vtimezone("Europe/Berlin", 1985)
    # 1985-1995 Berlin went back in September: one component each, then the rules from 1996.
    assert "DTSTART:19850929T030000" in historic
    assert "DTSTART:19960331T020000\r\nRRULE:" in historic
    assert "DTSTART:19961027T030000\r\nRRULE:" in historic


def test_a_zone_without_daylight_saving_has_one_fixed_offset():
    text = ics.vtimezone("Asia/Kolkata", 2027)
    assert text.count("BEGIN:STANDARD") == 1 and "DAYLIGHT" not in text
    assert "TZOFFSETFROM:+0530" in text and "TZOFFSETTO:+0530" in text


def test_a_zone_without_a_yearly_rule_gets_one_component_per_changeover():
    text = ics.vtimezone("Africa/Casablanca", 2027)
    changes = zones.changeovers(ZoneInfo("Africa/Casablanca"), 2027, 2040)
    assert "RRULE" not in text and "RDATE" not in text
    for changeover in changes:
        assert f"DTSTART:{changeover.local_onset:%Y%m%dT%H%M%S}" in text


def test_every_calendar_we_write_carries_the_same_zone(client, session, manager, quarter):
    written = event(session, manager, quarter, title="Sprachcafé")
    zone_text = ics.vtimezone("Europe/Berlin", 2027)
    for url in ("/quarters/ostersbaum/calendar.ics", "/calendar.ics",
                f"/events/{written.id}/calendar.ics"):
        text = client.get(url).get_data(as_text=True)
        assert zone_text in text, url
        assert text.count("BEGIN:VTIMEZONE") == 1
