"""HTML and scripts typed into any text field are shown as text, never run, on every page."""

import pytest

from meetingplaces.models import Facility, Quarter

from .manage_factories import (
    SCRIPT,
    closure,
    facility_form,
    mobile_form,
    organisation_form,
    quarter_form,
    room_form,
)


def assert_escaped(html: str) -> None:
    assert "<script>alert" not in html
    assert "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(" in html


def test_quarter_texts_are_escaped_everywhere(browser, make, session):
    browser.login(make.admin().email)
    typed = quarter_form(name=SCRIPT, city=SCRIPT, description=SCRIPT)
    assert browser.post("/manage/quarters/new", typed).status_code == 302
    quarter = session.query(Quarter).one()
    for url in ("/manage/", f"/manage/quarters/{quarter.id}", f"/manage/quarters/{quarter.id}/edit",
                "/", f"/quarters/{quarter.slug}"):
        assert_escaped(browser.get(url).get_data(as_text=True))


def test_facility_texts_are_escaped_everywhere(browser, make, session):
    quarter = make.quarter(slug="q")
    browser.login(make.manager(quarter).email)
    free_text = dict(name=SCRIPT, address=SCRIPT, description=SCRIPT, accessibility=SCRIPT,
                     contact_phone=SCRIPT)
    response = browser.post(f"/manage/quarters/{quarter.id}/facilities/new",
                            facility_form(quarter, **free_text))
    assert response.status_code == 302
    edit_url = response.headers["Location"]
    facility = session.query(Facility).one()
    for url in (edit_url, f"/manage/quarters/{quarter.id}", "/quarters/q",
                f"/facilities/{facility.slug}"):
        assert_escaped(browser.get(url).get_data(as_text=True))


@pytest.mark.parametrize(
    ("form", "url"),
    [
        (lambda q, f, r: quarter_form(name=SCRIPT, slug=SCRIPT, city=SCRIPT, description=SCRIPT),
         lambda q, f, r: f"/manage/quarters/{q.id}/edit"),
        (lambda q, f, r: facility_form(
            q, name=SCRIPT, slug=SCRIPT, address=SCRIPT, description=SCRIPT,
            accessibility=SCRIPT, contact_email=SCRIPT, contact_phone=SCRIPT, website=SCRIPT,
            latitude=SCRIPT, **{f"hours_{day}": SCRIPT for day in range(7)}),
         lambda q, f, r: f"/manage/facilities/{f.id}/edit"),
        (lambda q, f, r: room_form(f, name=SCRIPT, slug=SCRIPT, description=SCRIPT,
                                   capacity=SCRIPT, monthly_hours_per_organisation=SCRIPT),
         lambda q, f, r: f"/manage/resources/{r.id}/edit"),
        (lambda q, f, r: mobile_form(q, name=SCRIPT, slug=SCRIPT, description=SCRIPT,
                                     setup_minutes=SCRIPT),
         lambda q, f, r: f"/manage/quarters/{q.id}/mobile/new"),
        (lambda q, f, r: {"local_start": SCRIPT, "local_end": SCRIPT, "reason": SCRIPT},
         lambda q, f, r: f"/manage/facilities/{f.id}/closures/new"),
        (lambda q, f, r: organisation_form(
            q, name=SCRIPT, slug=SCRIPT, description=SCRIPT, public_contact=SCRIPT,
            private_contact_email=SCRIPT, private_contact_phone=SCRIPT),
         lambda q, f, r: f"/manage/quarters/{q.id}/organisations/new"),
    ],
    ids=["quarter", "facility", "room", "mobile", "closure", "organisation"],
)
def test_form_shown_again_after_an_error_escapes_every_typed_text(browser, make, form, url):
    quarter = make.quarter()
    facility = make.facility(quarter)
    room = make.room(facility)
    browser.login(make.admin().email)
    response = browser.post(url(quarter, facility, room), form(quarter, facility, room))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert_escaped(html)


def test_room_van_closure_and_organisation_texts_are_escaped(browser, make, session):
    quarter = make.quarter(slug="q")
    facility = make.facility(quarter, slug="f")
    browser.login(make.manager(quarter).email)
    room = browser.post(f"/manage/facilities/{facility.id}/rooms/new",
                        room_form(facility, name=SCRIPT, description=SCRIPT))
    van = browser.post(f"/manage/quarters/{quarter.id}/mobile/new",
                       mobile_form(quarter, name=SCRIPT, description=SCRIPT, slug="van"))
    organisation = browser.post(
        f"/manage/quarters/{quarter.id}/organisations/new",
        organisation_form(quarter, name=SCRIPT, description=SCRIPT, public_contact=SCRIPT,
                          show_contact_publicly="y", private_contact_phone=SCRIPT, slug="o"),
    )
    closed = browser.post(
        f"/manage/facilities/{facility.id}/closures/new",
        {"local_start": "2030-01-01T00:00", "local_end": "2030-01-02T00:00", "reason": SCRIPT},
    )
    assert [r.status_code for r in (room, van, organisation, closed)] == [302] * 4
    for url in (room.headers["Location"], van.headers["Location"],
                f"/manage/facilities/{facility.id}/edit", f"/manage/quarters/{quarter.id}",
                "/quarters/q", "/facilities/f", "/organisations/o"):
        assert_escaped(browser.get(url).get_data(as_text=True))


def test_user_names_are_escaped_in_the_user_list(browser, make, session):
    make.user(name=SCRIPT)
    browser.login(make.admin().email)
    assert_escaped(browser.get("/manage/users").get_data(as_text=True))


def test_closure_reason_of_a_room_is_escaped_on_the_public_page(client, make, session):
    facility = make.facility(slug="f")
    room = make.room(facility, name=SCRIPT)
    closure(session, resource=room, reason=SCRIPT)
    assert_escaped(client.get("/facilities/f").get_data(as_text=True))
