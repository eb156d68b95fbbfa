"""The booking mails: request received to the quarter's managers, confirmed / approved /
rejected / cancelled to the requester, each with the booking as a parseable .ics file
(METHOD:PUBLISH, one stable UID, a SEQUENCE that grows), in the recipient's language."""

from datetime import date

import pytest
from sqlalchemy import select

from meetingplaces.booking import approve_booking, cancel_booking, reject_booking, restore_dates
from meetingplaces.booking.notifications import BookingMails
from meetingplaces.mail import attachment_data, send_due
from meetingplaces.models.mail import OutboxMessage
from meetingplaces.timeline import weekly_rule

from .booking_factories import NOW, SETTINGS, book, city_fixture, local  # noqa: F401
from .booking_web_helpers import calendars_in


@pytest.fixture
def app_config(mail_config):
    return {"FIXED_NOW": NOW, **mail_config}


@pytest.fixture
def approval_room(session, city):
    city.room.approval_required = True
    city.member.preferred_language = "en"
    city.manager.preferred_language = "en"
    session.commit()
    return city.room


def delivered(app, session, sink, count):
    send_due(session, app.config, now=NOW)
    return sink.wait_for(count)


def only_event(message, method="PUBLISH"):
    calendars = calendars_in(message)
    assert len(calendars) == 1
    assert str(calendars[0]["METHOD"]) == method
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("charset") == "utf-8" and part.get_param("method") == method
    for feed_only in ("X-WR-CALNAME", "NAME", "REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
        assert feed_only not in calendars[0], feed_only
    events = calendars[0].walk("VEVENT")
    return calendars[0], events


def test_a_request_goes_to_the_managers_with_the_booking_attached(
        app, session, smtp_sink, city, approval_room):
    booking = book(session, city, title="Nähcafé")
    mails = delivered(app, session, smtp_sink, 1)
    assert [m["To"] for m in mails] == [city.manager.email]
    assert "Nähcafé" in mails[0]["Subject"]
    assert f"/bookings/{booking.id}" in mails[0].get_body(("plain",)).get_content()
    calendar, events = only_event(mails[0])
    assert str(events[0]["UID"]) == f"booking-{booking.id}@meetingplaces"
    assert str(events[0]["STATUS"]) == "TENTATIVE"
    assert events[0].decoded("DTSTART").isoformat() == "2027-03-16T18:00:00+01:00"
    assert calendar.walk("VTIMEZONE")


def test_approval_rejection_and_cancellation_reach_the_requester(
        app, session, smtp_sink, city, approval_room):
    first = book(session, city, title="Erster")
    approve_booking(session, actor=city.manager, booking=first, now=NOW, settings=SETTINGS)
    session.commit()
    cancel_booking(session, actor=city.manager, booking=first, reason="Kurs fällt aus", now=NOW)
    session.commit()
    mails = delivered(app, session, smtp_sink, 3)
    to_member = [m for m in mails if m["To"] == city.member.email]
    assert [m["Subject"] for m in to_member] == ["Booking approved: Erster",
                                                 "Booking cancelled: Erster"]
    assert "Kurs fällt aus" in to_member[1].get_body(("plain",)).get_content()
    _, approved = only_event(to_member[0])
    # A cancellation is a METHOD:CANCEL that calendar apps apply: same UID, higher SEQUENCE,
    # the same ORGANIZER as every copy before, the recipient as ATTENDEE.
    _, cancelled = only_event(to_member[1], "CANCEL")
    assert str(approved[0]["UID"]) == str(cancelled[0]["UID"])
    assert str(approved[0]["STATUS"]) == "CONFIRMED"
    assert str(cancelled[0]["STATUS"]) == "CANCELLED"
    assert int(cancelled[0]["SEQUENCE"]) > int(approved[0]["SEQUENCE"])
    assert str(cancelled[0]["ORGANIZER"]) == str(approved[0]["ORGANIZER"]) == (
        "mailto:no-reply@example.org")
    assert cancelled[0]["ORGANIZER"].params["CN"] == "meetingplaces"
    assert str(cancelled[0]["ATTENDEE"]) == f"mailto:{city.member.email}"


def test_a_restored_date_is_told_to_whom_the_cancellation_was_told(
        app, session, smtp_sink, city, approval_room):
    booking = book(session, city, title="Nähcafé")
    approve_booking(session, actor=city.manager, booking=booking, now=NOW, settings=SETTINGS)
    cancel_booking(session, actor=city.manager, booking=booking, reason="Wasserschaden", now=NOW)
    restore_dates(session, actor=city.manager, booking=booking, dates=["2027-03-16"], now=NOW,
                  settings=SETTINGS)
    session.commit()
    assert booking.status == "approved"
    mails = delivered(app, session, smtp_sink, 4)
    to_member = [m for m in mails if m["To"] == city.member.email]
    assert [m["Subject"] for m in to_member] == ["Booking approved: Nähcafé",
                                                 "Booking cancelled: Nähcafé",
                                                 "Booking date restored: Nähcafé"]
    _, cancelled = only_event(to_member[1], "CANCEL")
    _, restored = only_event(to_member[2])
    assert str(restored[0]["UID"]) == str(cancelled[0]["UID"])
    assert str(restored[0]["STATUS"]) == "CONFIRMED"
    assert int(restored[0]["SEQUENCE"]) > int(cancelled[0]["SEQUENCE"])


def test_when_the_requester_cancels_the_managers_are_told(
        app, session, smtp_sink, city, approval_room):
    booking = book(session, city, title="Spieleabend")
    approve_booking(session, actor=city.manager, booking=booking, now=NOW, settings=SETTINGS)
    cancel_booking(session, actor=city.member, booking=booking, reason="krank", now=NOW)
    session.commit()
    mails = delivered(app, session, smtp_sink, 3)
    assert [(m["To"], m["Subject"]) for m in mails] == [
        (city.manager.email, "Booking request: Spieleabend"),
        (city.member.email, "Booking approved: Spieleabend"),
        (city.manager.email, "Booking cancelled: Spieleabend"),
    ]
    assert "krank" in mails[2].get_body(("plain",)).get_content()


def test_a_rejection_carries_the_reason(app, session, smtp_sink, city, approval_room):
    booking = book(session, city)
    reject_booking(session, actor=city.manager, booking=booking, reason="Renovierung", now=NOW)
    session.commit()
    mails = delivered(app, session, smtp_sink, 2)
    rejection = [m for m in mails if m["To"] == city.member.email][0]
    assert rejection["Subject"] == "Booking rejected: Deutschkurs"
    assert "Renovierung" in rejection.get_body(("plain",)).get_content()
    _, events = only_event(rejection, "CANCEL")
    assert str(events[0]["STATUS"]) == "CANCELLED"


def test_a_booking_held_at_once_is_confirmed_to_the_requester_only(
        app, session, smtp_sink, city):
    city.member.preferred_language = "en"
    session.commit()
    booking = book(session, city)
    mails = delivered(app, session, smtp_sink, 1)
    assert [m["To"] for m in mails] == [city.member.email]  # nothing for the managers to do
    assert mails[0]["Subject"] == "Booking confirmed: Deutschkurs"
    _, events = only_event(mails[0])
    assert str(events[0]["UID"]) == f"booking-{booking.id}@meetingplaces"
    assert str(events[0]["STATUS"]) == "CONFIRMED"


def test_a_series_is_one_event_with_its_rule_and_left_out_dates(
        app, session, smtp_sink, city):
    booking = book(session, city, rrule=weekly_rule(count=4), exdates=["2027-03-23"])
    cancel_booking(session, actor=city.member, booking=booking, reason="Ferien", scope="this",
                   date="2027-03-30", now=NOW)
    session.commit()
    mails = delivered(app, session, smtp_sink, 2)
    _, events = only_event(mails[-1])
    master = [e for e in events if "RRULE" in e][0]
    assert master["RRULE"]["COUNT"] == [4]
    left_out = sorted(d.dt.date().isoformat() for exdate in
                      (master["EXDATE"] if isinstance(master["EXDATE"], list)
                       else [master["EXDATE"]]) for d in exdate.dts)
    assert left_out == ["2027-03-23", "2027-03-30"]
    assert all(str(e["UID"]) == f"booking-{booking.id}@meetingplaces" for e in events)


def test_the_calendar_file_is_written_when_the_mail_is_sent_as_the_booking_was(
        app, session, city):
    """The request queues a snapshot, not the file (issue 19); the sender writes the same file
    the booking gave when the mail was queued, however the booking changed since."""
    city.room.approval_required = True
    session.commit()
    booking = book(session, city, rrule=weekly_rule(count=3), moved={
        date(2027, 3, 23): (local(2027, 3, 24, 17), local(2027, 3, 24, 19))})
    sender = BookingMails(zone=SETTINGS.zone, languages=("de",), secret_key="", link=str,
                          sender=app.config["MAIL_SENDER"])
    then = sender.ics_attachment(session, booking)
    queued = session.scalars(select(OutboxMessage)).all()
    assert queued and all(a["data"] == "" and a["maker"] == "booking.ics"
                          for message in queued for a in message.attachments)
    as_queued = attachment_data(queued[0].attachments[0])
    assert as_queued == attachment_data(then.__dict__)
    assert "DTSTART;TZID=Europe/Berlin:20270324T170000" in as_queued
    assert f"LOCATION:{city.room.name}\\, {city.facility.name}" in as_queued
    cancel_booking(session, actor=city.member, booking=booking, reason="Ferien", now=NOW)
    session.commit()
    assert attachment_data(queued[0].attachments[0]) == as_queued
    assert "STATUS:TENTATIVE" in as_queued and "METHOD:PUBLISH" in as_queued


def test_line_breaks_in_stored_texts_change_neither_the_headers_nor_the_calendar_file(
        app, session, smtp_sink, city, approval_room):
    """Forms and the API keep CR/LF out of one-line fields; should a title or a room name with
    them arrive by another way, the subject stays one line and the file written from the
    snapshot keeps one VEVENT, its UID and no ATTENDEE: the text stays text."""
    forged = "Kurs\r\nBcc: eve@example.org\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:forged@evil"
    city.room.name = "Saal\r\nATTENDEE:mailto:eve@example.org"
    session.commit()
    booking = book(session, city, title=forged)
    [mail] = delivered(app, session, smtp_sink, 1)
    assert mail["Bcc"] is None and "\n" not in mail["Subject"]
    assert "Kurs Bcc: eve@example.org END:VEVENT BEGIN:VEVENT UID:forged@evil" in mail["Subject"]
    _, events = only_event(mail)
    assert len(events) == 1
    assert str(events[0]["UID"]) == f"booking-{booking.id}@meetingplaces"
    assert str(events[0]["SUMMARY"]) == forged.replace("\r\n", "\n")
    assert "ATTENDEE" not in events[0]
    assert str(events[0]["LOCATION"]).startswith("Saal\nATTENDEE:mailto:eve@example.org, ")
