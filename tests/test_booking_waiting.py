"""The waiting list: a request for a taken slot waits; when the slot frees, the first waiting
request is offered it by mail, and taking the offer makes the booking. An offer not taken in
time passes to the next."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from meetingplaces.booking import cancel_booking
from meetingplaces.booking.waiting import pass_on_expired_offers
from meetingplaces.mail import send_due
from meetingplaces.models.bookings import Booking, WaitingRequest

from .booking_factories import NOW, SETTINGS, book, city_fixture  # noqa: F401  (a fixture)
from .booking_web_helpers import form_data, link_in


@pytest.fixture
def app_config(mail_config):
    return {"FIXED_NOW": NOW, **mail_config}


@pytest.fixture(autouse=True)
def in_english(browser):
    browser.get("/?lang=en")


@pytest.fixture
def holder(session, make, city):
    """Another organisation holds the room on Tuesday 16 March 2027, 18:00-20:00."""
    organisation = make.organisation(city.quarter)
    member = make.member(organisation)
    return book(session, city, actor=member, organisation=organisation, title="Chorprobe")


def join(browser, city, **overrides):
    return browser.post("/bookings/new", {**form_data(city.room, **overrides),
                                          "action": "wait"})


def test_a_taken_slot_offers_the_waiting_list(browser, session, city, holder):
    browser.login(city.member.email)
    conflict = browser.post("/bookings/new", form_data(city.room))
    assert conflict.status_code == 409
    assert "Join the waiting list" in conflict.get_data(as_text=True)
    assert join(browser, city).status_code == 302
    entry = session.scalar(select(WaitingRequest))
    assert entry.status == "waiting" and entry.title == "Deutschkurs"
    assert entry.requested_by_id == city.member.id


def test_a_free_slot_cannot_join_the_waiting_list(browser, session, city):
    browser.login(city.member.email)
    response = join(browser, city)
    assert response.status_code == 422
    assert "request it directly" in response.get_data(as_text=True)


def test_a_freed_slot_is_offered_by_mail_and_taken_through_the_link(
        app, browser, session, smtp_sink, city, holder):
    browser.login(city.member.email)
    join(browser, city)
    cancel_booking(session, actor=holder.requested_by, booking=holder, reason="Chor fällt aus",
                   now=NOW)
    session.commit()
    entry = session.scalar(select(WaitingRequest))
    assert entry.status == "offered"
    send_due(session, app.config, now=NOW)
    offer = [m for m in smtp_sink.wait_for(2) if m["To"] == city.member.email
             and "came free" in m["Subject"]]
    assert offer, [m["Subject"] for m in smtp_sink.messages]
    link = link_in(offer[0], "/bookings/offers/")
    browser.logout()
    assert "Take the slot" in browser.get(link).get_data(as_text=True)
    response = browser.post(link, {"answer": "accept"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    session.expire_all()
    entry = session.get(WaitingRequest, entry.id)
    assert entry.status == "accepted"
    booking = session.get(Booking, entry.booking_id)
    assert booking.title == "Deutschkurs" and booking.status == "approved"
    assert booking.organisation_id == city.organisation.id
    assert browser.post(link, {"answer": "accept"}).status_code == 409  # only once


def test_an_expired_offer_passes_to_the_next_waiting(app, browser, session, make, smtp_sink,
                                                     city, holder):
    browser.login(city.member.email)
    join(browser, city, title="Erste")
    browser.logout()
    second = make.member(city.organisation)
    browser.login(second.email)
    join(browser, city, title="Zweite")
    cancel_booking(session, actor=holder.requested_by, booking=holder, reason="frei", now=NOW)
    session.commit()
    first, following = session.scalars(select(WaitingRequest).order_by(WaitingRequest.id)).all()
    assert (first.status, following.status) == ("offered", "waiting")
    later = NOW + timedelta(hours=25)
    assert pass_on_expired_offers(session, now=later, settings=SETTINGS) == 1
    session.commit()
    assert (first.status, following.status) == ("expired", "offered")
    send_due(session, app.config, now=later)
    assert any(m["To"] == second.email and "came free" in m["Subject"]
               for m in smtp_sink.wait_for(3))


def test_declining_an_offer_passes_it_on(app, browser, session, make, smtp_sink, city, holder):
    browser.login(city.member.email)
    join(browser, city, title="Erste")
    join(browser, city, title="Zweite")
    cancel_booking(session, actor=holder.requested_by, booking=holder, reason="frei", now=NOW)
    session.commit()
    send_due(session, app.config, now=NOW)
    link = link_in([m for m in smtp_sink.wait_for(2) if "came free" in m["Subject"]][0],
                   "/bookings/offers/")
    assert browser.post(link, {"answer": "decline"}).status_code == 302
    session.expire_all()
    first, following = session.scalars(select(WaitingRequest).order_by(WaitingRequest.id)).all()
    assert (first.status, following.status) == ("withdrawn", "offered")


def test_a_forged_offer_link_is_not_found(browser):
    assert browser.get("/bookings/offers/forged.token").status_code == 404


def test_cron_passes_expired_offers_on(app, runner, browser, session, make, city, holder):
    browser.login(city.member.email)
    join(browser, city, title="Erste")
    join(browser, city, title="Zweite")
    cancel_booking(session, actor=holder.requested_by, booking=holder, reason="frei", now=NOW)
    session.commit()
    app.config["FIXED_NOW"] = NOW + timedelta(hours=25)
    result = runner.invoke(args=["bookings", "pass-on-offers"])
    assert "1 expired offer(s) passed on" in result.output
    session.expire_all()
    statuses = [e.status for e in session.scalars(
        select(WaitingRequest).order_by(WaitingRequest.id))]
    assert statuses == ["expired", "offered"]


def test_a_guest_waits_too_and_taking_the_offer_confirms_the_address(
        app, browser, session, smtp_sink, city, holder):
    guest = {**form_data(city.room), "name": "Amira", "organisation_name": "Nachbarn",
             "email": "amira@example.org"}
    conflict = browser.post("/bookings/guest/new", guest)
    assert conflict.status_code == 409
    assert "Join the waiting list" in conflict.get_data(as_text=True)
    assert browser.post("/bookings/guest/new", {**guest, "action": "wait"}).status_code == 200
    cancel_booking(session, actor=holder.requested_by, booking=holder, reason="frei", now=NOW)
    session.commit()
    send_due(session, app.config, now=NOW)
    offer = [m for m in smtp_sink.wait_for(2) if m["To"] == "amira@example.org"]
    assert offer and "came free" in offer[0]["Subject"]
    response = browser.post(link_in(offer[0], "/bookings/offers/"), {"answer": "accept"})
    assert response.status_code == 302
    booking = session.scalar(select(Booking).where(Booking.guest_id.is_not(None)))
    assert booking.guest.email == "amira@example.org"
    assert booking.guest_confirmed_at is not None and booking.status == "pending"
    assert response.headers["Location"].startswith("/bookings/guest/")
