"""Attendance: recorded by the organiser, the stop's staff or a manager, on the web and in the
API; numbers checked; locked a month after the date except for managers (logged); a reminder
the day after, once."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from meetingplaces.events import cancel_occurrence
from meetingplaces.models import AuditEntry, OutboxMessage
from meetingplaces.models.reports import Attendance
from meetingplaces.rounds import StopInput, save_round
from meetingplaces.rounds.dates import assign_staff

from .booking_factories import SETTINGS, token_for
from .events_factories import BERLIN, event


def _today() -> date:
    return datetime.now(BERLIN).date()


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), BERLIN)


@dataclass
class Setting:
    quarter: object
    organisation: object
    organiser: object
    stranger: object
    manager: object
    course: object  # weekly from 42 days ago, 18-20, six dates


@pytest.fixture
def setting(session, make):
    quarter = make.quarter(slug="nordstadt", name="Nordstadt")
    organisation = make.organisation(quarter, name="Sprachcafé Nordstadt")
    organiser = make.member(organisation, role="admin")
    stranger = make.member(make.organisation(quarter))
    manager = make.manager(quarter)
    first = _today() - timedelta(days=42)
    course = event(session, manager, quarter, now=_at(first, 8) - timedelta(days=30),
                   title="Sprachcafé", organisation=organisation, starts_at=_at(first, 18),
                   ends_at=_at(first, 20), rrule="FREQ=WEEKLY;COUNT=8")
    return Setting(quarter, organisation, organiser, stranger, manager, course)


def _url(setting, days_ago: int) -> str:
    day = setting.course.starts_at.astimezone(BERLIN).date() + timedelta(days=42 - days_ago)
    return f"/api/v1/events/{setting.course.id}/occurrences/{day.isoformat()}/attendance"


def test_the_organiser_records_a_date_on_the_web_and_can_change_it(browser, session, setting):
    browser.login(setting.organiser.email)
    day = (_today() - timedelta(days=7)).isoformat()
    url = f"/attendance/events/{setting.course.id}/{day}"
    assert "Sprachcafé" in browser.get("/attendance/").get_data(as_text=True)
    response = browser.post(url, {"count": "14", "children": "4", "adults": "9",
                                  "first_visit": "2", "languages": ["ar", "de"],
                                  "note": "Neue Gesichter"})
    assert response.status_code == 302
    response = browser.post(url, {"count": "15", "children": "4", "adults": "9"})
    assert response.status_code == 302
    row = session.scalar(select(Attendance))
    assert (row.count, row.children, row.adults, row.first_visit, row.occurrence_date) == (
        15, 4, 9, None, date.fromisoformat(day))
    log = session.scalars(select(AuditEntry).where(AuditEntry.subject_type == "attendance")
                          .order_by(AuditEntry.id)).all()
    assert [entry.action for entry in log] == ["attendance_recorded"] * 2
    assert log[1].details["before"]["count"] == 14


def test_groups_adding_up_to_more_than_came_are_refused_and_the_input_kept(browser, setting):
    browser.login(setting.organiser.email)
    day = (_today() - timedelta(days=7)).isoformat()
    response = browser.post(f"/attendance/events/{setting.course.id}/{day}?lang=en",
                            {"count": "3", "children": "5", "note": "Regen"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The groups add up to more than the number who came." in html
    assert 'value="5"' in html and "Regen" in html


def test_members_of_another_organisation_may_not_record(browser, client, session, setting):
    browser.login(setting.stranger.email)
    day = (_today() - timedelta(days=7)).isoformat()
    assert browser.get(f"/attendance/events/{setting.course.id}/{day}").status_code == 403
    response = client.put(_url(setting, 7), json={"count": 3},
                          headers=token_for(session, setting.stranger))
    assert response.status_code == 403
    assert session.scalar(select(Attendance)) is None


@pytest.mark.parametrize(("body", "field"), [
    ({"count": 5, "groups": {"children": 4, "adults": 2}}, "groups"),
    ({"count": 5, "first_visit": 6}, "first_visit"),
    ({"count": -1}, "count"),
    ({"count": "viele"}, "count"),
    ({}, "count"),
    ({"count": 5, "groups": {"babies": 1}}, "groups"),
    ({"count": 5, "languages": ["klingon"]}, "languages"),
    ({"count": 5, "note": "x" * 501}, "note"),
    ({"count": 5, "name": "Frau M."}, "name"),
])
def test_the_api_names_the_field_of_bad_numbers(client, session, setting, body, field):
    response = client.put(_url(setting, 7), json=body,
                          headers=token_for(session, setting.organiser))
    assert response.status_code == 422
    assert any(name.split(".")[0] == field for name in response.get_json()["fields"])


def test_future_cancelled_and_unknown_dates_are_refused(client, session, setting):
    headers = token_for(session, setting.organiser)
    cancelled = _today() - timedelta(days=14)
    cancel_occurrence(session, setting.course, cancelled, actor=setting.manager,
                      now=datetime.now(UTC), reason="Krank")
    session.commit()
    assert client.put(_url(setting, -7), json={"count": 1}, headers=headers).status_code == 422
    assert client.put(_url(setting, 14), json={"count": 1}, headers=headers).status_code == 422
    assert client.put(_url(setting, 8), json={"count": 1}, headers=headers).status_code == 404
    assert client.put(f"/api/v1/events/999999/occurrences/{cancelled}/attendance",
                      json={"count": 1}, headers=headers).status_code == 404


def test_a_month_after_the_date_only_a_manager_corrects_and_it_is_logged(client, session,
                                                                          setting):
    organiser = client.put(_url(setting, 42), json={"count": 9},
                           headers=token_for(session, setting.organiser))
    assert organiser.status_code == 403
    manager = client.put(_url(setting, 42), json={"count": 9, "groups": {"seniors": 3}},
                         headers=token_for(session, setting.manager))
    assert manager.status_code == 200, manager.get_json()
    assert manager.get_json()["locked"] is True
    entry = session.scalar(select(AuditEntry).where(AuditEntry.subject_type == "attendance"))
    assert entry.action == "attendance_corrected" and entry.actor_id == setting.manager.id
    assert entry.details["after"]["seniors"] == 3
    fresh = client.put(_url(setting, 7), json={"count": 4},
                       headers=token_for(session, setting.organiser))
    assert fresh.status_code == 200 and fresh.get_json()["locked"] is False


def test_the_stops_staff_record_a_spielmobil_date_through_the_api(client, session, make,
                                                                  setting):
    van = make.mobile(setting.quarter, slug="spielmobil")
    staff = make.user(is_spielmobil_staff=True)
    other_staff = make.user(is_spielmobil_staff=True)
    day = _today() - timedelta(days=10)
    round_ = save_round(
        session, actor=setting.manager, resource=van, name="Frühjahr",
        season_start=day, season_end=day,
        stops=[StopInput(weekday=day.weekday(), local_start=time(15), local_end=time(17),
                         place_name="Markt", address="Markt 1", quarter=setting.quarter)],
        now=_at(day, 8) - timedelta(days=20), settings=SETTINGS)
    round_date = round_.stops[0].dates[0]
    assign_staff(session, actor=setting.manager, round_date=round_date, staff=[staff],
                 now=_at(day, 8) - timedelta(days=19), settings=SETTINGS)
    session.commit()
    url = f"/api/v1/rounds/{round_.id}/dates/{day.isoformat()}/attendance"
    body = {"count": 31, "groups": {"children": 24, "adults": 7}, "languages": ["de", "tr"]}
    assert client.put(url, json=body,
                      headers=token_for(session, other_staff)).status_code == 403
    response = client.put(url, json=body, headers=token_for(session, staff))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["round_date_id"] == round_date.id
    summary = client.get(f"/api/v1/reports/summary?quarter=nordstadt&from={day}&to={day}",
                         headers=token_for(session, setting.manager)).get_json()
    assert (summary["spielmobil_stops_held"], summary["spielmobil_children"]) == (1, 24)
    assert client.put(f"/api/v1/rounds/{round_.id}/dates/{_today()}/attendance",
                      json=body, headers=token_for(session, staff)).status_code == 404


def test_the_reminder_asks_the_organiser_the_day_after_once(runner, session, setting):
    yesterday = _today() - timedelta(days=1)
    late = event(session, setting.manager, setting.quarter, now=_at(yesterday, 8)
                 - timedelta(days=3), title="Nähcafé", organisation=setting.organisation,
                 starts_at=_at(yesterday, 10), ends_at=_at(yesterday, 12))
    today_event = event(session, setting.manager, setting.quarter, title="Heute",
                        now=_at(_today(), 0) - timedelta(days=3),
                        starts_at=_at(_today(), 0) + timedelta(minutes=5),
                        ends_at=_at(_today(), 0) + timedelta(minutes=35))
    result = runner.invoke(args=["attendance-reminders"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["attendance-reminders"])
    assert again.exit_code == 0, again.output
    mail = session.scalars(select(OutboxMessage)).all()
    about_late = [m for m in mail if "Nähcafé" in m.subject]
    assert [m.recipient for m in about_late] == [setting.organiser.email]
    assert f"/attendance/events/{late.id}/{yesterday.isoformat()}" in about_late[0].body
    assert about_late[0].quarter_id == setting.quarter.id, "its managers see it undelivered"
    assert not [m for m in mail if today_event.title in m.subject]
    # Dates more than a week old are not reminded any more (the course began six weeks ago).
    old = (_today() - timedelta(days=14)).isoformat()
    assert not [m for m in mail if old in m.subject]
