"""Managers set up the facilities of their quarters, with opening hours typed as text."""

from datetime import time

import pytest

from meetingplaces.models import Facility

from .manage_factories import facility_form


def test_manager_creates_a_facility_with_opening_hours(browser, make, session):
    quarter = make.quarter()
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/quarters/{quarter.id}/facilities/new",
        facility_form(quarter, hours_0="09:00-13:00, 14:00-21:00", hours_5=" 10:00 – 18:00 "),
    )
    assert response.status_code == 302
    facility = session.query(Facility).filter_by(slug="alte-feuerwache").one()
    assert facility.quarter_id == quarter.id
    assert [(s.weekday, s.opens_at, s.closes_at) for s in facility.opening_hours] == [
        (0, time(9), time(13)),
        (0, time(14), time(21)),
        (5, time(10), time(18)),
    ]


def test_editing_shows_hours_as_text_and_replaces_them(browser, make, session):
    quarter = make.quarter()
    facility = make.facility(quarter, hours=((0, 4, "09:00", "17:00"),))
    browser.login(make.manager(quarter).email)
    page = browser.get(f"/manage/facilities/{facility.id}/edit").get_data(as_text=True)
    assert 'value="09:00-17:00"' in page
    response = browser.post(
        f"/manage/facilities/{facility.id}/edit",
        facility_form(quarter, name=facility.name, slug=facility.slug, hours_2="10:00-12:00"),
    )
    assert response.status_code == 302
    session.expire_all()
    assert [(s.weekday, s.opens_at) for s in facility.opening_hours] == [(2, time(10))]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9-13", "is not a time span"),
        ("09:00-13:00 14:00-18:00", "is not a time span"),
        ("25:00-26:00", "is not a time of day"),
        ("09:60-10:00", "is not a time of day"),
        ("13:00-09:00", "the closing time must be after the opening time"),
        ("10:00-10:00", "the closing time must be after the opening time"),
        ("09:00-13:00, 12:00-14:00", "must not overlap"),
        ("morgens", "is not a time span"),
    ],
)
def test_bad_opening_hours_are_refused_next_to_their_day(browser, make, session, typed, message):
    quarter = make.quarter()
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/quarters/{quarter.id}/facilities/new",
        facility_form(
            quarter, hours_0="08:00-12:00", hours_3=typed, description="Ein Café mit Garten"
        ),
        headers={"Accept-Language": "en"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'id="hours_3-error"' in html and 'id="hours_0-error"' not in html
    # Nothing typed is lost.
    assert f'value="{typed}"' in html.replace("&#34;", '"')
    assert 'value="08:00-12:00"' in html and "Ein Café mit Garten" in html
    assert session.query(Facility).count() == 0


def test_latitude_without_longitude_is_refused(browser, make):
    quarter = make.quarter()
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/quarters/{quarter.id}/facilities/new",
        facility_form(quarter, latitude="51.26"),
        headers={"Accept-Language": "en"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "both latitude and longitude" in html and 'value="51.26"' in html


def test_website_must_be_a_web_address(browser, make):
    quarter = make.quarter()
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/quarters/{quarter.id}/facilities/new",
        facility_form(quarter, website="javascript:alert(1)"),
    )
    assert response.status_code == 422
    assert 'id="website-error"' in response.get_data(as_text=True)


def test_duplicate_facility_slug_is_refused_with_a_message(browser, make, session):
    quarter = make.quarter()
    make.facility(quarter, slug="alte-feuerwache")
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/quarters/{quarter.id}/facilities/new",
        facility_form(quarter, address="Gathe 8, 42107 Wuppertal"),
        headers={"Accept-Language": "en"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The web address “alte-feuerwache” is already taken" in html
    assert 'id="slug-error"' in html
    assert 'value="Gathe 8, 42107 Wuppertal"' in html
    assert session.query(Facility).count() == 1


def test_too_long_name_is_refused(browser, make):
    quarter = make.quarter()
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/quarters/{quarter.id}/facilities/new", facility_form(quarter, name="x" * 161)
    )
    assert response.status_code == 422
    assert 'id="name-error"' in response.get_data(as_text=True)


def test_initiative_member_editing_a_facility_gets_403(browser, make, session):
    quarter = make.quarter()
    facility = make.facility(quarter, name="Nachbarschaftsheim")
    member = make.member(make.organisation(quarter), role="admin")
    browser.login(member.email)
    assert browser.get(f"/manage/facilities/{facility.id}/edit").status_code == 403
    response = browser.post(
        f"/manage/facilities/{facility.id}/edit", facility_form(quarter, name="Taken over")
    )
    assert response.status_code == 403
    session.expire_all()
    assert facility.name == "Nachbarschaftsheim"


def test_manager_editing_another_quarters_facility_gets_403(browser, make, session):
    mine, theirs = make.quarter(), make.quarter()
    facility = make.facility(theirs, name="Weststadtzentrum")
    browser.login(make.manager(mine).email)
    assert browser.get(f"/manage/facilities/{facility.id}/edit").status_code == 403
    response = browser.post(
        f"/manage/facilities/{facility.id}/edit", facility_form(theirs, name="Taken over")
    )
    assert response.status_code == 403
    assert browser.post(f"/manage/facilities/{facility.id}/active",
                        {"active": "0", "confirmed": "yes"}).status_code \
        == 403
    assert browser.get(f"/manage/quarters/{theirs.id}/facilities/new").status_code == 403
    session.expire_all()
    assert facility.name == "Weststadtzentrum" and facility.active


def test_manager_cannot_move_a_facility_into_another_quarter(browser, make, session):
    mine, theirs = make.quarter(), make.quarter()
    facility = make.facility(mine)
    browser.login(make.manager(mine).email)
    response = browser.post(
        f"/manage/facilities/{facility.id}/edit",
        facility_form(theirs, name=facility.name, slug=facility.slug),
    )
    assert response.status_code == 422
    session.expire_all()
    assert facility.quarter_id == mine.id


def test_moving_a_facility_moves_its_rooms(browser, make, session):
    first, second = make.quarter(), make.quarter()
    facility = make.facility(first)
    room = make.room(facility)
    browser.login(make.manager(first, second).email)
    response = browser.post(
        f"/manage/facilities/{facility.id}/edit",
        facility_form(second, name=facility.name, slug=facility.slug),
    )
    assert response.status_code == 302
    session.expire_all()
    assert facility.quarter_id == second.id and room.quarter_id == second.id


def test_deactivated_facility_vanishes_from_public_pages(browser, make, client):
    quarter = make.quarter(slug="nordstadt")
    facility = make.facility(quarter, slug="alte-feuerwache", name="Alte Feuerwache")
    browser.login(make.manager(quarter).email)
    assert browser.post(f"/manage/facilities/{facility.id}/active",
                        {"active": "0", "confirmed": "yes"}).status_code \
        == 302
    assert "Alte Feuerwache" not in client.get("/quarters/nordstadt").get_data(as_text=True)
    assert client.get("/facilities/alte-feuerwache").status_code == 404
    browser.post(f"/manage/facilities/{facility.id}/active", {"active": "1"})
    assert "Alte Feuerwache" in client.get("/quarters/nordstadt").get_data(as_text=True)
    assert client.get("/facilities/alte-feuerwache").status_code == 200


def test_post_without_csrf_token_is_rejected(browser, make, session):
    quarter = make.quarter()
    browser.login(make.manager(quarter).email)
    response = browser.client.post(
        f"/manage/quarters/{quarter.id}/facilities/new", data=facility_form(quarter)
    )
    assert response.status_code == 400
    assert session.query(Facility).count() == 0
