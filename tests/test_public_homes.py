"""Every feed has a public home: the Spielmobil's page (its stops by quarter, the webcal link,
the poster) in the navigation, and a quarter's and a facility's own page with their next
events and the subscribe box."""

import html
import re

import pytest

from meetingplaces.events import cancel_event

from . import rounds_factories
from .events_factories import event, local
from .rounds_factories import NOW, save

spielmobil = rounds_factories.spielmobil


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


def links(page: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'href="([^"]+)"', page)]


def test_the_spielmobil_page_is_in_the_navigation_with_its_stops_by_quarter(
        client, session, spielmobil):
    save(session, spielmobil)
    home = client.get("/").get_data(as_text=True)
    assert "/spielmobil" in links(home)
    response = client.get("/spielmobil")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.index("Heckinghausen") < page.index("Wichlinghausen/Oberbarmen")
    assert "Heckinghauser Platz" in page and "Berliner Platz" in page
    assert "webcal://localhost.test/resources/spielmobil/calendar.ics" in links(page)
    poster = [link for link in links(page) if "/spielmobil/spielmobil/poster" in link]
    assert poster and client.get(poster[0]).status_code == 200


def test_the_van_poster_lists_the_stops_with_a_code_to_subscribe(client, session, spielmobil,
                                                                  app):
    save(session, spielmobil)
    app.config["FIXED_NOW"] = local(2027, 4, 12, 9)
    poster = client.get("/spielmobil/spielmobil/poster?period=week").get_data(as_text=True)
    assert "Heckinghauser Platz" in poster and "<svg" in poster
    assert "/resources/spielmobil/calendar.ics" in poster


def test_several_vans_get_a_choice_and_an_unknown_van_is_not_found(client, session, make,
                                                                   spielmobil):
    make.mobile(spielmobil.heckinghausen, slug="kistenmobil", name="Kistenmobil")
    choice = client.get("/spielmobil").get_data(as_text=True)
    assert "/spielmobil/kistenmobil" in links(choice) and "/spielmobil/spielmobil" in links(
        choice)
    assert client.get("/spielmobil/gibt-es-nicht").status_code == 404
    assert client.get("/spielmobil/gibt-es-nicht/poster").status_code == 404


def test_a_quarter_page_shows_its_next_events_and_the_subscribe_box(client, session, make):
    quarter = make.quarter(slug="ostersbaum", name="Ostersbaum")
    manager = make.manager(quarter)
    event(session, manager, quarter, title="Sprachcafé", starts_at=local(2027, 3, 2, 18),
          ends_at=local(2027, 3, 2, 20), now=NOW)
    called_off = event(session, manager, quarter, title="Filmabend",
                       starts_at=local(2027, 3, 5, 19), ends_at=local(2027, 3, 5, 21), now=NOW)
    cancel_event(session, called_off, actor=manager, now=NOW, reason="Krank")
    session.commit()
    page = client.get("/quarters/ostersbaum").get_data(as_text=True)
    assert "Sprachcafé" in page and "Filmabend" in page and "badge--danger" in page
    assert "webcal://localhost.test/quarters/ostersbaum/calendar.ics" in links(page)
    assert "/quarters/ostersbaum/calendar" in links(page)
    arabic = client.get("/quarters/ostersbaum?lang=ar").get_data(as_text=True)
    assert "webcal://localhost.test/quarters/ostersbaum/calendar.ics?lang=ar" in links(arabic)


def test_a_facility_page_shows_its_next_events_and_the_subscribe_box(client, session, make):
    quarter = make.quarter(slug="ostersbaum", name="Ostersbaum")
    facility = make.facility(quarter, slug="alte-feuerwache", name="Alte Feuerwache")
    manager = make.manager(quarter)
    event(session, manager, quarter, title="Nähcafé", facility=facility,
          starts_at=local(2027, 3, 3, 15), ends_at=local(2027, 3, 3, 17), now=NOW)
    event(session, manager, quarter, title="Anderswo", starts_at=local(2027, 3, 3, 15),
          ends_at=local(2027, 3, 3, 17), now=NOW)
    page = client.get("/facilities/alte-feuerwache").get_data(as_text=True)
    assert "Nähcafé" in page and "Anderswo" not in page
    assert "webcal://localhost.test/facilities/alte-feuerwache/calendar.ics" in links(page)


def test_a_place_without_events_says_so(client, make):
    make.quarter(slug="leer", name="Leer")
    page = client.get("/quarters/leer").get_data(as_text=True)
    assert "No events in the coming weeks." in page or "Keine Veranstaltungen" in page
