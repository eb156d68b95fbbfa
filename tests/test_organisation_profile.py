"""My organisation: its admins keep its profile and members, its members see it and may leave;
home quarter, kind, web address and status stay with the quarter's managers."""

import threading

import icalendar
import pytest
from sqlalchemy import select

from meetingplaces import memberships
from meetingplaces.errors import Conflict
from meetingplaces.extensions import db
from meetingplaces.models import Membership, Organisation, User
from meetingplaces.models.audit import AuditEntry

from .events_factories import NOW, event
from .manage_factories import ESCAPED_SCRIPT, SCRIPT, organisation_form


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


@pytest.fixture
def quarter(make):
    return make.quarter(slug="nordstadt", name="Nordstadt")


@pytest.fixture
def organisation(make, quarter):
    return make.organisation(quarter, slug="sprachcafe", name="Sprachcafé Nordstadt",
                             description="Jeden Dienstag", languages=["de"])


@pytest.fixture
def admin(make, organisation):
    return make.member(organisation, role="admin", name="Aylin Admin",
                       email="aylin@example.org")


@pytest.fixture
def member(make, organisation):
    return make.member(organisation, name="Max Mitglied", email="max@example.org")


PAGE = "/account/organisations/sprachcafe"


def profile_form(**kw) -> dict:
    return {
        "name": "Sprachcafé Nordstadt",
        "description": "Deutsch üben bei Kaffee und Kuchen",
        "languages": ["de", "ar"],
        "public_contact": "hallo@sprachcafe.example.org",
        "show_contact_publicly": "y",
        "private_contact_email": "vorstand@sprachcafe.example.org",
        "private_contact_phone": "0202 555 123",
        **kw,
    }


def audit(session, action: str) -> list[AuditEntry]:
    session.expire_all()
    return list(session.scalars(
        select(AuditEntry).where(AuditEntry.subject_type == "organisation",
                                 AuditEntry.action == action)))


def membership(session, organisation, user) -> Membership | None:
    session.expire_all()
    return session.get(Membership, (user.id, organisation.id))


# --- the profile --------------------------------------------------------------------------------


def test_admin_edits_the_profile_and_the_public_page_shows_it(browser, client, session, admin,
                                                             organisation):
    browser.login(admin.email)
    response = browser.post(PAGE, profile_form())
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    public = client.get("/organisations/sprachcafe?lang=en").get_data(as_text=True)
    assert "Deutsch üben bei Kaffee und Kuchen" in public
    assert "Arabic" in public and "hallo@sprachcafe.example.org" in public
    [entry] = audit(session, "profile_edited")
    assert entry.actor_id == admin.id and entry.subject_id == organisation.id
    assert set(entry.details["changed"]) == {
        "description", "languages", "public_contact", "show_contact_publicly",
        "private_contact_email", "private_contact_phone"}


def test_the_public_contact_is_hidden_unless_the_admin_shows_it(browser, client, admin):
    browser.login(admin.email)
    form = profile_form()
    del form["show_contact_publicly"]
    assert browser.post(PAGE, form).status_code == 302
    public = client.get("/organisations/sprachcafe").get_data(as_text=True)
    assert "Deutsch üben" in public
    assert "hallo@sprachcafe.example.org" not in public


def test_the_private_contact_never_reaches_the_public_page(browser, client, admin):
    browser.login(admin.email)
    assert browser.post(PAGE, profile_form()).status_code == 302
    public = client.get("/organisations/sprachcafe").get_data(as_text=True)
    assert "hallo@sprachcafe.example.org" in public
    assert "vorstand@sprachcafe.example.org" not in public and "0202 555 123" not in public


def test_html_in_the_description_is_escaped_on_the_public_page_and_the_own_page(
        browser, client, admin):
    browser.login(admin.email)
    assert browser.post(PAGE, profile_form(description=SCRIPT, name="<i>Café</i>")).status_code \
        == 302
    for page in (client.get("/organisations/sprachcafe"), browser.get(PAGE)):
        html = page.get_data(as_text=True)
        assert SCRIPT not in html and "<i>Café</i>" not in html
        assert ESCAPED_SCRIPT in html and "&lt;i&gt;Café&lt;/i&gt;" in html


def test_a_bad_private_email_is_refused_with_everything_typed_kept(browser, session, admin,
                                                                   organisation):
    browser.login(admin.email)
    response = browser.post(PAGE, profile_form(private_contact_email="kein-adresse",
                                               description="Neuer Text"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-describedby="private_contact_email-hint private_contact_email-error"' in html
    assert 'value="kein-adresse"' in html and "Neuer Text" in html
    assert 'value="0202 555 123"' in html
    session.expire_all()
    assert organisation.description == "Jeden Dienstag"
    assert audit(session, "profile_edited") == []


def test_an_empty_name_is_refused(browser, session, admin, organisation):
    browser.login(admin.email)
    response = browser.post(PAGE, profile_form(name="  "))
    assert response.status_code == 422
    assert 'id="name-error"' in response.get_data(as_text=True)
    session.expire_all()
    assert organisation.name == "Sprachcafé Nordstadt"


def test_home_quarter_kind_web_address_and_status_stay_with_the_managers(
        browser, session, make, admin, organisation):
    other = make.quarter()
    browser.login(admin.email)
    page = browser.get(PAGE).get_data(as_text=True)
    assert "Nordstadt" in page and "sprachcafe" in page and "Active" in page
    for field in ("quarter_id", "slug", "kind", "status"):
        assert f'name="{field}"' not in page
    response = browser.post(PAGE, profile_form(quarter_id=other.id, slug="anders",
                                               kind="church", status="inactive"))
    assert response.status_code == 302
    session.expire_all()
    assert (organisation.quarter_id, organisation.slug, organisation.kind,
            organisation.status) == (organisation.quarter_id, "sprachcafe", "initiative",
                                     "active")
    assert organisation.quarter_id != other.id


def test_a_rename_is_logged_with_both_names_and_reaches_the_feeds(
        browser, client, session, make, quarter, admin, organisation):
    manager = make.manager(quarter)
    event(session, manager, quarter, organisation=organisation)
    browser.login(admin.email)
    assert browser.post(PAGE, profile_form(name="Sprachcafé International")).status_code == 302
    calendar = icalendar.Calendar.from_ical(client.get("/quarters/nordstadt/calendar.ics").data)
    [vevent] = calendar.walk("VEVENT")
    assert "Organiser: Sprachcafé International" in str(vevent["DESCRIPTION"])
    [entry] = audit(session, "profile_edited")
    assert entry.details["name"] == ["Sprachcafé Nordstadt", "Sprachcafé International"]


def test_a_member_sees_the_profile_read_only_and_cannot_edit(browser, session, admin, member,
                                                            organisation):
    browser.login(member.email)
    page = browser.get(PAGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Jeden Dienstag" in html and 'name="description"' not in html
    response = browser.post(PAGE, profile_form(description="Übernommen"))
    assert response.status_code == 403
    session.expire_all()
    assert organisation.description == "Jeden Dienstag"


def test_an_admin_of_another_organisation_gets_403(browser, session, make, quarter, admin,
                                                   member, organisation):
    stranger = make.member(make.organisation(quarter), role="admin")
    browser.login(stranger.email)
    assert browser.get(PAGE).status_code == 403
    assert browser.post(PAGE, profile_form(description="Übernommen")).status_code == 403
    assert browser.post(f"{PAGE}/members/{member.id}/role", {"role": "admin"}).status_code \
        == 403
    assert browser.post(f"{PAGE}/members/{member.id}/remove",
                        {"confirmed": "yes"}).status_code == 403
    assert browser.get(f"{PAGE}/leave").status_code == 403
    session.expire_all()
    assert organisation.description == "Jeden Dienstag"
    assert membership(session, organisation, member).role == "member"


def test_the_manager_of_the_quarter_still_edits_in_the_manage_area(browser, session, make,
                                                                   quarter, organisation):
    browser.login(make.manager(quarter).email)
    response = browser.post(f"/manage/organisations/{organisation.id}/edit", organisation_form(
        quarter, name="Sprachcafé Nordstadt", slug="sprachcafe", description="Vom Quartier"))
    assert response.status_code == 302
    session.expire_all()
    assert organisation.description == "Vom Quartier"
    # "My organisation" is for its members; a manager who is none works in the manage area.
    assert browser.get(PAGE).status_code == 403


def test_pages_need_a_login_and_a_known_organisation(browser, client, admin):
    assert client.get(PAGE).status_code == 302
    browser.login(admin.email)
    assert browser.get("/account/organisations/gibt-es-nicht").status_code == 404


# --- members ------------------------------------------------------------------------------------


def test_admins_see_e_mails_and_roles_members_see_names_only(browser, admin, member):
    browser.login(admin.email)
    html = browser.get(PAGE).get_data(as_text=True)
    assert "max@example.org" in html and "Max Mitglied" in html and "Make administrator" in html
    browser.logout()
    browser.login(member.email)
    html = browser.get(PAGE).get_data(as_text=True)
    assert "Aylin Admin" in html and "Max Mitglied" in html
    assert "aylin@example.org" not in html and "max@example.org" not in html
    assert "Make administrator" not in html and "/remove" not in html


def test_the_invite_link_names_the_organisation(browser, admin, member, organisation):
    browser.login(admin.email)
    html = browser.get(PAGE).get_data(as_text=True)
    link = f"/invitations/members/new?organisation={organisation.id}"
    assert link in html
    invite = browser.get(link).get_data(as_text=True)
    assert f'selected value="{organisation.id}"' in invite
    browser.logout()
    browser.login(member.email)
    assert "/invitations/members/new" not in browser.get(PAGE).get_data(as_text=True)


def test_an_admin_makes_a_member_admin_and_back(browser, session, admin, member, organisation):
    browser.login(admin.email)
    response = browser.post(f"{PAGE}/members/{member.id}/role", {"role": "admin"})
    assert response.status_code == 302
    assert membership(session, organisation, member).role == "admin"
    assert browser.post(f"{PAGE}/members/{member.id}/role", {"role": "member"}).status_code \
        == 302
    assert membership(session, organisation, member).role == "member"
    entries = audit(session, "member_role_changed")
    assert [(e.actor_id, e.details["user_id"], e.details["from"], e.details["to"])
            for e in entries] == [(admin.id, member.id, "member", "admin"),
                                  (admin.id, member.id, "admin", "member")]


def test_an_unknown_role_or_person_is_refused(browser, session, make, admin, member,
                                              organisation):
    browser.login(admin.email)
    response = browser.post(f"{PAGE}/members/{member.id}/role", {"role": "owner"})
    assert response.status_code == 422
    assert "Please choose member or administrator." in response.get_data(as_text=True)
    assert membership(session, organisation, member).role == "member"
    outsider = make.user()
    assert browser.post(f"{PAGE}/members/{outsider.id}/role", {"role": "admin"}).status_code \
        == 404
    assert membership(session, organisation, outsider) is None


def test_a_member_cannot_change_roles_or_remove_anyone(browser, session, admin, member,
                                                       organisation):
    browser.login(member.email)
    assert browser.post(f"{PAGE}/members/{member.id}/role", {"role": "admin"}).status_code \
        == 403
    assert browser.post(f"{PAGE}/members/{admin.id}/remove",
                        {"confirmed": "yes"}).status_code == 403
    assert membership(session, organisation, member).role == "member"
    assert membership(session, organisation, admin) is not None


def test_the_last_admin_is_neither_demoted_nor_removed(browser, session, make, admin, member,
                                                       organisation):
    browser.login(admin.email)
    response = browser.post(f"{PAGE}/members/{admin.id}/role", {"role": "member"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Sprachcafé Nordstadt needs at least one administrator." in html
    assert 'role="alert"' in html
    assert membership(session, organisation, admin).role == "admin"
    # Removing oneself is leaving, refused for the last admin as well.
    response = browser.post(f"{PAGE}/members/{admin.id}/remove", {"confirmed": "yes"})
    assert response.status_code == 409
    assert "You are the last administrator of Sprachcafé Nordstadt." in response.get_data(
        as_text=True)
    assert membership(session, organisation, admin) is not None
    assert audit(session, "member_role_changed") == audit(session, "member_left") == []


def test_the_members_list_carries_e_mails_and_roles_only_for_admins(session, admin, member,
                                                                   organisation):
    as_member = memberships.members_of(session, organisation, viewer=member)
    assert [(m.name, m.email, m.role) for m in as_member] == [
        ("Aylin Admin", None, None), ("Max Mitglied", None, None)]
    as_admin = memberships.members_of(session, organisation, viewer=admin)
    assert [(m.email, m.role) for m in as_admin] == [
        ("aylin@example.org", "admin"), ("max@example.org", "member")]


def step_down_in_own_session(app, user_id, organisation_id, barrier, results):
    with app.app_context():
        session = db.session
        try:
            user = session.get(User, user_id)
            organisation = session.get(Organisation, organisation_id)
            session.commit()
            barrier.wait(timeout=60)
            memberships.change_role(session, user, organisation, user_id, "member", now=NOW)
            session.commit()
            results.append("stepped down")
        except Conflict:
            session.rollback()
            results.append("refused")
        finally:
            session.remove()


def test_admins_stepping_down_at_once_leave_one_admin(app, session, make, admin, organisation):
    admins = [admin] + [make.member(organisation, role="admin") for _ in range(2)]
    barrier = threading.Barrier(len(admins))
    results: list[str] = []
    threads = [threading.Thread(target=step_down_in_own_session,
                                args=(app, user.id, organisation.id, barrier, results))
               for user in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results) == ["refused", "stepped down", "stepped down"]
    session.rollback()
    session.expire_all()
    assert [m.role for m in session.get(Organisation, organisation.id).memberships].count(
        "admin") == 1


def test_an_admin_whose_account_is_deactivated_does_not_count(browser, session, make, admin,
                                                              organisation):
    make.member(organisation, role="admin", active=False)
    browser.login(admin.email)
    response = browser.post(f"{PAGE}/members/{admin.id}/role", {"role": "member"})
    assert response.status_code == 409
    assert "account deactivated" in response.get_data(as_text=True)
    assert membership(session, organisation, admin).role == "admin"


def test_a_second_admin_may_step_down_and_the_first_may_remove_them(browser, session, make,
                                                                    admin, organisation):
    second = make.member(organisation, role="admin", name="Zweite Admin")
    browser.login(second.email)
    assert browser.post(f"{PAGE}/members/{second.id}/role", {"role": "member"}).status_code \
        == 302
    assert membership(session, organisation, second).role == "member"
    # No longer an admin: the page is read-only for them now.
    assert 'name="description"' not in browser.get(PAGE).get_data(as_text=True)
    browser.logout()
    browser.login(admin.email)
    response = browser.post(f"{PAGE}/members/{second.id}/remove", {"confirmed": "yes"})
    assert response.status_code == 302
    assert membership(session, organisation, second) is None
    [entry] = audit(session, "member_removed")
    assert (entry.actor_id, entry.details["user_id"]) == (admin.id, second.id)
    html = browser.get(PAGE).get_data(as_text=True)
    assert "Zweite Admin no longer belongs to Sprachcafé Nordstadt." in html
    assert "<td>Zweite Admin" not in html and "<td>Aylin Admin" in html


def test_a_member_leaves_after_confirming(browser, session, admin, member, organisation):
    browser.login(member.email)
    assert f"{PAGE}/leave" in browser.get(PAGE).get_data(as_text=True)
    confirm = browser.get(f"{PAGE}/leave")
    assert confirm.status_code == 200
    assert "Leave Sprachcafé Nordstadt?" in confirm.get_data(as_text=True)
    assert membership(session, organisation, member) is not None, "asking is not leaving"
    response = browser.post(f"{PAGE}/leave")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/")
    assert membership(session, organisation, member) is None
    [entry] = audit(session, "member_left")
    assert (entry.actor_id, entry.details["user_id"]) == (member.id, member.id)
    assert browser.get(PAGE).status_code == 403


def test_the_last_admin_is_told_before_leaving_and_cannot_leave(browser, session, admin, member,
                                                                organisation):
    browser.login(admin.email)
    page = browser.get(f"{PAGE}/leave").get_data(as_text=True)
    assert "You are the last administrator of Sprachcafé Nordstadt." in page
    assert 'type="submit" class="button button--danger"' not in page
    response = browser.post(f"{PAGE}/leave")
    assert response.status_code == 409
    assert membership(session, organisation, admin) is not None


def test_every_form_refuses_a_post_without_csrf_token(browser, client, session, admin, member,
                                                      organisation):
    browser.login(admin.email)
    assert client.post(PAGE, data=profile_form(description="Ohne Token")).status_code == 400
    assert client.post(f"{PAGE}/members/{member.id}/role", data={"role": "admin"}).status_code \
        == 400
    assert client.post(f"{PAGE}/members/{member.id}/remove",
                       data={"confirmed": "yes"}).status_code == 400
    assert client.post(f"{PAGE}/leave").status_code == 400
    session.expire_all()
    assert organisation.description == "Jeden Dienstag"
    assert membership(session, organisation, member).role == "member"


def test_members_find_their_organisation_in_the_navigation_and_on_the_account_page(
        browser, make, session, quarter, member):
    browser.login(member.email)
    home = browser.get("/").get_data(as_text=True)
    assert 'href="/account/organisations/">My organisation</a>' in home
    assert f'href="{PAGE}"' in browser.get("/account/").get_data(as_text=True)
    assert browser.get("/account/organisations/").headers["Location"].endswith(PAGE)
    session.add(Membership(user=member, organisation=make.organisation(quarter, name="Zweite"),
                           role="member"))
    session.commit()
    listing = browser.get("/account/organisations/").get_data(as_text=True)
    assert "My organisations" in listing and "Zweite" in listing and f'href="{PAGE}"' in listing
    browser.logout()
    browser.login(make.user().email)
    assert "/account/organisations/" not in browser.get("/").get_data(as_text=True)


def test_a_pending_organisation_cannot_invite_yet_but_its_admin_edits_the_profile(
        browser, session, make, quarter):
    pending = make.organisation(quarter, slug="neu", name="Neu", status="pending")
    founder = make.member(pending, role="admin")
    browser.login(founder.email)
    html = browser.get("/account/organisations/neu").get_data(as_text=True)
    assert "Waiting for approval" in html and "/invitations/members/new" not in html
    assert browser.post("/account/organisations/neu",
                        profile_form(name="Neu", description="Wir über uns")).status_code == 302
    session.expire_all()
    assert session.get(Organisation, pending.id).status == "pending"
