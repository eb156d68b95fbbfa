"""Who may enter the management area, and the CSRF token every one of its forms demands."""

import pytest

from meetingplaces.models import Closure, Facility, Organisation, Quarter, Resource

from .manage_factories import closure

POSTS = [
    "/manage/quarters/new",
    "/manage/quarters/{quarter}/edit",
    "/manage/quarters/{quarter}/active",
    "/manage/quarters/{quarter}/facilities/new",
    "/manage/quarters/{quarter}/mobile/new",
    "/manage/quarters/{quarter}/organisations/new",
    "/manage/facilities/{facility}/edit",
    "/manage/facilities/{facility}/active",
    "/manage/facilities/{facility}/rooms/new",
    "/manage/facilities/{facility}/closures/new",
    "/manage/resources/{room}/edit",
    "/manage/resources/{room}/active",
    "/manage/resources/{room}/closures/new",
    "/manage/closures/{closure}/edit",
    "/manage/closures/{closure}/delete",
    "/manage/organisations/{organisation}/edit",
    "/manage/users/{user}/edit",
    "/manage/users/{user}/active",
]


GETS = [
    "/manage/",
    "/manage/users",
    "/manage/quarters/{quarter}",
    "/manage/quarters/{quarter}/edit",
    "/manage/quarters/{quarter}/facilities/new",
    "/manage/facilities/{facility}/edit",
    "/manage/resources/{room}/edit",
    "/manage/closures/{closure}/edit",
    "/manage/organisations/{organisation}/edit",
    "/manage/users/{user}/edit",
]


def things(make, session) -> dict:
    quarter = make.quarter(name="Grone")
    facility = make.facility(quarter)
    room = make.room(facility)
    return {
        "quarter": quarter.id,
        "facility": facility.id,
        "room": room.id,
        "closure": closure(session, facility=facility).id,
        "organisation": make.organisation(quarter).id,
        "user": make.user().id,
    }


def test_an_initiative_admin_gets_403_on_every_page_and_form(browser, make, session):
    ids = things(make, session)
    organisation = session.get(Organisation, ids["organisation"])
    browser.login(make.member(organisation, role="admin").email)
    for url in GETS:
        assert browser.get(url.format(**ids)).status_code == 403, url
    for url in POSTS:
        assert browser.post(url.format(**ids), {"name": "x", "active": "0"}).status_code == 403, url


def test_anonymous_visitors_are_sent_to_the_login(client, make, session):
    ids = things(make, session)
    for url in GETS:
        response = client.get(url.format(**ids))
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("url", POSTS)
def test_post_without_csrf_token_is_rejected_and_changes_nothing(browser, make, session, url):
    ids = things(make, session)
    quarter, facility, room = (
        session.get(Quarter, ids["quarter"]),
        session.get(Facility, ids["facility"]),
        session.get(Resource, ids["room"]),
    )
    browser.login(make.admin().email)
    before = [session.query(model).count()
              for model in (Quarter, Facility, Resource, Closure, Organisation)]
    response = browser.client.post(
        url.format(**ids), data={"name": "Überschrieben", "active": "0", "is_admin": "y"}
    )
    assert response.status_code == 400
    session.expire_all()
    assert [session.query(model).count()
            for model in (Quarter, Facility, Resource, Closure, Organisation)] == before
    assert quarter.name == "Grone" and quarter.active and facility.active and room.active
