"""Issue 13: every field naming an organisation, quarter, facility or room is checked through
policy.can() in the domain, so that the API and the pages refuse alike."""

import pytest
from sqlalchemy import select

from meetingplaces.errors import Forbidden
from meetingplaces.models import Facility, Organisation
from meetingplaces.models.events import Event
from meetingplaces.places import save_facility

from .events_factories import event, ostersbaum_fixture, ostersbaum_manager_fixture  # noqa: F401
from .test_events_api import token_for, weekly
from .test_events_web import form_data


@pytest.fixture
def goettingen(make):
    grone = make.quarter(slug="grone", name="Grone", city="Göttingen")
    return make.organisation(grone, slug="goettinger-verein", name="Göttinger Verein")


def test_a_member_cannot_credit_an_event_to_another_organisation_by_api(
        client, session, make, quarter, manager):
    """Issue 13: member PATCH /api/v1/events/13 {"organisation_id": 2} -> 200."""
    own = make.organisation(quarter, slug="verein")
    other = make.organisation(quarter, slug="anderer-verein")
    member = make.member(own)
    headers = token_for(session, member)
    created = client.post("/api/v1/events", json=weekly(quarter, organisation_id=own.id),
                          headers=headers)
    assert created.status_code == 201, created.json
    response = client.patch(f"/api/v1/events/{created.json['id']}",
                            json={"organisation_id": other.id}, headers=headers)
    assert response.status_code == 403
    session.expire_all()
    assert session.get(Event, created.json["id"]).organisation_id == own.id


def test_a_manager_cannot_credit_an_organisation_of_another_city_by_api(
        client, session, quarter, manager, goettingen):
    """Issue 13: a Wuppertal manager POSTing with a Göttingen organisation -> 201."""
    response = client.post("/api/v1/events",
                           json=weekly(quarter, organisation_id=goettingen.id),
                           headers=token_for(session, manager))
    assert response.status_code == 403
    assert session.scalar(select(Event)) is None


def test_a_manager_may_credit_an_organisation_of_the_city(client, session, make, quarter,
                                                          manager):
    elsewhere = make.organisation(make.quarter(city="Wuppertal"), slug="hoehe-verein")
    response = client.post("/api/v1/events",
                           json=weekly(quarter, organisation_id=elsewhere.id,
                                       show_organiser=True),
                           headers=token_for(session, manager))
    assert response.status_code == 201
    assert response.json["organisation_id"] == elsewhere.id


def test_the_event_form_refuses_an_organisation_of_another_city(browser, session, quarter,
                                                                manager, goettingen):
    browser.login(manager.email)
    response = browser.post("/events/new", form_data(quarter=quarter.id,
                                                     organisation=str(goettingen.id)))
    assert response.status_code == 422
    assert 'value="Sprachcafé"' in response.get_data(as_text=True)
    assert session.scalar(select(Event)) is None


def test_an_event_keeps_the_organisation_it_already_names(session, make, quarter, manager):
    organisation = make.organisation(quarter)
    created = event(session, manager, quarter, organisation=organisation)
    organisation.status = "inactive"  # no longer creditable, but the event may keep it
    session.commit()
    from meetingplaces.events.publishing import update_event
    from meetingplaces.models.types import utcnow

    update_event(session, created, actor=manager, now=utcnow(), organisation=organisation,
                 title="Neu")
    assert created.organisation is organisation


def test_a_facility_cannot_be_moved_into_a_quarter_the_actor_does_not_manage(
        session, make, quarter, manager):
    foreign = make.quarter(city="Göttingen")
    facility = make.facility(quarter)
    with pytest.raises(Forbidden) as refused:
        save_facility(session, facility, quarter=foreign, hours={}, name="X", slug=None,
                      address="", latitude=None, longitude=None, description="",
                      accessibility="", contact_email="", contact_phone="", website="",
                      actor=manager)
    assert refused.value.field == "quarter_id"
    session.rollback()
    assert session.get(Facility, facility.id).quarter_id == quarter.id


def test_an_organisation_contact_address_is_one_address(browser, make, session, quarter,
                                                        manager):
    organisation = make.organisation(quarter, slug="verein")
    member = make.member(organisation, "admin")
    browser.login(member.email)
    response = browser.post(f"/account/organisations/{organisation.slug}", {
        "name": organisation.name, "description": "", "public_contact": "",
        "private_contact_email": "a@example.org,b@example.org", "private_contact_phone": ""})
    assert response.status_code == 422
    session.expire_all()
    assert session.get(Organisation, organisation.id).private_contact_email != \
        "a@example.org,b@example.org"
