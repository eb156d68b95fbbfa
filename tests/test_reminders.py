"""Reminders the day before (`flask send-reminders`): the booker of each confirmed date, the
Spielmobil staff of their stops and the organiser of each event date get one mail in their
language; switched-off people and cancelled dates get none; a date is reminded once, also when
the command runs twice or on several nodes at the same moment."""

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from meetingplaces.booking import cancel_booking
from meetingplaces.events import approve_event, cancel_event
from meetingplaces.extensions import db
from meetingplaces.models import OutboxMessage
from meetingplaces.rounds import assign_staff, cancel_date

from . import rounds_factories
from .booking_factories import SETTINGS, book, city_fixture, local  # noqa: F401  (fixture)
from .events_factories import event
from .events_factories import local as berlin
from .rounds_factories import dates_of, save

NOW = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)  # Monday 16:00 in Wuppertal: tomorrow is 2 March
spielmobil = rounds_factories.spielmobil


@pytest.fixture
def app_config(compiled_translations):
    return {"FIXED_NOW": NOW, "BABEL_TRANSLATION_DIRECTORIES": compiled_translations}


def mails(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def to(session, person) -> list[OutboxMessage]:
    return [m for m in mails(session) if m.recipient == person.email]


def forget_mail(session) -> None:
    """The mails of the set-up (booking confirmed, staff assigned) are not what is tested."""
    session.execute(delete(OutboxMessage))
    session.commit()


def run(runner) -> str:
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def booked(session, city, title, day, start, end, actor=None):
    return book(session, city, title=title, actor=actor or city.member, now=NOW - timedelta(days=5),
                start=local(2027, 3, day, start), end=local(2027, 3, day, end))


def test_bookers_are_reminded_of_tomorrow_once_in_their_language(runner, session, make, city):
    english = make.member(city.organisation, preferred_language="en", name="Jo")
    quiet = make.member(city.organisation, name="Still")
    quiet.remind_bookings = False
    session.commit()
    booked(session, city, "Deutschkurs", 2, 18, 20)
    booked(session, city, "Homework club", 2, 10, 12, actor=english)
    booked(session, city, "Ohne Erinnerung", 2, 13, 14, actor=quiet)
    called_off = booked(session, city, "Abgesagt", 2, 15, 16)
    cancel_booking(session, actor=city.member, booking=called_off, reason="krank",
                   now=NOW - timedelta(days=1))
    booked(session, city, "Übermorgen", 3, 18, 20)
    asked = make.room(city.facility, name="Seminarraum", approval_required=True)
    book(session, city, title="Noch offen", resources=[asked], now=NOW - timedelta(days=5),
         start=local(2027, 3, 2, 9), end=local(2027, 3, 2, 10))
    forget_mail(session)

    assert run(runner).strip() == "2 reminders queued"
    assert run(runner).strip() == "0 reminders queued", "a date is reminded once"

    german = to(session, city.member)
    assert [m.subject for m in german] == ["Morgen 18:00: Deutschkurs"]
    assert "Dienstag, 2. März 2027" in german[0].body and "18:00 bis 20:00" in german[0].body
    assert city.room.name in german[0].body and city.facility.address in german[0].body
    assert f"/bookings/{german[0].body.split('/bookings/')[1].split()[0]}" in german[0].body
    assert "/account/" in german[0].body
    [in_english] = to(session, english)
    assert in_english.subject == "Tomorrow 10:00: Homework club"
    assert "Tuesday, 2 March 2027" in in_english.body and "10:00 to 12:00" in in_english.body
    assert ":00:00" not in in_english.body, "times without seconds"
    assert to(session, quiet) == [] and to(session, city.manager) == []
    assert {m.quarter_id for m in mails(session)} == {city.quarter.id}, "its managers see it"
    assert not [m for m in mails(session) if "Abgesagt" in m.subject + m.body
                or "Übermorgen" in m.subject or "Noch offen" in m.subject]


def test_the_switches_are_on_the_account_page(browser, session, city):
    browser.login(city.member.email)
    page = browser.get("/account/").get_data(as_text=True)
    assert 'name="remind_bookings"' in page and 'name="remind_events"' in page
    assert 'name="remind_stops"' not in page, "only for the Spielmobil team"
    response = browser.post("/account/", {"name": "Amira", "preferred_language": "de",
                                          "remind_events": "y"})
    assert response.status_code == 302
    session.expire_all()
    assert (city.member.remind_bookings, city.member.remind_events) == (False, True)
    assert city.member.remind_stops is True, "a switch not offered stays as it was"
    data = json.loads(browser.get("/account/data.json").get_data(as_text=True))
    assert data["account"]["reminders"] == {"bookings": False, "events": True, "stops": True}


def test_organisers_are_reminded_of_tomorrow_s_event_dates(runner, session, make, city):
    admin = make.member(city.organisation, role="admin", name="Leitung")
    other_admin = make.member(city.organisation, role="admin", name="Ruhe")
    other_admin.remind_events = False
    session.commit()
    proposed = event(session, city.member, city.quarter, title="Lesecafé",
                     organisation=city.organisation, now=NOW - timedelta(days=5),
                     starts_at=berlin(2027, 3, 2, 15), ends_at=berlin(2027, 3, 2, 17))
    approve_event(session, proposed, actor=city.manager, now=NOW - timedelta(days=4))
    event(session, city.manager, city.quarter, title="Stadtteilfest", now=NOW - timedelta(days=5),
          organisation=city.organisation, address="Marktplatz 1", resource=city.room,
          starts_at=berlin(2027, 3, 2, 11), ends_at=berlin(2027, 3, 2, 14))
    called_off = event(session, city.manager, city.quarter, title="Abgesagtes Fest",
                       organisation=city.organisation, now=NOW - timedelta(days=5),
                       starts_at=berlin(2027, 3, 2, 18), ends_at=berlin(2027, 3, 2, 19))
    cancel_event(session, called_off, actor=city.manager, now=NOW - timedelta(days=1),
                 reason="Regen")
    event(session, city.manager, city.quarter, title="Ohne Organisation",
          now=NOW - timedelta(days=5), starts_at=berlin(2027, 3, 2, 9),
          ends_at=berlin(2027, 3, 2, 10))
    forget_mail(session)

    run(runner)
    run(runner)
    [proposer_mail] = to(session, city.member)
    assert proposer_mail.subject == "Morgen: Lesecafé"
    assert "15:00 bis 17:00" in proposer_mail.body
    assert f"/events/{proposed.id}" in proposer_mail.body
    assert [m.subject for m in to(session, admin)] == ["Morgen: Stadtteilfest"]
    assert "Marktplatz 1" in to(session, admin)[0].body
    assert to(session, other_admin) == []
    assert {m.quarter_id for m in mails(session)} == {city.quarter.id}, "its managers see it"
    assert to(session, city.manager) == [], "the room's hold for the event is no booking of hers"
    assert not [m for m in mails(session) if "Abgesagtes" in m.subject]


def test_the_staff_are_reminded_of_their_stops_not_of_cancelled_ones(
        app, runner, session, make, spielmobil):
    round_ = save(session, spielmobil)
    markt = dates_of(round_, "Wichlinghauser Markt")[0]
    platz = dates_of(round_, "Heckinghauser Platz")[0]
    quiet = make.user(is_spielmobil_staff=True, remind_stops=False)
    arabic = make.user(is_spielmobil_staff=True, preferred_language="ar")
    for round_date, staff in ((markt, [spielmobil.staff, quiet, arabic]),
                              (platz, [spielmobil.staff])):
        assign_staff(session, actor=spielmobil.manager, round_date=round_date, staff=staff,
                     now=rounds_factories.NOW, settings=SETTINGS)
    cancel_date(session, actor=spielmobil.manager, round_date=platz, reason="Regen",
                now=rounds_factories.NOW, settings=SETTINGS)
    session.commit()
    forget_mail(session)
    app.config["FIXED_NOW"] = markt.starts_at - timedelta(hours=20)

    run(runner)
    sent = mails(session)
    assert sorted(m.recipient for m in sent) == sorted([spielmobil.staff.email, arabic.email])
    [reminder] = [m for m in sent if m.recipient == spielmobil.staff.email]
    assert reminder.subject == "Spielmobil morgen 15:00: Wichlinghauser Markt"
    assert f"/rounds/dates/{markt.id}" in reminder.body
    assert "Wichlinghauser Markt 1" in reminder.body
    assert {m.quarter_id for m in sent} == {markt.stop.quarter_id}, "the stop's quarter"
    [in_arabic] = [m for m in sent if m.recipient == arabic.email]
    assert "Wichlinghauser Markt" in in_arabic.subject and "morgen" not in in_arabic.subject
    assert "Heckinghauser" not in " ".join(m.subject for m in sent), "cancelled"
    assert spielmobil.manager.email not in {m.recipient for m in sent}, \
        "the van's bookings of a round are not the planner's to be reminded of"


def test_two_nodes_at_once_remind_each_date_once(app, session, city, make):
    for n in range(3):
        booked(session, city, f"Kurs {n}", 2, 9 + 2 * n, 10 + 2 * n)
    forget_mail(session)
    barrier, errors = threading.Barrier(4), []

    def node():
        from meetingplaces.cli import send_reminders

        try:
            with app.app_context():
                barrier.wait(timeout=30)
                send_reminders.callback()
                db.session.remove()
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)

    threads = [threading.Thread(target=node) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(m.subject for m in to(session, city.member)) == [
        "Morgen 09:00: Kurs 0", "Morgen 11:00: Kurs 1", "Morgen 13:00: Kurs 2"]
