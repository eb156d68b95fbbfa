"""Issue 12, failure 3: every queued message is delivered once. A line break in user text
never stops mail; one bad message never blocks the others; several senders never deliver a
message twice; a hanging SMTP server costs the site nothing; a newcomer sees mail in the
console."""

import asyncio
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from email import message_from_bytes, policy

import pytest
import requests
from sqlalchemy import select

from meetingplaces.mail import queue_mail, send_due
from meetingplaces.models import OutboxMessage

from .live_server import ROOT, free_port, gunicorn, server_environment

MESSAGES = 45


@pytest.fixture
def app_config(mail_config):
    return mail_config


def test_a_line_break_in_an_organisation_name_does_not_stop_mail(app, session, smtp_sink):
    queue_mail(session, "first@example.org", "Neue Registrierung: Kulturverein\nBcc: x@evil.test",
               "Bitte prüfen.")
    queue_mail(session, "second@example.org", "Danach", "Kommt trotzdem an.")
    session.commit()
    assert send_due(session, app.config) == (2, 0)
    first, second = smtp_sink.wait_for(2)
    assert first["Subject"] == "Neue Registrierung: Kulturverein Bcc: x@evil.test"
    assert first["Bcc"] is None
    assert second["To"] == "second@example.org"


def test_a_message_that_cannot_be_built_fails_alone_and_is_shown_to_admins(
        app, session, smtp_sink, browser, make):
    bad = queue_mail(session, "not an address\r\n", "Hallo", "Text")
    queue_mail(session, "good@example.org", "Hallo", "Text")
    session.commit()
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    assert send_due(session, app.config) == (1, 1)
    assert [m["To"] for m in smtp_sink.wait_for(1)] == ["good@example.org"]
    failed = session.get(OutboxMessage, bad.id)
    assert failed.failed_at is not None and failed.last_error

    admin = make.user(is_admin=True)
    browser.login(admin.email)
    page = browser.get("/manage/mail")
    assert page.status_code == 200
    assert "not an address" in page.get_data(as_text=True)
    assert failed.last_error.split(":")[0] in page.get_data(as_text=True)


def test_failed_mail_about_no_quarter_is_not_shown_to_quarter_managers(session, browser, make):
    message = queue_mail(session, "account@example.org", "Konto", "Text")
    message.failed_at, message.last_error = message.created_at, "550 no such user"
    session.commit()
    manager = make.manager(make.quarter())
    browser.login(manager.email)
    page = browser.get("/manage/mail")
    assert page.status_code == 200 and "account@example.org" not in page.get_data(as_text=True)
    assert browser.post(f"/manage/mail/{message.id}/retry").status_code == 403


def test_an_admin_sends_a_failed_message_again(app, session, browser, make, smtp_sink):
    message = queue_mail(session, "later@example.org", "Hallo", "Text")
    session.commit()
    message.failed_at, message.attempts, message.last_error = message.created_at, 8, "timeout"
    session.commit()
    admin = make.user(is_admin=True)
    browser.login(admin.email)
    assert browser.post(f"/manage/mail/{message.id}/retry").status_code == 302
    assert send_due(session, app.config) == (1, 0)
    assert smtp_sink.wait_for(1)[0]["To"] == "later@example.org"


@pytest.fixture
def slow_sink():
    """An SMTP sink that takes a moment per message, so that senders overlap."""
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
            await asyncio.sleep(0.02)
            received.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, received
    controller.stop()


@pytest.mark.slow
def test_three_concurrent_senders_deliver_each_message_once(session, database, slow_sink,
                                                            tmp_path):
    port, received = slow_sink
    for number in range(MESSAGES):
        queue_mail(session, f"r{number}@example.org", f"Nachricht {number}", "Text")
    session.commit()
    env = server_environment(database, tmp_path, MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    senders = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "meetingplaces",
                                 "send-mail"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    outputs = [sender.communicate(timeout=120)[0] for sender in senders]
    time.sleep(0.2)
    counts = Counter(m["To"] for m in received)
    assert sorted(counts) == sorted(f"r{n}@example.org" for n in range(MESSAGES)), outputs
    assert set(counts.values()) == {1}, outputs
    session.rollback()
    assert session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                           ).all() == []


@pytest.fixture
def silent_smtp_server():
    """Accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


@pytest.mark.slow
def test_a_hanging_smtp_server_costs_the_site_nothing(session, make, database, tmp_path,
                                                      silent_smtp_server):
    from .conftest import Browser  # noqa: F401  (same login flow over HTTP below)

    user = make.user(email="forgetful@example.org")
    session.commit()
    with gunicorn(database, tmp_path, workers=2, MAIL_SERVER="127.0.0.1",
                  MAIL_PORT=silent_smtp_server, MAIL_TIMEOUT=1) as base:
        http = requests.Session()
        page = http.get(f"{base}/auth/forgot-password", timeout=10).text
        from .conftest import csrf_token_from

        token = csrf_token_from(page)
        for _ in range(4):
            started = time.monotonic()
            response = http.post(f"{base}/auth/forgot-password", timeout=10,
                                 data={"csrf_token": token, "email": user.email})
            assert response.status_code in (200, 302)
            assert time.monotonic() - started < 2
        started = time.monotonic()
        assert http.get(f"{base}/", timeout=10).status_code == 200
        assert time.monotonic() - started < 2
        # the sender gives up on the silent server after its timeout, keeping the mail
        sender = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "meetingplaces", "send-mail"], cwd=ROOT,
            env=server_environment(database, tmp_path, MAIL_SERVER="127.0.0.1",
                                   MAIL_PORT=silent_smtp_server, MAIL_TIMEOUT=1),
            capture_output=True, text=True, timeout=60)
        assert "0 sent" in sender.stdout, sender.stdout + sender.stderr
    session.rollback()
    waiting = session.scalars(select(OutboxMessage)).all()
    assert waiting and all(m.sent_at is None and "timed out" in m.last_error for m in waiting)
