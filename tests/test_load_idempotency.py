"""Issue 12, failure 4: a retried POST must not book twice. `Idempotency-Key` on the API's
creating routes, and a one-time key in the creating forms against a double submit."""

import re
import threading

import pytest
from sqlalchemy import func, select

from meetingplaces.models.bookings import Booking
from meetingplaces.models.events import Event
from meetingplaces.models.rounds import Round

from . import rounds_factories
from .booking_factories import NOW, city_fixture, token_for  # noqa: F401
from .booking_web_helpers import form_data
from .test_rounds_api import season

spielmobil = rounds_factories.spielmobil
REQUEST = {"starts_at": "2027-03-16T18:00", "ends_at": "2027-03-16T20:00", "title": "Deutschkurs",
           "attendees": 12}


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


@pytest.fixture
def waiting_room(session, city):
    """Requests for this room wait for approval, so a repeat would make a second booking."""
    city.room.approval_required = True
    session.commit()
    return city.room


def bookings(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(Booking))


def test_a_repeat_with_the_same_key_returns_the_first_answer_and_books_once(
        client, session, city, waiting_room):
    headers = {**token_for(session, city.member), "Idempotency-Key": "retry-7f3a"}
    body = {"resource_ids": [waiting_room.id], **REQUEST}
    first = client.post("/api/v1/bookings", headers=headers, json=body)
    again = client.post("/api/v1/bookings", headers=headers, json=dict(reversed(body.items())))
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert bookings(session) == 1


def test_the_same_key_with_another_body_is_refused(client, session, city, waiting_room):
    headers = {**token_for(session, city.member), "Idempotency-Key": "k1"}
    body = {"resource_ids": [waiting_room.id], **REQUEST}
    assert client.post("/api/v1/bookings", headers=headers, json=body).status_code == 201
    other = client.post("/api/v1/bookings", headers=headers, json={**body, "title": "Anders"})
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json["fields"]
    assert bookings(session) == 1


def test_keys_belong_to_their_user(client, session, make, city, waiting_room):
    other_member = make.member(city.organisation)
    body = {"resource_ids": [waiting_room.id], **REQUEST}
    for user in (city.member, other_member):
        headers = {**token_for(session, user), "Idempotency-Key": "same"}
        assert client.post("/api/v1/bookings", headers=headers, json=body).status_code == 201
    assert bookings(session) == 2


def test_a_refused_request_leaves_its_key_free_for_the_corrected_retry(
        client, session, city, waiting_room):
    headers = {**token_for(session, city.member), "Idempotency-Key": "fix-and-retry"}
    body = {"resource_ids": [waiting_room.id], **REQUEST}
    assert client.post("/api/v1/bookings", headers=headers,
                       json={**body, "attendees": 500}).status_code == 422
    assert client.post("/api/v1/bookings", headers=headers, json=body).status_code == 201
    assert bookings(session) == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "schlüssel"])
def test_a_malformed_key_is_refused(client, session, city, waiting_room, key):
    headers = {**token_for(session, city.member), "Idempotency-Key": key}
    response = client.post("/api/v1/bookings", headers=headers,
                           json={"resource_ids": [waiting_room.id], **REQUEST})
    assert response.status_code == 422
    assert bookings(session) == 0


def test_simultaneous_repeats_book_once(app, session, city, waiting_room):
    headers = {**token_for(session, city.member), "Idempotency-Key": "burst"}
    body = {"resource_ids": [waiting_room.id], **REQUEST}
    barrier, answers = threading.Barrier(5), []

    def send():
        client = app.test_client()
        barrier.wait(timeout=30)
        response = client.post("/api/v1/bookings", headers=headers, json=body)
        answers.append((response.status_code, (response.get_json() or {}).get("id")))

    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 5
    assert {status for status, _ in answers} == {201}
    assert len({booking_id for _, booking_id in answers}) == 1
    assert bookings(session) == 1


def test_an_event_is_created_once_per_key(client, session, make):
    quarter = make.quarter()
    headers = {**token_for(session, make.manager(quarter)), "Idempotency-Key": "event-1"}
    body = {"quarter_id": quarter.id, "title": "Sprachcafé", "category": "cafe",
            "starts_at": "2027-03-02T18:00", "ends_at": "2027-03-02T20:00"}
    first = client.post("/api/v1/events", headers=headers, json=body)
    assert first.status_code == 201, first.json
    assert client.post("/api/v1/events", headers=headers, json=body).json == first.json
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Event)) == 1


def test_a_round_is_created_once_per_key(client, session, spielmobil):
    headers = {**token_for(session, spielmobil.manager), "Idempotency-Key": "round-1"}
    first = client.post("/api/v1/rounds", json=season(spielmobil), headers=headers)
    assert first.status_code == 201, first.json
    again = client.post("/api/v1/rounds", json=season(spielmobil), headers=headers)
    assert (again.status_code, again.json["id"]) == (201, first.json["id"])
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Round)) == 1


def test_a_double_submitted_booking_form_books_once(browser, session, city, waiting_room):
    browser.login(city.member.email)
    page = browser.get("/bookings/new").get_data(as_text=True)
    key = re.search(r'name="submission_key" value="([0-9a-f]{32})"', page).group(1)
    data = {**form_data(waiting_room), "organisation_id": str(city.organisation.id),
            "submission_key": key}
    first = browser.post("/bookings/new", data)
    second = browser.post("/bookings/new", data)
    assert first.status_code == 302 and second.status_code == 303
    assert second.headers["Location"].endswith(first.headers["Location"].split("localhost.test")
                                               [-1])
    assert bookings(session) == 1
    shown = browser.get(second.headers["Location"]).get_data(as_text=True)
    assert "This form was sent twice; it was saved once." in shown


def test_a_form_shown_again_with_an_error_can_be_sent_after_correcting(
        browser, session, city, waiting_room):
    browser.login(city.member.email)
    page = browser.get("/bookings/new").get_data(as_text=True)
    key = re.search(r'name="submission_key" value="([0-9a-f]{32})"', page).group(1)
    data = {**form_data(waiting_room), "organisation_id": str(city.organisation.id),
            "submission_key": key}
    assert browser.post("/bookings/new", {**data, "attendees": "500"}).status_code == 422
    assert browser.post("/bookings/new", data).status_code == 302
    assert bookings(session) == 1


def test_a_repeat_while_the_first_is_still_saving_stays_under_the_sites_path_prefix(
        app, browser, session, city, waiting_room, monkeypatch):
    """Served below a path (SCRIPT_NAME), "still being saved" sends the person back to the
    form there, not to the same path outside the app."""
    from meetingplaces.models import IdempotencyKey
    from meetingplaces.web import once

    browser.login(city.member.email)
    key = "ab" * 16
    with app.test_request_context("/bookings/new", method="POST"):
        digest = once.request_hash(b"")
    session.add(IdempotencyKey(scope="form:/bookings/new", key=key, request_hash=digest))
    session.commit()  # the first submission, reserved and not answered yet
    monkeypatch.setattr(once, "WAIT_FOR_FIRST_SECONDS", 0.0)
    data = {**form_data(waiting_room), "organisation_id": str(city.organisation.id),
            "submission_key": key}
    second = browser.post("/bookings/new", data, environ_overrides={"SCRIPT_NAME": "/mp"})
    assert second.status_code == 303
    assert second.headers["Location"].endswith("/mp/bookings/new")
    assert bookings(session) == 0
