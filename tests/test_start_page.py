"""The start page after login: a manager sees what waits in their quarters and the week's
programme, an initiative its requests, next dates and what needs its answer, the Spielmobil
team its next stops; nobody sees another quarter's, organisation's or city's things."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event as sqlalchemy_event

from meetingplaces.booking import cancel_booking
from meetingplaces.events import move_occurrence
from meetingplaces.extensions import db
from meetingplaces.models import OutboxMessage
from meetingplaces.models.bookings import WaitingRequest, WaitingStatus
from meetingplaces.rounds import assign_staff

from . import rounds_factories
from .booking_factories import SETTINGS, book, local
from .events_factories import event
from .events_factories import local as berlin
from .rounds_factories import dates_of, save

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # Monday, 10:00 in Wuppertal
spielmobil = rounds_factories.spielmobil


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


class Scene:
    """Two quarters of Wuppertal (the manager's and another) and one of Göttingen, each with
    a facility, a room that confirms at once, a room that asks the manager, an initiative."""

    def __init__(self, make, session):
        self.session = session
        self.mine = make.quarter(name="Ostersbaum")
        self.other = make.quarter(name="Höhe")
        self.goettingen = make.quarter(name="Grone", city="Göttingen")
        self.rooms = {}
        for quarter in (self.mine, self.other, self.goettingen):
            facility = make.facility(quarter, name=f"Haus {quarter.name}")
            self.rooms[quarter.name] = (
                make.room(facility, name=f"Saal {quarter.name}"),
                make.room(facility, name=f"Seminarraum {quarter.name}", approval_required=True))
        self.organisation = make.organisation(self.mine, name="Sprachcafé")
        self.member = make.member(self.organisation, role="admin", name="Amira")
        self.stranger_organisation = make.organisation(self.other, name="Fremde Gruppe")
        self.stranger = make.member(self.stranger_organisation, name="Bernd")
        self.manager = make.manager(self.mine, name="Maria")
        self.other_manager = make.manager(self.other)

    def book(self, quarter, title, day, start, end, *, asks=False, stranger=False):
        room = self.rooms[quarter.name][1 if asks else 0]
        return book(self.session, None, resources=[room], title=title,
                    actor=self.stranger if stranger else self.member,
                    organisation=self.stranger_organisation if stranger else self.organisation,
                    start=local(2027, 3, day, start), end=local(2027, 3, day, end),
                    now=NOW - timedelta(days=7))

    def offer(self, quarter, title, organisation):
        room = self.rooms[quarter.name][0]
        entry = WaitingRequest(
            organisation=organisation, resource_ids=[room.id], title=title,
            local_start=local(2027, 3, 4, 10), local_end=local(2027, 3, 4, 12),
            starts_at=berlin(2027, 3, 4, 10), ends_at=berlin(2027, 3, 4, 12),
            status=WaitingStatus.OFFERED, offered_at=NOW - timedelta(hours=1),
            offer_expires_at=NOW + timedelta(hours=23))
        self.session.add(entry)
        self.session.commit()
        return entry


@pytest.fixture
def scene(make, session):
    scene = Scene(make, session)
    mine, other = scene.mine, scene.other
    scene.book(mine, "Deutschkurs", 1, 14, 16)
    nähcafe = scene.book(mine, "Nähcafé", 2, 10, 12)
    cancel_booking(session, actor=scene.member, booking=nähcafe, reason="krank",
                   now=NOW - timedelta(days=1))
    scene.request = scene.book(mine, "Elterncafé", 3, 18, 20, asks=True)
    scene.book(other, "Fremde Anfrage", 1, 15, 17, asks=True, stranger=True)
    scene.book(other, "Fremder Kurs", 1, 11, 12, stranger=True)
    scene.book(scene.goettingen, "Göttinger Kurs", 1, 12, 13, stranger=True)
    film = scene.book(mine, "Filmabend", 5, 19, 21)
    event(session, scene.manager, mine, now=NOW - timedelta(days=6), title="Filmabend im Saal",
          booking=film, starts_at=berlin(2027, 3, 5, 19), ends_at=berlin(2027, 3, 5, 21),
          organisation=scene.organisation)
    cancel_booking(session, actor=scene.member, booking=film, reason="Saal nass",
                   now=NOW - timedelta(days=1))
    event(session, scene.manager, mine, title="Sprachcafé am Abend", now=NOW - timedelta(days=6),
          facility=scene.rooms[mine.name][0].facility,
          starts_at=berlin(2027, 3, 1, 18), ends_at=berlin(2027, 3, 1, 20))
    event(session, scene.other_manager, other, title="Fremdes Fest", now=NOW - timedelta(days=6),
          starts_at=berlin(2027, 3, 1, 18), ends_at=berlin(2027, 3, 1, 20))
    event(session, scene.member, mine, title="Vorschlag Lesecafé", now=NOW - timedelta(days=2),
          organisation=scene.organisation,
          starts_at=berlin(2027, 3, 20, 15), ends_at=berlin(2027, 3, 20, 17))
    event(session, scene.stranger, other, title="Fremder Vorschlag", now=NOW - timedelta(days=2),
          organisation=scene.stranger_organisation,
          starts_at=berlin(2027, 3, 20, 15), ends_at=berlin(2027, 3, 20, 17))
    event(session, scene.member, mine, title="Entwurf Basar", now=NOW - timedelta(days=2),
          organisation=scene.organisation, submit=False,
          starts_at=berlin(2027, 4, 20, 15), ends_at=berlin(2027, 4, 20, 17))
    make.organisation(mine, name="Neue Nachbarn", status="pending")
    make.organisation(other, name="Fremde Anmeldung", status="pending")
    scene.offer(mine, "Warteliste Saal", scene.organisation)
    scene.offer(other, "Fremde Warteliste", scene.stranger_organisation)
    session.add(OutboxMessage(recipient="weg@example.org", subject="Unzustellbar",
                              body="...", last_error="550 no such user", failed_at=NOW))
    session.commit()
    return scene


def section(html: str, key: str) -> str:
    """The HTML of one section of the start page (by its id)."""
    match = re.search(rf'<section class="start-section" aria-labelledby="{key}-h" id="{key}">'
                      r"(.*?)</section>", html, re.S)
    assert match, f"no section {key}"
    return match.group(1)


def count_of(html: str, key: str) -> int:
    return int(re.search(r'<span class="count">\((\d+)\)</span>', section(html, key)).group(1))


def day_section(html: str, index: int) -> str:
    match = re.search(rf'aria-labelledby="day-{index}-h">(.*?)</section>', html, re.S)
    return match.group(1)


def test_after_login_a_manager_lands_on_the_start_page(browser, scene):
    response = browser.login(scene.manager.email)
    assert response.headers["Location"] == "/start"
    page = browser.get("/start").get_data(as_text=True)
    assert 'class="brand" href="/start"' in page
    browser.logout()
    assert browser.get("/start").status_code == 302
    assert 'class="brand" href="/"' in browser.get("/").get_data(as_text=True)


def test_a_manager_sees_what_waits_in_their_quarters_only(browser, scene):
    browser.login(scene.manager.email)
    html = browser.get("/start").get_data(as_text=True)
    expected = {"requests": ("Elterncafé", "Fremde Anfrage"),
                "proposals": ("Vorschlag Lesecafé", "Fremder Vorschlag"),
                "registrations": ("Neue Nachbarn", "Fremde Anmeldung"),
                "offers": ("Warteliste Saal", "Fremde Warteliste"),
                "rooms-gone": ("Filmabend im Saal", "Fremdes Fest")}
    for key, (shown, hidden) in expected.items():
        assert count_of(html, key) == 1, key
        assert shown in section(html, key) and hidden not in html, key
    assert "the booking was cancelled" in section(html, "rooms-gone")
    for key in ("requests", "proposals", "registrations", "offers"):
        # a date keeps its own reading order beside Latin names on an Arabic page
        assert re.search(r'· <span class="time-span">[^<]*\d[^<]*</span>',
                         section(html, key)), key
    assert 'id="waiting-h">Waiting for you <span class="count">(5)</span>' in html
    assert count_of(html, "failed-mail") == 0 and "Unzustellbar" not in html, "about no quarter"
    assert 'id="initiative-h"' not in html and 'id="team-h"' not in html
    # Each thing links to where it is handled, and every link works.
    assert f'href="/bookings/{scene.request.id}"' in section(html, "requests")
    links = set(re.findall(r'href="(/[^"#]*)"', html.split('<main id="main"', 1)[1]))
    assert {"/bookings/queue", "/events/moderation", "/invitations/registrations"} <= links
    for link in sorted(links):
        assert browser.get(link.replace("&amp;", "&")).status_code == 200, link


def test_the_programme_shows_events_and_bookings_together_by_place_and_time(browser, scene):
    weekly = event(scene.session, scene.manager, scene.mine, title="Hausaufgabenhilfe",
                   now=NOW - timedelta(days=30), place_name="Schulhof", rrule="FREQ=WEEKLY",
                   starts_at=berlin(2027, 2, 24, 15), ends_at=berlin(2027, 2, 24, 17))
    move_occurrence(scene.session, weekly, date(2027, 3, 3), actor=scene.manager,
                    now=NOW - timedelta(days=2), starts_at=berlin(2027, 3, 4, 15),
                    ends_at=berlin(2027, 3, 4, 17))
    event(scene.session, scene.manager, scene.mine, title="Tanzcafé", now=NOW - timedelta(days=6),
          resource=scene.rooms[scene.mine.name][0], starts_at=berlin(2027, 3, 4, 19),
          ends_at=berlin(2027, 3, 4, 21))  # holds its room: one line, not an event and a booking
    scene.session.commit()
    browser.login(scene.manager.email)
    html = browser.get("/start").get_data(as_text=True)
    today = day_section(html, 1)
    assert "Today, Montag, 1. März 2027" in today, "the manager reads German"
    place = scene.rooms[scene.mine.name][0].facility.name
    assert today.count("<h4>") == 1 and f"<h4>{place}</h4>" in today
    assert today.index("14:00–16:00") < today.index("Deutschkurs") \
        < today.index("18:00–20:00") < today.index("Sprachcafé am Abend")
    for foreign in ("Fremder Kurs", "Göttinger Kurs", "Fremdes Fest"):
        assert foreign not in html
    tuesday, wednesday, friday = (day_section(html, n) for n in (2, 3, 5))
    assert 'class="is-cancelled"' in tuesday and "Nähcafé" in tuesday
    assert "Elterncafé" in wednesday and "pending" in wednesday
    # The booking was cancelled, its event still stands: both show, each for what it is.
    assert "Filmabend im Saal" in friday and 'badge--cancelled' in friday
    thursday = day_section(html, 4)
    assert "<h4>Schulhof</h4>" in thursday and ">moved</span>" in thursday, "moved here"
    assert "Hausaufgabenhilfe" not in wednesday
    assert thursday.count("Tanzcafé") == 1 and "/events/" in thursday.split("Tanzcafé")[0][-200:]
    assert "Nothing is planned on this day." in day_section(html, 6)
    assert '<span class="count">(2)</span>' in html.split('id="day-1-h">', 1)[1][:120]


def test_the_start_page_costs_the_same_queries_with_more_waiting(browser, scene, make):
    browser.login(scene.manager.email)
    statements = []

    def count(*_args):
        statements.append(1)

    sqlalchemy_event.listen(db.engine, "before_cursor_execute", count)
    try:
        scene.session.expire_all()  # as after the data below is committed
        browser.get("/start")
        first = len(statements)
        for day in (8, 9, 10):
            scene.book(scene.mine, f"Anfrage {day}", day, 9, 10, asks=True)
        event(scene.session, scene.manager, scene.mine, title="Noch ein Termin",
              now=NOW - timedelta(days=6), starts_at=berlin(2027, 3, 2, 9),
              ends_at=berlin(2027, 3, 2, 10))
        make.organisation(scene.mine, name="Noch eine", status="pending")
        statements.clear()
        html = browser.get("/start").get_data(as_text=True)
    finally:
        sqlalchemy_event.remove(db.engine, "before_cursor_execute", count)
    assert count_of(html, "requests") == 4 and count_of(html, "registrations") == 2
    assert len(statements) == first <= 60


def test_the_city_coordinator_also_sees_undelivered_mail(browser, scene, make):
    admin = make.admin()
    browser.login(admin.email)
    html = browser.get("/start").get_data(as_text=True)
    assert count_of(html, "failed-mail") == 1 and "Unzustellbar" in section(html, "failed-mail")
    assert count_of(html, "requests") == 2, "every quarter's"
    assert "Göttinger Kurs" in html


def test_an_initiative_sees_its_requests_next_dates_and_what_needs_its_answer(browser, scene):
    browser.login(scene.member.email)
    html = browser.get("/start").get_data(as_text=True)
    assert 'id="waiting-h"' not in html and 'id="programme-h"' not in html
    assert count_of(html, "my-requests") == 1 and "Elterncafé" in section(html, "my-requests")
    answer = section(html, "answer")
    assert count_of(html, "answer") == 3
    assert "Warteliste Saal" in answer and "/bookings/offers/" in answer
    assert "Entwurf Basar" in answer and "Filmabend im Saal" in answer
    upcoming = section(html, "next-dates")
    assert upcoming.index("Deutschkurs") < upcoming.index("Elterncafé")
    assert "Nähcafé" not in upcoming, "cancelled"
    for foreign in ("Fremde", "Fremder"):
        assert foreign not in html
    offer_link = re.search(r'href="(/bookings/offers/[^"]+)"', answer).group(1)
    assert "Warteliste Saal" in browser.get(offer_link).get_data(as_text=True)


def test_the_spielmobil_team_sees_its_next_stops_and_someone_new_an_empty_page(
        browser, session, make, spielmobil):
    round_ = save(session, spielmobil)
    mine, other = dates_of(round_, "Wichlinghauser Markt")[:2]
    assign_staff(session, actor=spielmobil.manager, round_date=mine, staff=[spielmobil.staff],
                 now=NOW, settings=SETTINGS)
    session.commit()
    browser.login(spielmobil.staff.email)
    html = browser.get("/start").get_data(as_text=True)
    assert count_of(html, "stops") == 1
    assert f'href="/rounds/dates/{mine.id}"' in html and f"/rounds/dates/{other.id}\"" not in html
    assert browser.get(f"/rounds/dates/{mine.id}").status_code == 200
    # the day and the times are joined as the reader joins them: the Arabic comma in Arabic
    stop = re.search(r'<span class="start-time">([^<]*)</span>', html).group(1)
    assert re.search(r"\., \d\d:\d\d–\d\d:\d\d$", stop), stop
    browser.get("/?lang=ar")
    arabic = re.search(r'<span class="start-time">([^<]*)</span>',
                       browser.get("/start").get_data(as_text=True)).group(1)
    assert "،" in arabic and "," not in arabic, arabic
    browser.logout()
    browser.login(make.user().email)
    html = browser.get("/start").get_data(as_text=True)
    assert "Nothing waits for you here yet." in html and 'class="start-section"' not in html

