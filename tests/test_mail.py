"""The outbox: mail is stored with the change, sent over real SMTP, retried on failure."""

from datetime import timedelta

import pytest

from meetingplaces.mail import Attachment, queue_mail, send_due
from meetingplaces.models import OutboxMessage
from meetingplaces.models.types import utcnow


@pytest.fixture
def app_config(mail_config):
    return mail_config


def test_queued_mail_reaches_the_smtp_server_with_its_ics_attachment(app, session, smtp_sink):
    queue_mail(
        session,
        "initiative@example.org",
        "Ihre Buchung",
        "Bestätigt.",
        [Attachment("buchung.ics", "text/calendar; method=PUBLISH", "BEGIN:VCALENDAR")],
    )
    session.commit()
    assert send_due(session, app.config) == (1, 0)
    [message] = smtp_sink.wait_for(1)
    assert message["Subject"] == "Ihre Buchung"
    [part] = [p for p in message.iter_attachments()]
    assert part.get_filename() == "buchung.ics"
    assert part.get_content_type() == "text/calendar"
    assert session.get(OutboxMessage, 1).sent_at is not None


def test_failed_delivery_is_retried_later_not_lost(app, session):
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = "127.0.0.1", 9  # nothing listens
    queue_mail(session, "a@example.org", "x", "y")
    session.commit()
    now = utcnow()
    assert send_due(session, app.config, now=now) == (0, 1)
    message = session.get(OutboxMessage, 1)
    assert message.sent_at is None and message.failed_at is None
    assert message.next_attempt_at > now
    assert send_due(session, app.config, now=now) == (0, 0)  # not due yet


def test_mail_is_given_up_after_the_last_attempt(app, session):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9, MAIL_MAX_ATTEMPTS=2)
    queue_mail(session, "a@example.org", "x", "y")
    session.commit()
    now = utcnow()
    send_due(session, app.config, now=now)
    send_due(session, app.config, now=now + timedelta(days=1))
    assert session.get(OutboxMessage, 1).failed_at is not None


def test_send_mail_command_sends_what_is_due(runner, session, smtp_sink):
    queue_mail(session, "b@example.org", "Hallo", "Text")
    session.commit()
    result = runner.invoke(args=["send-mail"])
    assert "1 sent, 0 failed" in result.output
    assert smtp_sink.wait_for(1)[0]["To"] == "b@example.org"


def test_a_request_that_queues_mail_leaves_the_sending_to_the_mail_process(
        browser, make, session, smtp_sink):
    make.user(email="forgetful@example.org")
    response = browser.post("/auth/forgot-password", {"email": "forgetful@example.org"})
    response.close()
    assert smtp_sink.wait_for(1, timeout=0.5) == []
    session.rollback()
    [message] = session.query(OutboxMessage).all()
    assert message.recipient == "forgetful@example.org" and message.sent_at is None


def test_without_a_mail_server_the_mail_is_printed_for_the_developer(app, session, capsys):
    app.config["MAIL_SERVER"] = None
    queue_mail(session, "new@example.org", "Passwort zurücksetzen", "https://x.test/reset/abc")
    session.commit()
    assert send_due(session, app.config) == (1, 0)
    printed = capsys.readouterr().out
    assert "To: new@example.org" in printed and "https://x.test/reset/abc" in printed
