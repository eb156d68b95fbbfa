"""Closures are typed in the city's wall-clock time and stored as UTC instants."""

from datetime import UTC, datetime

from meetingplaces.models import Closure

from .manage_factories import closure


def test_facility_closure_in_local_time_is_stored_in_utc(browser, make, session):
    quarter = make.quarter()
    facility = make.facility(quarter)
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/facilities/{facility.id}/closures/new",
        {"local_start": "2030-12-24T00:00", "local_end": "2031-01-02T08:00",
         "reason": "Weihnachtsferien"},
    )
    assert response.status_code == 302
    stored = session.query(Closure).one()
    assert stored.facility_id == facility.id and stored.resource_id is None
    assert stored.starts_at == datetime(2030, 12, 23, 23, 0, tzinfo=UTC)
    assert stored.ends_at == datetime(2031, 1, 2, 7, 0, tzinfo=UTC)


def test_summer_closure_of_a_room_uses_summer_time(browser, make, session):
    quarter = make.quarter()
    room = make.room(make.facility(quarter))
    browser.login(make.manager(quarter).email)
    browser.post(
        f"/manage/resources/{room.id}/closures/new",
        {"local_start": "2030-07-01T08:00", "local_end": "2030-07-01T12:00", "reason": ""},
    )
    stored = session.query(Closure).one()
    assert stored.resource_id == room.id
    assert stored.starts_at == datetime(2030, 7, 1, 6, 0, tzinfo=UTC)


def test_end_before_start_is_refused_and_the_typed_times_stay(browser, make, session):
    quarter = make.quarter()
    facility = make.facility(quarter)
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/facilities/{facility.id}/closures/new",
        {"local_start": "2030-08-10T18:00", "local_end": "2030-08-10T09:00",
         "reason": "Renovierung"},
        headers={"Accept-Language": "en"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="local_end-error"' in html and "The end must be after the start." in html
    assert 'value="2030-08-10T18:00"' in html and 'value="2030-08-10T09:00"' in html
    assert 'value="Renovierung"' in html
    assert session.query(Closure).count() == 0


def test_a_time_skipped_by_the_clock_change_is_refused(browser, make, session):
    quarter = make.quarter()
    facility = make.facility(quarter)
    browser.login(make.manager(quarter).email)
    # 28 March 2027: clocks in Berlin jump from 02:00 to 03:00.
    response = browser.post(
        f"/manage/facilities/{facility.id}/closures/new",
        {"local_start": "2027-03-28T02:30", "local_end": "2027-03-28T12:00"},
        headers={"Accept-Language": "en"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="local_start-error"' in html and "does not exist on" in html
    assert session.query(Closure).count() == 0


def test_a_time_that_happens_twice_takes_the_first(browser, make, session):
    quarter = make.quarter()
    facility = make.facility(quarter)
    browser.login(make.manager(quarter).email)
    # 27 October 2030: 02:00-03:00 happens twice in Berlin; the first time is still summer time.
    browser.post(
        f"/manage/facilities/{facility.id}/closures/new",
        {"local_start": "2030-10-27T02:30", "local_end": "2030-10-27T12:00"},
    )
    assert session.query(Closure).one().starts_at == datetime(2030, 10, 27, 0, 30, tzinfo=UTC)


def test_missing_or_malformed_dates_are_refused(browser, make):
    quarter = make.quarter()
    facility = make.facility(quarter)
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/facilities/{facility.id}/closures/new",
        {"local_start": "31.12.2030", "local_end": ""},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="local_start-error"' in html and 'id="local_end-error"' in html
    assert 'value="31.12.2030"' in html


def test_editing_a_closure_shows_local_times_and_saves_changes(browser, make, session):
    quarter = make.quarter()
    facility = make.facility(quarter)
    stored = closure(session, facility=facility,
                     starts_at=datetime(2030, 12, 23, 23, 0, tzinfo=UTC),
                     ends_at=datetime(2030, 12, 27, 23, 0, tzinfo=UTC))
    browser.login(make.manager(quarter).email)
    page = browser.get(f"/manage/closures/{stored.id}/edit").get_data(as_text=True)
    assert 'value="2030-12-24T00:00"' in page
    response = browser.post(
        f"/manage/closures/{stored.id}/edit",
        {"local_start": "2030-12-24T00:00", "local_end": "2030-12-31T00:00", "reason": "Ferien"},
    )
    assert response.status_code == 302
    session.expire_all()
    assert stored.ends_at == datetime(2030, 12, 30, 23, 0, tzinfo=UTC)
    assert stored.reason == "Ferien"


def test_removing_a_closure(browser, make, session):
    quarter = make.quarter()
    facility = make.facility(quarter)
    stored = closure(session, facility=facility)
    browser.login(make.manager(quarter).email)
    asked = browser.post(f"/manage/closures/{stored.id}/delete")
    assert asked.status_code == 200 and 'name="confirmed" value="yes"' in asked.get_data(
        as_text=True)
    assert session.query(Closure).count() == 1
    assert browser.post(f"/manage/closures/{stored.id}/delete",
                        {"confirmed": "yes"}).status_code == 302
    assert session.query(Closure).count() == 0


def test_manager_of_another_quarter_cannot_close_or_change_closures(browser, make, session):
    mine, theirs = make.quarter(), make.quarter()
    facility = make.facility(theirs)
    room = make.room(facility)
    stored = closure(session, resource=room, reason="Umbau")
    browser.login(make.manager(mine).email)
    data = {"local_start": "2030-01-01T00:00", "local_end": "2030-01-02T00:00"}
    assert browser.post(f"/manage/facilities/{facility.id}/closures/new", data).status_code == 403
    assert browser.post(f"/manage/resources/{room.id}/closures/new", data).status_code == 403
    assert browser.post(f"/manage/closures/{stored.id}/edit", data).status_code == 403
    assert browser.post(f"/manage/closures/{stored.id}/delete",
                        {"confirmed": "yes"}).status_code == 403
    session.expire_all()
    assert session.query(Closure).one().reason == "Umbau"
