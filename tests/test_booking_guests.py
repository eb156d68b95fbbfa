"""Groups without an account: the request, the mailed link that confirms it and lets the guest
follow, change or cancel it, the returning address, the managers' "guest request" mark."""

import re

import pytest
from sqlalchemy import func, select

from meetingplaces.mail import send_due
from meetingplaces.models.bookings import Booking, Guest

from .booking_factories import NOW, city_fixture  # noqa: F401  (a fixture)
from .booking_web_helpers import calendars_in, form_data, link_in


@pytest.fixture
def app_config(mail_config):
    return {"FIXED_NOW": NOW, **mail_config}


@pytest.fixture(autouse=True)
def in_english(browser):
    browser.get("/?lang=en")


def guest_data(room, **overrides) -> dict:
    return form_data(room, **{"name": "Amira", "organisation_name": "Elterninitiative <b>Nord</b>",
                              "email": "Amira@Example.org", **overrides})


def test_a_guest_request_is_confirmed_by_the_mailed_link_and_reaches_the_managers(
        app, browser, session, smtp_sink, city):
    city.room.approval_required = True
    session.commit()
    response = browser.post("/bookings/guest/new", guest_data(city.room))
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    assert "amira@example.org" in response.get_data(as_text=True).lower()
    booking = session.scalar(select(Booking))
    assert booking.guest.email == "amira@example.org" and booking.organisation_id is None
    assert booking.status == "pending" and booking.guest_confirmed_at is None

    send_due(session, app.config, now=NOW)
    mails = smtp_sink.wait_for(1)
    assert [m["To"] for m in mails] == ["amira@example.org"]  # managers do not see it yet
    link = link_in(mails[0], "/bookings/guest/")

    browser.logout()
    page = browser.get(link)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Confirm my request" in html and "Sprachkurs für Anfänger" in html
    assert "Elterninitiative &lt;b&gt;Nord&lt;/b&gt;" in html
    assert browser.post(link + "/confirm").status_code == 302
    session.refresh(booking)
    assert booking.guest_confirmed_at is not None

    send_due(session, app.config, now=NOW)
    to_manager = smtp_sink.wait_for(2)[1]
    assert to_manager["To"] == city.manager.email
    assert "guest request" in to_manager.get_body(preferencelist=("plain",)).get_content()
    assert len(calendars_in(to_manager)) == 1

    browser.login(city.manager.email)
    queue = browser.get("/bookings/queue").get_data(as_text=True)
    assert "Deutschkurs" in queue and "guest request" in queue


def test_an_unconfirmed_guest_request_stays_out_of_the_queue(browser, session, city):
    city.room.approval_required = True
    session.commit()
    browser.post("/bookings/guest/new", guest_data(city.room))
    browser.login(city.manager.email)
    assert "Deutschkurs" not in browser.get("/bookings/queue").get_data(as_text=True)


def test_a_returning_address_is_the_same_guest_and_never_refused(
        app, browser, session, smtp_sink, city):
    assert browser.post("/bookings/guest/new", guest_data(city.room)).status_code == 200
    again = guest_data(city.room, date="2027-03-17", email="amira@example.org ",
                       name="Amira K.")
    assert browser.post("/bookings/guest/new", again).status_code == 200
    assert session.scalar(select(func.count(Guest.id))) == 1
    assert session.scalar(select(func.count(Booking.id))) == 2
    # The new name is hers only once she follows the link of that request (issue 13).
    assert session.scalar(select(Guest)).name == "Amira"
    send_due(session, app.config, now=NOW)
    link = link_in(smtp_sink.wait_for(2)[1], "/bookings/guest/")
    assert browser.post(link + "/confirm").status_code == 302
    session.expire_all()
    assert session.scalar(select(Guest)).name == "Amira K."


def test_a_stranger_typing_a_known_address_changes_nothing_of_the_guest(
        app, browser, session, smtp_sink, city):
    """Issue 13: an anonymous request with an existing guest's e-mail changed the name and
    organisation shown on her confirmed booking."""
    browser.post("/bookings/guest/new", guest_data(city.room))
    send_due(session, app.config, now=NOW)
    link = link_in(smtp_sink.wait_for(1)[0], "/bookings/guest/")
    browser.post(link + "/confirm")
    stranger = guest_data(city.room, date="2027-03-17", name="Mallory",
                          organisation_name="Fake e.V.")
    assert browser.post("/bookings/guest/new", stranger).status_code == 200
    session.expire_all()
    guest = session.scalar(select(Guest))
    assert (guest.name, guest.organisation_name) == ("Amira", "Elterninitiative <b>Nord</b>")
    page = browser.get(link).get_data(as_text=True)
    assert "Mallory" not in page and "Fake e.V." not in page


def test_a_guest_gives_one_e_mail_address_only(browser, session, city):
    response = browser.post("/bookings/guest/new",
                            guest_data(city.room, email="amira@example.org,eve@example.org"))
    assert response.status_code == 422
    assert session.scalar(select(func.count(Booking.id))) == 0


def test_the_guest_cancels_through_the_link(app, browser, session, smtp_sink, city):
    browser.post("/bookings/guest/new", guest_data(city.room))
    send_due(session, app.config, now=NOW)
    link = link_in(smtp_sink.wait_for(1)[0], "/bookings/guest/")
    browser.post(link + "/confirm")
    response = browser.post(link + "/cancel", {"cancel-scope": "all",
                                               "cancel-reason": "Wir haben einen Raum",
                                               "confirmed": "yes"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    booking = session.scalar(select(Booking))
    assert booking.status == "cancelled"
    history = browser.get(link).get_data(as_text=True)
    assert "Amira &lt;amira@example.org&gt;" in history  # the guest in the audit log


def test_the_guest_changes_the_time_through_the_link(app, browser, session, smtp_sink, city):
    browser.post("/bookings/guest/new", guest_data(city.room))
    send_due(session, app.config, now=NOW)
    link = link_in(smtp_sink.wait_for(1)[0], "/bookings/guest/")
    response = browser.post(link + "/change", {
        "change-scope": "this", "change-date": "2027-03-16", "change-start": "10:00",
        "change-end": "11:00", "change-resource_ids": [str(city.room.id)]})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    booking = session.scalar(select(Booking))
    assert booking.occurrences[0].starts_at.hour == 9  # 10:00 in Berlin, winter time


def test_a_forged_or_foreign_guest_link_is_not_found(app, browser, session, smtp_sink, city,
                                                     make):
    browser.post("/bookings/guest/new", guest_data(city.room))
    send_due(session, app.config, now=NOW)
    link = link_in(smtp_sink.wait_for(1)[0], "/bookings/guest/")
    assert browser.get(link[:-3] + "xyz").status_code == 404
    assert browser.post(link[:-3] + "xyz/cancel", {"cancel-scope": "all",
                                                   "cancel-reason": "x",
                                                   "confirmed": "yes"}).status_code == 404


def test_a_guest_request_needs_a_valid_address_and_keeps_the_input(browser, session, city):
    response = browser.post("/bookings/guest/new", guest_data(city.room, email="kein-at"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "valid e-mail" in html and 'value="Amira"' in html
    assert session.scalar(select(Booking)) is None


def test_a_guest_request_without_csrf_token_is_refused(client, session, city):
    assert client.post("/bookings/guest/new", data=guest_data(city.room)).status_code == 400


def test_a_guest_offered_another_room_keeps_name_and_address(browser, session, make, city):
    from .booking_factories import book

    other_room = make.room(city.facility, name="Gruppenraum")
    book(session, city)
    response = browser.post("/bookings/guest/new", guest_data(city.room))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    link = re.search(rf'href="(/bookings/guest/new\?[^"]*resource_ids={other_room.id}[^"]*)"',
                     html).group(1).replace("&amp;", "&")
    prefilled = browser.get(link).get_data(as_text=True)
    assert 'value="Amira"' in prefilled and "Amira@Example.org" in prefilled
    assert re.search(rf'value="{other_room.id}"[^>]*checked|checked[^>]*value="{other_room.id}"',
                     prefilled)
