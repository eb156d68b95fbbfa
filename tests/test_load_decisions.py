"""Issue 12, failure 2: decisions race in real concurrent requests (threads, each with its own
connection). The row lock (FOR UPDATE on PostgreSQL, the write lock on SQLite) makes the
second of two decisions see the first: exactly one wins, the other gets a 409 naming what
happened; no deadlock, no 500."""

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from meetingplaces.models import AuditEntry, Organisation, OutboxMessage
from meetingplaces.models.bookings import Booking
from meetingplaces.models.events import Event

from .booking_factories import book, city_fixture, local, token_for  # noqa: F401
from .conftest import Browser
from .events_factories import event

RACERS = 10


def race(app, calls) -> list:
    """Run each call (client -> response) in its own thread at the same moment."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        client = app.test_client()
        barrier.wait(timeout=30)
        response = call(client)
        results[index] = (response.status_code, response.get_json(silent=True))

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture
def pending(session, city):
    city.room.approval_required = True
    session.commit()
    return book(session, city)


def count(session, model, *conditions) -> int:
    session.rollback()  # a fresh snapshot, after the racers' commits
    return session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_ten_simultaneous_approvals_approve_once_with_one_audit_entry_and_one_mail(
        app, session, city, pending):
    headers = token_for(session, city.manager)
    mails_before = count(session, OutboxMessage)
    url = f"/api/v1/bookings/{pending.id}/approve"
    results = race(app, [lambda c: c.post(url, headers=headers)] * RACERS)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * (RACERS - 1)
    refused = [body for status, body in results if status == 409]
    assert all(body["error"] == "This booking has been approved in the meantime."
               for body in refused)
    assert count(session, AuditEntry, AuditEntry.subject_type == "booking",
                 AuditEntry.subject_id == pending.id, AuditEntry.action == "approved") == 1
    assert count(session, OutboxMessage) - mails_before == 1


def test_approve_racing_cancel_always_ends_cancelled_and_says_so(app, session, city):
    city.room.approval_required = True
    session.commit()
    manager, member = token_for(session, city.manager), token_for(session, city.member)
    for trial in range(4):
        day = date(2027, 3, 16) + timedelta(days=7 * trial)
        booking = book(session, city, start=local(day.year, day.month, day.day, 18),
                       end=local(day.year, day.month, day.day, 20))
        url = f"/api/v1/bookings/{booking.id}"
        (approved, approve_body), (cancelled, _) = race(app, [
            lambda c, url=url: c.post(f"{url}/approve", headers=manager),
            lambda c, url=url: c.post(f"{url}/cancel", headers=member,
                                      json={"reason": "Kurs fällt aus"}),
        ])
        assert cancelled == 200
        assert approved in (200, 409)
        if approved == 409:
            assert approve_body["error"] == "This booking has been cancelled in the meantime."
        session.rollback()
        assert session.get(Booking, booking.id).status == "cancelled"
        actions = session.scalars(select(AuditEntry.action).where(
            AuditEntry.subject_type == "booking", AuditEntry.subject_id == booking.id)
            .order_by(AuditEntry.id)).all()
        assert actions == (["requested", "approved", "cancelled"] if approved == 200
                           else ["requested", "cancelled"])


def test_two_cancellations_at_once_cancel_once(app, session, city):
    booking = book(session, city)
    member = token_for(session, city.member)
    url = f"/api/v1/bookings/{booking.id}/cancel"
    results = race(app, [lambda c: c.post(url, headers=member, json={"reason": "Krank"})] * 2)
    assert sorted(status for status, _ in results) == [200, 409]
    assert count(session, AuditEntry, AuditEntry.subject_id == booking.id,
                 AuditEntry.action == "cancelled") == 1


def logged_in(app, user) -> Browser:
    browser = Browser(app.test_client())
    browser.login(user.email)
    return browser


def test_approving_and_rejecting_a_proposal_at_once_decides_once(app, session, make):
    quarter = make.quarter()
    organisation = make.organisation(quarter)
    member, manager = make.member(organisation), make.manager(quarter)
    proposal = event(session, member, quarter, title="Flohmarkt", organisation=organisation)
    assert proposal.status == "proposed"
    first, second = logged_in(app, manager), logged_in(app, manager)
    first.csrf(), second.csrf()
    mails_before = count(session, OutboxMessage)
    url = f"/events/{proposal.id}"
    results = race(app, [
        lambda c: first.post(f"{url}/approve"),
        lambda c: second.post(f"{url}/reject", {"reason": "Doppelt"}),
    ])
    statuses = [status for status, _ in results]
    assert sorted(statuses) == [302, 409], statuses
    approved = statuses[0] == 302
    assert count(session, Event, Event.id == proposal.id,
                 Event.status == ("published" if approved else "rejected")) == 1
    assert count(session, OutboxMessage) - mails_before == 1
    page = (second if approved else first).get("/events/moderation").get_data(as_text=True)
    assert f"{url}/approve" not in page


def test_two_managers_approving_one_registration_approve_once(app, session, make):
    quarter = make.quarter()
    registration = make.organisation(quarter, status="pending")
    manager = make.manager(quarter)
    first, second = logged_in(app, manager), logged_in(app, manager)
    first.csrf(), second.csrf()
    url = f"/invitations/registrations/{registration.id}/approve"
    results = race(app, [lambda c: first.post(url), lambda c: second.post(url)])
    assert sorted(status for status, _ in results) == [302, 409]
    assert count(session, Organisation, Organisation.id == registration.id,
                 Organisation.status == "active") == 1
    assert count(session, AuditEntry, AuditEntry.subject_type == "organisation",
                 AuditEntry.action == "approved") == 1
