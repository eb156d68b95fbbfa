"""Issue 15: a quarter manager sees the mail about their quarters that could not be delivered,
on the start page and on /manage/mail, and sends it again; another quarter's manager sees
none of it and may not send it."""

from datetime import timedelta

import pytest

from meetingplaces.mail import send_due
from meetingplaces.models import OutboxMessage

from .booking_factories import NOW, book, city_fixture  # noqa: F401  (a fixture)
from .test_start_page import count_of, section


@pytest.fixture
def app_config(mail_config):
    return {"FIXED_NOW": NOW, "MAIL_MAX_ATTEMPTS": 1, **mail_config}


@pytest.fixture
def other_manager(make):
    return make.manager(make.quarter(name="Höhe"))


def test_a_booking_mail_to_a_bad_address_is_shown_to_its_quarters_manager_only(
        app, session, browser, make, city, other_manager):
    city.member.email = "kaputt\n@example.org"  # a line break: the mail cannot be built
    session.commit()
    booking = book(session, city, title="Nähcafé")
    assert send_due(session, app.config, now=NOW) == (0, 1)
    message = session.get(OutboxMessage, 1)
    assert message.quarter_id == city.quarter.id and message.failed_at is not None

    browser.login(city.manager.email)
    start = browser.get("/start").get_data(as_text=True)
    assert count_of(start, "failed-mail") == 1
    shown = section(start, "failed-mail")
    assert "Nähcafé" in shown and "kaputt" in shown and "ValueError" in shown
    assert "Ihre Buchung ist" not in shown and f"/bookings/{booking.id}" not in shown, "no body"
    assert "Nähcafé" in browser.get("/manage/mail").get_data(as_text=True)
    browser.logout()

    browser.login(other_manager.email)
    assert count_of(browser.get("/start").get_data(as_text=True), "failed-mail") == 0
    page = browser.get("/manage/mail")
    assert page.status_code == 200 and "Nähcafé" not in page.get_data(as_text=True)
    assert browser.post(f"/manage/mail/{message.id}/retry").status_code == 403
    session.refresh(message)
    assert message.failed_at is not None, "another quarter's manager sent nothing again"
    browser.logout()

    browser.login(make.admin().email)
    assert "Nähcafé" in section(browser.get("/start").get_data(as_text=True), "failed-mail")


def test_the_quarters_manager_sends_an_undelivered_booking_mail_again(
        app, session, browser, city, smtp_sink):
    app.config["MAIL_PORT"], port = 9, app.config["MAIL_PORT"]  # nothing listens on 9
    book(session, city, title="Nähcafé")
    assert send_due(session, app.config, now=NOW) == (0, 1)
    message = session.get(OutboxMessage, 1)
    assert message.failed_at is not None

    browser.login(city.manager.email)
    assert browser.post(f"/manage/mail/{message.id}/retry").status_code == 302
    app.config["MAIL_PORT"] = port
    assert send_due(session, app.config, now=NOW) == (1, 0)
    assert [m["Subject"] for m in smtp_sink.wait_for(1)] == [message.subject]
    assert "Nähcafé" not in browser.get("/manage/mail").get_data(as_text=True)


def test_sending_again_leaves_a_message_on_its_way_alone(session, city):
    """A retry of a message the sender holds (not given up) keeps the sender's claim, so
    that its outcome is stored and the mail does not go out twice."""
    from meetingplaces.mail import send_again
    from meetingplaces.mail.outbox import claim

    book(session, city, title="Nähcafé")
    claimed = claim(session, now=NOW, lease=timedelta(minutes=5), claimer="sender")
    message = session.get(OutboxMessage, claimed.id)
    send_again(session, message, now=NOW)
    session.commit()
    session.expire_all()
    message = session.get(OutboxMessage, claimed.id)
    assert message.claimed_by == "sender" and message.attempts == 1
