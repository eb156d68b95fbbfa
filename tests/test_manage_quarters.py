"""The city coordinator creates quarters and switches them off; managers edit their own."""

import pytest

from meetingplaces.errors import InvalidInput
from meetingplaces.models import Quarter
from meetingplaces.slugs import flush_claiming_slug, slugify

from .manage_factories import quarter_form


def test_slugs_are_made_from_names_with_german_transliteration():
    assert slugify("Höhe") == "hoehe"
    assert slugify("Wichlinghausen/Oberbarmen") == "wichlinghausen-oberbarmen"
    assert slugify("Zentrum für Kinder und Jugendliche Röttgen") == (
        "zentrum-fuer-kinder-und-jugendliche-roettgen"
    )
    assert slugify("Große Straße") == "grosse-strasse"
    assert slugify("ÄÖÜ Café  Übersee!") == "aeoeue-cafe-uebersee"
    assert slugify("مقهى") == ""
    assert len(slugify("Nachbarschaftszentrum " * 10)) <= 80


def test_admin_creates_a_quarter_with_a_slug_made_from_its_name(browser, make, session):
    browser.login(make.admin().email)
    response = browser.post("/manage/quarters/new", quarter_form(name="Höhe"))
    assert response.status_code == 302
    quarter = session.query(Quarter).one()
    assert (quarter.slug, quarter.name, quarter.city) == ("hoehe", "Höhe", "Wuppertal")
    assert response.headers["Location"].endswith(f"/manage/quarters/{quarter.id}")


def test_typed_slug_is_kept(browser, make, session):
    browser.login(make.admin().email)
    browser.post("/manage/quarters/new", quarter_form(name="Uellendahl Ost", slug="uellendahl"))
    assert session.query(Quarter).one().slug == "uellendahl"


def test_duplicate_quarter_slug_is_refused_and_nothing_typed_is_lost(browser, make, session):
    make.quarter(slug="grone", name="Grone")
    browser.login(make.admin().email)
    response = browser.post(
        "/manage/quarters/new",
        quarter_form(name="Grone", city="Göttingen", description="Stadtteil im Westen",
                     holiday_region="NI"),
        headers={"Accept-Language": "en"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The web address “grone” is already taken. Please choose another one." in html
    assert 'id="slug-error"' in html and 'aria-invalid="true"' in html
    assert 'value="Göttingen"' in html and "Stadtteil im Westen" in html
    assert '<option selected value="NI">' in html
    assert session.query(Quarter).count() == 1


def test_malformed_slug_is_refused(browser, make):
    browser.login(make.admin().email)
    response = browser.post("/manage/quarters/new", quarter_form(slug="Höhe Süd!"))
    assert response.status_code == 422
    assert 'id="slug-error"' in response.get_data(as_text=True)
    assert 'value="Höhe Süd!"' in response.get_data(as_text=True)


def test_name_that_gives_no_slug_asks_for_one(browser, make):
    browser.login(make.admin().email)
    response = browser.post("/manage/quarters/new", quarter_form(name="مقهى"))
    assert response.status_code == 422
    assert 'id="slug-error"' in response.get_data(as_text=True)


def test_manager_edits_own_quarter_and_keeps_its_slug(browser, make, session):
    quarter = make.quarter(slug="ostersbaum", name="Ostersbaum")
    browser.login(make.manager(quarter).email)
    page = browser.get(f"/manage/quarters/{quarter.id}/edit").get_data(as_text=True)
    assert 'value="ostersbaum"' in page
    response = browser.post(
        f"/manage/quarters/{quarter.id}/edit",
        quarter_form(name="Ostersbaum", slug="ostersbaum", description="Neu beschrieben"),
    )
    assert response.status_code == 302
    session.expire_all()
    assert quarter.description == "Neu beschrieben" and quarter.slug == "ostersbaum"


def test_manager_may_not_create_or_edit_other_quarters(browser, make, session):
    mine, theirs = make.quarter(), make.quarter(name="Grone")
    browser.login(make.manager(mine).email)
    assert browser.get("/manage/quarters/new").status_code == 403
    assert browser.post("/manage/quarters/new", quarter_form()).status_code == 403
    assert browser.get(f"/manage/quarters/{theirs.id}").status_code == 403
    response = browser.post(f"/manage/quarters/{theirs.id}/edit", quarter_form(name="Mine now"))
    assert response.status_code == 403
    session.expire_all()
    assert theirs.name == "Grone"


def test_only_the_admin_deactivates_a_quarter(browser, make, session):
    quarter = make.quarter()
    browser.login(make.manager(quarter).email)
    assert browser.post(f"/manage/quarters/{quarter.id}/active",
                        {"active": "0", "confirmed": "yes"}).status_code \
        == 403
    session.expire_all()
    assert quarter.active


def test_deactivated_quarter_vanishes_from_public_pages(browser, make, client):
    quarter = make.quarter(slug="heckinghausen", name="Heckinghausen")
    make.facility(quarter, slug="stadtteilbuero")
    browser.login(make.admin().email)
    assert browser.post(f"/manage/quarters/{quarter.id}/active",
                        {"active": "0", "confirmed": "yes"}).status_code \
        == 302
    assert "Heckinghausen" not in client.get("/").get_data(as_text=True)
    assert client.get("/quarters/heckinghausen").status_code == 404
    assert client.get("/facilities/stadtteilbuero").status_code == 404
    browser.post(f"/manage/quarters/{quarter.id}/active", {"active": "1"})
    assert "Heckinghausen" in client.get("/").get_data(as_text=True)
    assert client.get("/facilities/stadtteilbuero").status_code == 200


def test_dashboard_lists_only_the_managers_quarters(browser, make):
    mine = make.quarter(name="Leineberg")
    make.quarter(name="Weststadt")
    browser.login(make.manager(mine).email)
    html = browser.get("/manage/").get_data(as_text=True)
    assert "Leineberg" in html and "Weststadt" not in html
    assert "/manage/quarters/new" not in html and "/manage/users" not in html


def test_dashboard_of_admin_offers_new_quarter_and_users(browser, make):
    make.quarter(name="Leineberg")
    browser.login(make.admin().email)
    html = browser.get("/manage/").get_data(as_text=True)
    assert "Leineberg" in html
    assert "/manage/quarters/new" in html and "/manage/users" in html
    assert 'href="/invitations/"' in html


def test_initiative_member_and_anonymous_visitor_cannot_enter(browser, make, client):
    assert client.get("/manage/").status_code == 302  # to the login page
    member = make.member(make.organisation())
    browser.login(member.email)
    assert browser.get("/manage/").status_code == 403


def test_quarter_overview_lists_facilities_mobile_resources_and_organisations(browser, make):
    quarter = make.quarter()
    make.facility(quarter, name="Nachbarschaftsheim", active=False)
    make.mobile(quarter, name="Spielmobil")
    make.organisation(quarter, name="Sprachcafé", status="pending")
    browser.login(make.manager(quarter).email)
    html = browser.get(f"/manage/quarters/{quarter.id}").get_data(as_text=True)
    assert "Nachbarschaftsheim" in html and "Spielmobil" in html and "Sprachcafé" in html


def test_a_slug_taken_between_check_and_write_still_gets_a_message(session, make):
    make.quarter(slug="nordstadt")
    late = Quarter(slug="nordstadt", name="Nordstadt", city="Wuppertal")
    with pytest.raises(InvalidInput) as refused:
        flush_claiming_slug(session, late)
    assert refused.value.field == "slug" and "nordstadt" in refused.value.message
    # The session is still usable: only the failed write was rolled back.
    assert session.query(Quarter).filter_by(slug="nordstadt").count() == 1


def test_dashboard_lists_organisations_waiting_for_approval(browser, make):
    mine, theirs = make.quarter(), make.quarter()
    make.organisation(mine, name="Neue Fahrradwerkstatt", status="pending")
    make.organisation(theirs, name="Fremde Initiative", status="pending")
    make.organisation(mine, name="Längst aktiv")
    browser.login(make.manager(mine).email)
    html = browser.get("/manage/").get_data(as_text=True)
    assert "Neue Fahrradwerkstatt" in html
    assert "Fremde Initiative" not in html and "Längst aktiv" not in html
    assert 'href="/invitations/registrations"' in html
