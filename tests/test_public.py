"""What residents see without an account: quarters, their places and organisations."""

from datetime import UTC, datetime

from .manage_factories import closure


def test_quarter_page_lists_facilities_mobile_offers_and_organisations(client, make):
    quarter = make.quarter(slug="nordstadt", name="Nordstadt")
    make.facility(quarter, name="Alte Feuerwache", address="Gathe 6")
    make.mobile(quarter, name="Kistenmobil", slug="kistenmobil", equipment=["play"])
    make.organisation(quarter, name="Sprachcafé Nordstadt")
    html = client.get("/quarters/nordstadt?lang=en").get_data(as_text=True)
    assert "Alte Feuerwache" in html and "Gathe 6" in html
    assert "Kistenmobil" in html and "Play equipment" in html
    assert 'href="/spielmobil/kistenmobil"' in html, "a mobile offer links to its public page"
    assert "Sprachcafé Nordstadt" in html


def test_facility_page_shows_rooms_hours_and_coming_closures(client, make, session):
    quarter = make.quarter()
    monday = ((0, 0, "09:00", "13:00"), (0, 0, "14:00", "21:00"))
    facility = make.facility(quarter, slug="nachbarschaftsheim", hours=monday)
    make.room(facility, name="Saal", capacity=80, equipment=["piano"], step_free=True)
    make.room(facility, name="Keller", capacity=12, step_free=False)
    closure(session, facility=facility, reason="Sommerferien",
            starts_at=datetime(2030, 7, 1, 6, tzinfo=UTC),
            ends_at=datetime(2030, 7, 20, 20, tzinfo=UTC))
    closure(session, facility=facility, reason="Längst vorbei",
            starts_at=datetime(2020, 7, 1, 6, tzinfo=UTC),
            ends_at=datetime(2020, 7, 20, 20, tzinfo=UTC))
    html = client.get("/facilities/nachbarschaftsheim?lang=en").get_data(as_text=True)
    assert "Saal" in html and "Up to 80 people" in html and "Piano" in html
    assert "Keller" in html and "not step-free" in html
    german = client.get("/facilities/nachbarschaftsheim?lang=de").get_data(as_text=True)
    assert '09:00–13:00</span>, <span class="time-span">14:00–21:00' in german
    assert "Sommerferien" in html and "Längst vorbei" not in html


def test_closure_of_a_room_is_shown_on_its_facility_page(client, make, session):
    facility = make.facility(slug="nbz")
    room = make.room(facility, name="Kursraum")
    closure(session, resource=room, reason="Malerarbeiten")
    html = client.get("/facilities/nbz").get_data(as_text=True)
    assert "Malerarbeiten" in html and "Kursraum" in html


def test_closures_are_shown_in_the_city_time_zone(client, make, session):
    facility = make.facility(slug="ot-hoehe")
    closure(session, facility=facility, starts_at=datetime(2030, 12, 23, 23, 0, tzinfo=UTC),
            ends_at=datetime(2030, 12, 24, 23, 0, tzinfo=UTC))
    html = client.get("/facilities/ot-hoehe?lang=en").get_data(as_text=True)
    assert "24/12/2030, 00:00" in html  # midnight in Berlin, not 23:00 UTC


def test_inactive_rooms_vans_organisations_and_facilities_are_not_shown(client, make):
    quarter = make.quarter(slug="leineberg")
    facility = make.facility(quarter, slug="stadtteilbuero")
    make.facility(quarter, name="Geschlossenes Haus", slug="zu", active=False)
    make.room(facility, name="Beratungsraum", active=False)
    make.mobile(quarter, name="Alter Bus", active=False)
    make.organisation(quarter, name="Wartende Initiative", slug="wartend", status="pending")
    make.organisation(quarter, name="Aufgelöster Verein", slug="weg", status="inactive")
    quarter_page = client.get("/quarters/leineberg").get_data(as_text=True)
    for hidden in ("Geschlossenes Haus", "Alter Bus", "Wartende Initiative", "Aufgelöster Verein"):
        assert hidden not in quarter_page
    assert "Beratungsraum" not in client.get("/facilities/stadtteilbuero").get_data(as_text=True)
    assert client.get("/facilities/zu").status_code == 404
    assert client.get("/organisations/wartend").status_code == 404
    assert client.get("/organisations/weg").status_code == 404


def test_organisation_page_never_shows_the_private_contact(client, make):
    make.organisation(
        slug="kulturverein", name="Kulturverein", description="Hausaufgabenhilfe",
        languages=["ar", "ku"], public_contact="info@kulturverein.example.org",
        show_contact_publicly=True, private_contact_email="vorstand@kulturverein.example.org",
        private_contact_phone="0202 999999",
    )
    html = client.get("/organisations/kulturverein?lang=en").get_data(as_text=True)
    assert "Kulturverein" in html and "Hausaufgabenhilfe" in html
    assert "Arabic" in html and "Kurdish" in html
    assert "info@kulturverein.example.org" in html
    assert "vorstand@kulturverein.example.org" not in html and "0202 999999" not in html


def test_public_contact_is_shown_only_when_the_organisation_chose_so(client, make):
    make.organisation(slug="zurueckhaltend", public_contact="kontakt@example.org",
                      show_contact_publicly=False)
    html = client.get("/organisations/zurueckhaltend").get_data(as_text=True)
    assert "kontakt@example.org" not in html


def test_organisation_of_an_inactive_quarter_is_not_shown(client, make):
    quarter = make.quarter(active=False)
    make.organisation(quarter, slug="im-inaktiven-quartier")
    assert client.get("/organisations/im-inaktiven-quartier").status_code == 404
