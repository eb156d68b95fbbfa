"""Issue 12, failure 1: on SQLite (the default) several server processes must never answer
500 "database is locked": every transaction that may write takes the write lock before it
reads, and no GET writes. The same requests run on PostgreSQL."""

from datetime import date, timedelta

import pytest
import requests

from .booking_factories import city_fixture, token_for  # noqa: F401
from .live_server import gunicorn, server_log

pytestmark = pytest.mark.slow
BOOKINGS = 40


def test_sequential_bookings_from_two_worker_processes_never_fail(session, city, database,
                                                                   tmp_path):
    headers = token_for(session, city.member)
    first = date(2027, 1, 11)
    statuses = []
    with gunicorn(database, tmp_path, workers=2) as base, requests.Session() as http:
        for number in range(BOOKINGS):
            day = (first + timedelta(days=number)).isoformat()
            response = http.post(f"{base}/api/v1/bookings", headers=headers, timeout=30, json={
                "resource_ids": [city.room.id], "starts_at": f"{day}T18:00",
                "ends_at": f"{day}T20:00", "title": f"Kurs {number}", "attendees": 5})
            statuses.append(response.status_code)
            # a reader in between, while the other process may still be writing
            statuses.append(http.get(f"{base}/api/v1/me", headers=headers,
                                     timeout=30).status_code)
    assert statuses == [201, 200] * BOOKINGS, server_log(tmp_path)[-3000:]
    assert "database is locked" not in server_log(tmp_path)


def test_a_quarter_feed_read_between_edits_in_another_process_never_fails(
        session, make, database, tmp_path):
    from .events_factories import event

    quarter = make.quarter(slug="ostersbaum")
    manager = make.manager(quarter)
    cafe = event(session, manager, quarter, title="Café")
    headers = token_for(session, manager)
    statuses = []
    with gunicorn(database, tmp_path, workers=2) as base, requests.Session() as http:
        for number in range(15):
            statuses.append(http.patch(f"{base}/api/v1/events/{cafe.id}", headers=headers,
                                       json={"title": f"Café {number}"}, timeout=30).status_code)
            feed = http.get(f"{base}/quarters/ostersbaum/calendar.ics", timeout=30)
            statuses.append(feed.status_code)
            assert f"Café {number}" in feed.text or feed.status_code != 200
    assert statuses == [200, 200] * 15, server_log(tmp_path)[-3000:]
