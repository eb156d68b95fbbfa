"""Issue 13, personal data (DSGVO): download of one's data, deletion of one's account with the
bookings kept anonymised, anonymisation of guests and past bookings after the retention
period by `flask anonymise-personal-data`, the privacy page linked in the footer."""

import json
from datetime import timedelta

from sqlalchemy import select

from meetingplaces.accounts.personal_data import anonymise_past
from meetingplaces.booking.guests import request_as_guest
from meetingplaces.models import User
from meetingplaces.models.bookings import Booking, Guest

from .booking_factories import NOW, SETTINGS, book, city_fixture, local  # noqa: F401  (a fixture)
from .factories import PASSWORD


def test_a_person_downloads_everything_stored_about_them(browser, session, city):
    book(session, city, purpose="Deutsch für Eltern")
    browser.login(city.member.email)
    response = browser.get("/account/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == city.member.email
    assert data["memberships"][0]["organisation"] == city.organisation.name
    assert data["bookings_requested"][0]["purpose"] == "Deutsch für Eltern"
    assert any(entry["action"] for entry in data["activity_log"])


def test_the_download_needs_a_login(client):
    assert client.get("/account/data.json").status_code == 302


def test_a_person_deletes_their_account_and_the_bookings_stay_anonymised(
        app, browser, session, make, city):
    make.member(city.organisation, "admin")
    booking = book(session, city)
    member_id, email = city.member.id, city.member.email
    browser.login(email)
    assert browser.post("/account/delete", {"password": "wrong"}).status_code == 422
    response = browser.post("/account/delete", {"password": PASSWORD})
    assert response.status_code == 302
    session.expire_all()
    user = session.get(User, member_id)
    assert user.name == "" and email not in user.email and not user.active
    assert user.memberships == []
    assert session.get(Booking, booking.id).requested_by_id == member_id  # still counted
    assert browser.get("/account/").status_code == 302  # logged out
    assert browser.post("/auth/login", {"email": email, "password": PASSWORD}).status_code \
        == 200


def test_the_last_administrator_hands_over_before_deleting(browser, session, make, city):
    admin = make.member(city.organisation, "admin")
    browser.login(admin.email)
    response = browser.post("/account/delete", {"password": PASSWORD})
    assert response.status_code == 409
    assert "last administrator" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, admin.id).active


def _guest_booking(session, city, *, day: int, name="Amira"):
    booking = request_as_guest(
        session, email="amira@example.org", name=name, organisation_name="Elterninitiative",
        resources=[city.room], local_start=local(2027, 3, day, 18),
        local_end=local(2027, 3, day, 20), title="Elterncafé", attendees=8,
        purpose="Treffen der Eltern", now=NOW, settings=SETTINGS)
    session.commit()
    return booking


def test_guests_and_purposes_are_anonymised_after_the_retention_period(app, session, city):
    booking = _guest_booking(session, city, day=16)
    member_booking = book(session, city, start=local(2027, 3, 17, 18),
                          end=local(2027, 3, 17, 20), purpose="Sprachkurs")
    # Eleven months after the last date: everything stays.
    early = anonymise_past(session, now=NOW + timedelta(days=11 * 31), months=12)
    assert early.guests == 0 and early.bookings == 0
    result = app.test_cli_runner().invoke(args=["anonymise-personal-data", "--months", "1"])
    assert result.exit_code == 0, result.output
    assert "bookings" in result.output
    # The command ran at the real clock; make sure the retention counts from the last date:
    done = anonymise_past(session, now=NOW + timedelta(days=13 * 31), months=12)
    session.commit()
    session.expire_all()
    guest = session.scalar(select(Guest))
    assert "amira" not in guest.email and guest.name == "" and guest.organisation_name == ""
    kept = session.get(Booking, booking.id)
    assert kept.purpose == "" and kept.guest_name == ""
    assert kept.title == "Elterncafé" and kept.attendees == 8  # the figures stay
    assert session.get(Booking, member_booking.id).purpose == ""
    assert done.guests == 1 and done.bookings == 2


def test_a_guest_with_a_recent_booking_is_kept(session, city):
    _guest_booking(session, city, day=16)
    anonymise_past(session, now=NOW + timedelta(days=30), months=12)
    assert session.scalar(select(Guest)).email == "amira@example.org"


def test_the_privacy_page_says_how_long_and_is_linked_in_the_footer(client, app):
    app.config["PERSONAL_DATA_RETENTION_MONTHS"] = 18
    home = client.get("/?lang=en").get_data(as_text=True)
    assert 'href="/privacy"' in home
    page = client.get("/privacy")
    assert page.status_code == 200
    assert "18 months" in page.get_data(as_text=True)
