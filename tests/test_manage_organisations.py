"""Managers set up the organisations of their quarter; the public sees only public data."""

from meetingplaces.models import Organisation

from .manage_factories import organisation_form


def test_manager_creates_an_organisation(browser, make, session):
    quarter = make.quarter()
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/quarters/{quarter.id}/organisations/new",
        organisation_form(quarter, kind="migrant_organisation", languages=["ar", "de"],
                          public_contact="info@verein.example.org", show_contact_publicly="y",
                          private_contact_email="vorstand@verein.example.org"),
    )
    assert response.status_code == 302
    organisation = session.query(Organisation).one()
    assert (organisation.slug, organisation.kind, organisation.status) == (
        "sprachcafe-nordstadt", "migrant_organisation", "active"
    )
    assert organisation.languages == ["de", "ar"]
    assert organisation.show_contact_publicly


def test_duplicate_organisation_slug_is_refused(browser, make, session):
    quarter = make.quarter()
    make.organisation(quarter, slug="sprachcafe-nordstadt")
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/quarters/{quarter.id}/organisations/new",
        organisation_form(quarter, private_contact_phone="0202 123"),
        headers={"Accept-Language": "en"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The web address “sprachcafe-nordstadt” is already taken" in html
    assert 'value="0202 123"' in html
    assert session.query(Organisation).count() == 1


def test_bad_private_email_is_refused_and_kept(browser, make):
    quarter = make.quarter()
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/quarters/{quarter.id}/organisations/new",
        organisation_form(quarter, private_contact_email="not-an-address"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="private_contact_email-error"' in html and 'value="not-an-address"' in html


def test_deactivating_an_organisation_removes_its_public_page(browser, make, client, session):
    quarter = make.quarter(slug="ostersbaum")
    organisation = make.organisation(quarter, slug="gemeinde", name="Gemeinde am Ostersbaum")
    browser.login(make.manager(quarter).email)
    assert client.get("/organisations/gemeinde").status_code == 200
    response = browser.post(
        f"/manage/organisations/{organisation.id}/edit",
        organisation_form(quarter, name=organisation.name, slug="gemeinde", status="inactive"),
    )
    assert response.status_code == 302
    assert client.get("/organisations/gemeinde").status_code == 404
    assert "Gemeinde am Ostersbaum" not in client.get("/quarters/ostersbaum").get_data(
        as_text=True
    )


def test_organisation_admin_cannot_use_the_management_area(browser, make, session):
    quarter = make.quarter()
    organisation = make.organisation(quarter, name="Sprachcafé")
    browser.login(make.member(organisation, role="admin").email)
    assert browser.get(f"/manage/organisations/{organisation.id}/edit").status_code == 403
    response = browser.post(
        f"/manage/organisations/{organisation.id}/edit",
        organisation_form(quarter, status="active", name="Renamed"),
    )
    assert response.status_code == 403
    session.expire_all()
    assert organisation.name == "Sprachcafé"


def test_manager_of_another_quarter_cannot_edit_or_create_there(browser, make, session):
    mine, theirs = make.quarter(), make.quarter()
    organisation = make.organisation(theirs, status="pending")
    browser.login(make.manager(mine).email)
    response = browser.post(
        f"/manage/organisations/{organisation.id}/edit",
        organisation_form(theirs, status="active"),
    )
    assert response.status_code == 403
    assert browser.get(f"/manage/quarters/{theirs.id}/organisations/new").status_code == 403
    session.expire_all()
    assert organisation.status == "pending"


def test_manager_approves_a_pending_organisation(browser, make, session, client):
    quarter = make.quarter()
    organisation = make.organisation(quarter, slug="neu", name="Neue Initiative",
                                     status="pending")
    assert client.get("/organisations/neu").status_code == 404
    browser.login(make.manager(quarter).email)
    # Decided on the registrations page (the registrant is mailed), not in the edit form.
    browser.post(f"/invitations/registrations/{organisation.id}/approve")
    assert client.get("/organisations/neu").status_code == 200


def test_a_pending_registration_is_decided_on_the_registrations_page_not_in_the_form(
        browser, make, session):
    quarter = make.quarter()
    manager = make.manager(quarter)
    pending = make.organisation(quarter, name="Neue Initiative", status="pending")
    browser.login(manager.email)
    response = browser.post(f"/manage/organisations/{pending.id}/edit", {
        "quarter_id": quarter.id, "name": "Neue Initiative", "slug": pending.slug,
        "kind": "initiative", "status": "active",
    })
    assert response.status_code == 422
    assert "registrations page" in response.get_data(as_text=True)
    session.refresh(pending)
    assert pending.status == "pending"
