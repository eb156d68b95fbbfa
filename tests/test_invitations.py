"""Invitations (admin -> managers, manager -> an organisation's first admin, organisation admin
-> members) and the approval of initiatives that registered themselves."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from meetingplaces.accounts import InvalidLink, invitations
from meetingplaces.errors import Conflict, Forbidden
from meetingplaces.mail import send_due
from meetingplaces.models import AuditEntry, Invitation, Organisation, User
from meetingplaces.models.types import utcnow
from meetingplaces.policy import can

from .accounts_factories import body_of, invite, link_in

PASSWORD = "a long enough password"


@pytest.fixture
def browser(browser):
    """The messages below are checked in English, whatever the default language."""
    browser.get("/?lang=en")
    return browser


@pytest.fixture
def mailing(app, mail_config):
    app.config.update(mail_config)
    return app


def accept_as_new(client_or_browser, link, name="Jana"):
    return client_or_browser.post(link, {"name": name, "password": PASSWORD,
                                         "confirm": PASSWORD})


# --- sending and accepting ---------------------------------------------------------------------


def test_an_admin_invites_a_manager_who_accepts_by_the_mailed_link(
        mailing, browser, make, session, smtp_sink, client):
    quarter = make.quarter(name="Nordstadt")
    admin = make.admin()
    browser.login(admin.email)
    response = browser.post("/invitations/managers/new",
                            {"email": " Jana@Example.org", "quarter": str(quarter.id)})
    assert response.status_code == 302
    assert "jana@example.org" in browser.get("/invitations/").get_data(as_text=True)
    browser.logout()

    assert send_due(session, mailing.config) == (1, 0)
    [message] = smtp_sink.wait_for(1)
    assert message["To"] == "jana@example.org"
    assert "Nordstadt" in body_of(message)
    link = link_in(message, "/auth/invitations/")

    page = browser.get(link).get_data(as_text=True)
    assert "Nordstadt" in page and 'name="password"' in page
    accepted = accept_as_new(browser, link)
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/account/"
    jana = session.scalar(select(User).where(User.email == "jana@example.org"))
    assert jana.name == "Jana" and jana.check_password(PASSWORD)
    assert [q.name for q in jana.managed_quarters] == ["Nordstadt"]
    assert browser.get("/account/").status_code == 200  # logged in as Jana

    browser.logout()
    again = browser.get(link)
    assert again.status_code == 410
    assert accept_as_new(browser, link, name="Mallory").status_code == 410
    assert session.scalar(select(User).where(User.email == "jana@example.org")).name == "Jana"


def test_a_manager_invites_an_organisations_first_admin(browser, make, session):
    quarter = make.quarter()
    organisation = make.organisation(quarter)
    manager = make.manager(quarter)
    browser.login(manager.email)
    response = browser.post("/invitations/organisation-admins/new",
                            {"email": "chair@example.org", "organisation": organisation.id})
    assert response.status_code == 302
    invitation = session.scalar(select(Invitation))
    assert (invitation.kind, invitation.organisation_id, invitation.invited_by_id) == \
        ("organisation_admin", organisation.id, manager.id)


def test_an_organisation_admin_invites_a_member(browser, make, session):
    organisation = make.organisation()
    chair = make.member(organisation, "admin")
    browser.login(chair.email)
    assert browser.post("/invitations/members/new",
                        {"email": "helper@example.org", "organisation": organisation.id}
                        ).status_code == 302
    _, token = invite(session, chair, "second@example.org", "organisation_member", organisation)
    browser.logout()
    assert accept_as_new(browser, f"/auth/invitations/{token}").status_code == 302
    second = session.scalar(select(User).where(User.email == "second@example.org"))
    assert second.membership_in(organisation.id).role == "member"
    assert can(second, "act_for", organisation)


def test_an_address_with_an_account_is_recognised_and_gets_the_role_added(browser, make,
                                                                          session):
    first, second = make.organisation(), make.organisation()
    volunteer = make.member(first, email="volunteer@example.org", name="Volunteer")
    chair = make.member(second, "admin")
    _, token = invite(session, chair, "VOLUNTEER@example.org", "organisation_member", second)
    page = browser.get(f"/auth/invitations/{token}").get_data(as_text=True)
    assert 'name="password"' not in page and "already have an account" in page
    response = browser.post(f"/auth/invitations/{token}", {})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    session.expire_all()
    assert {m.organisation_id for m in volunteer.memberships} == {first.id, second.id}
    assert volunteer.name == "Volunteer"
    browser.login(volunteer.email)  # the password stays the one they had


def test_an_admin_invitation_promotes_a_member_but_a_member_invitation_never_demotes(
        session, make):
    organisation = make.organisation()
    manager = make.manager(organisation.quarter)
    member = make.member(organisation)
    _, token = invite(session, manager, member.email, "organisation_admin", organisation)
    invitations.accept(session, token, now=utcnow())
    assert member.membership_in(organisation.id).role == "admin"
    with pytest.raises(Conflict):  # already has the role
        invite(session, manager, member.email, "organisation_member", organisation)


def test_inviting_someone_who_already_has_the_role_says_so(browser, make):
    quarter = make.quarter()
    manager = make.manager(quarter, email="qm@example.org")
    browser.login(make.admin().email)
    response = browser.post("/invitations/managers/new",
                            {"email": manager.email, "quarter": quarter.id})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "qm@example.org already has this role." in html
    assert 'value="qm@example.org"' in html


def test_inviting_again_replaces_the_earlier_link(session, make):
    quarter = make.quarter()
    admin = make.admin()
    _, first = invite(session, admin, "new@example.org", "manager", quarter)
    _, second = invite(session, admin, "new@example.org", "manager", quarter)
    with pytest.raises(InvalidLink, match="withdrawn"):
        invitations.invitation_for_token(session, first, utcnow())
    assert invitations.invitation_for_token(session, second, utcnow()).email == "new@example.org"


def test_accepting_needs_a_name_and_a_long_password_and_keeps_what_was_typed(browser, make,
                                                                            session):
    organisation = make.organisation()
    _, token = invite(session, make.manager(organisation.quarter), "x@example.org",
                      "organisation_admin", organisation)
    response = browser.post(f"/auth/invitations/{token}",
                            {"name": "Jana Ö.", "password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert 'value="Jana Ö."' in response.get_data(as_text=True)
    assert session.scalar(select(User).where(User.email == "x@example.org")) is None
    assert invitations.invitation_for_token(session, token, utcnow()) is not None


def test_a_name_with_html_is_shown_escaped(browser, make, session):
    organisation = make.organisation()
    chair = make.member(organisation, "admin")
    _, token = invite(session, chair, "x@example.org", "organisation_member", organisation)
    accept_as_new(browser, f"/auth/invitations/{token}", name="<script>alert(1)</script>")
    browser.logout()
    browser.login(chair.email)
    html = browser.get("/invitations/").get_data(as_text=True)
    assert "x@example.org" in html
    browser.logout()
    browser.login("x@example.org", PASSWORD)
    profile = browser.get("/account/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in profile
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in profile


# --- links that no longer work -----------------------------------------------------------------


def test_an_invitation_link_expires(browser, make, session, app):
    quarter = make.quarter()
    days = app.config["INVITATION_MAX_AGE_DAYS"]
    _, stale = invite(session, make.admin(), "late@example.org", "manager", quarter,
                      now=utcnow() - timedelta(days=days, seconds=1), max_age_days=days)
    response = browser.get(f"/auth/invitations/{stale}")
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert accept_as_new(browser, f"/auth/invitations/{stale}").status_code == 410


def test_an_invitation_lives_until_its_expiry_instant(session, make):
    issued = utcnow()
    _, token = invite(session, make.admin(), "a@example.org", "manager", make.quarter(),
                      now=issued, max_age_days=14)
    last_moment = issued + timedelta(days=14) - timedelta(microseconds=1)
    assert invitations.invitation_for_token(session, token, last_moment)
    with pytest.raises(InvalidLink, match="expired"):
        invitations.invitation_for_token(session, token, issued + timedelta(days=14))


def test_a_revoked_invitation_is_refused(browser, make, session):
    organisation = make.organisation()
    chair = make.member(organisation, "admin")
    invitation, token = invite(session, chair, "x@example.org", "organisation_member",
                               organisation)
    browser.login(chair.email)
    assert browser.post(f"/invitations/{invitation.id}/revoke",
                        {"confirmed": "yes"}).status_code == 302
    session.refresh(invitation)
    assert invitation.revoked_at is not None
    browser.logout()
    response = browser.get(f"/auth/invitations/{token}")
    assert response.status_code == 410
    assert accept_as_new(browser, f"/auth/invitations/{token}").status_code == 410
    assert session.scalar(select(User).where(User.email == "x@example.org")) is None


def test_an_unknown_invitation_token_is_refused(browser):
    assert browser.get("/auth/invitations/made-up-token").status_code == 410


def test_an_accepted_invitation_cannot_be_revoked(session, make):
    quarter = make.quarter()
    admin = make.admin()
    invitation, token = invite(session, admin, "a@example.org", "manager", quarter)
    invitations.accept(session, token, now=utcnow(), name="A", password=PASSWORD)
    with pytest.raises(Conflict):
        invitations.revoke(session, admin, invitation, utcnow())


# --- who may invite whom -----------------------------------------------------------------------


def test_an_organisation_admin_cannot_invite_managers(browser, make, session):
    organisation = make.organisation()
    chair = make.member(organisation, "admin")
    browser.login(chair.email)
    assert browser.get("/invitations/managers/new").status_code == 403
    response = browser.post("/invitations/managers/new",
                            {"email": "x@example.org", "quarter": organisation.quarter_id})
    assert response.status_code == 403
    assert browser.get("/invitations/organisation-admins/new").status_code == 403
    assert session.scalar(select(Invitation)) is None


def test_a_manager_cannot_invite_managers_or_into_another_quarters_organisation(browser, make,
                                                                                session):
    mine, theirs = make.quarter(), make.quarter()
    foreign = make.organisation(theirs)
    make.organisation(mine)
    manager = make.manager(mine)
    browser.login(manager.email)
    assert browser.get("/invitations/managers/new").status_code == 403
    response = browser.post("/invitations/organisation-admins/new",
                            {"email": "x@example.org", "organisation": foreign.id})
    assert response.status_code == 403
    assert browser.post("/invitations/members/new",
                        {"email": "x@example.org", "organisation": foreign.id}).status_code == 403
    assert session.scalar(select(Invitation)) is None


def test_a_member_cannot_invite_or_withdraw(browser, make, session):
    organisation = make.organisation()
    chair = make.member(organisation, "admin")
    member = make.member(organisation)
    invitation, _ = invite(session, chair, "x@example.org", "organisation_member", organisation)
    browser.login(member.email)
    assert browser.get("/invitations/members/new").status_code == 403
    assert browser.post(f"/invitations/{invitation.id}/revoke",
                        {"confirmed": "yes"}).status_code == 403
    assert "x@example.org" not in browser.get("/invitations/").get_data(as_text=True)
    session.refresh(invitation)
    assert invitation.revoked_at is None


def test_each_sees_only_the_invitations_they_could_send(session, make):
    quarter, other = make.quarter(), make.quarter()
    admin = make.admin()
    organisation = make.organisation(quarter)
    invite(session, admin, "m@example.org", "manager", quarter)
    invite(session, admin, "o@example.org", "organisation_admin", organisation)
    invite(session, admin, "far@example.org", "organisation_admin", make.organisation(other))
    manager = make.manager(quarter)
    chair = make.member(organisation, "admin")
    assert {i.email for i in invitations.visible_to(session, admin)} == \
        {"m@example.org", "o@example.org", "far@example.org"}
    assert {i.email for i in invitations.visible_to(session, manager)} == {"o@example.org"}
    assert invitations.visible_to(session, chair) == []
    with pytest.raises(Forbidden):
        invite(session, chair, "x@example.org", "organisation_admin", organisation)


def test_invitation_pages_need_a_login(client):
    assert client.get("/invitations/").status_code == 302
    assert client.get("/invitations/registrations").status_code == 302


# --- approving registrations -------------------------------------------------------------------


@pytest.fixture
def registered(make, session):
    """A pending initiative in its home quarter, with the registrant as its first admin."""
    quarter = make.quarter(name="Ostersbaum")
    organisation = make.organisation(quarter, name="Nähcafé", status="pending")
    registrant = make.member(organisation, "admin", email="leyla@example.org",
                             name="<b>Leyla</b>")
    return organisation, registrant


def test_a_manager_of_the_quarter_approves_and_the_registrant_is_told(
        mailing, browser, make, session, smtp_sink, registered):
    organisation, registrant = registered
    manager = make.manager(organisation.quarter)
    browser.login(manager.email)
    page = browser.get("/invitations/registrations").get_data(as_text=True)
    assert "Nähcafé" in page
    assert "&lt;b&gt;Leyla&lt;/b&gt;" in page and "<b>Leyla</b>" not in page
    assert browser.post(f"/invitations/registrations/{organisation.id}/approve").status_code \
        == 302
    session.refresh(organisation)
    assert organisation.status == "active"
    assert can(registrant, "act_for", organisation)
    assert f'id="registration-{organisation.id}"' not in \
        browser.get("/invitations/registrations").get_data(as_text=True)

    send_due(session, mailing.config)
    [message] = smtp_sink.wait_for(1)
    assert message["To"] == "leyla@example.org"
    assert "Nähcafé" in message["Subject"]
    assert link_in(message, "/auth/login") == "/auth/login"

    again = browser.post(f"/invitations/registrations/{organisation.id}/approve",
                         follow_redirects=True)
    assert "already been decided" in again.get_data(as_text=True)


def test_a_rejection_needs_a_reason_which_the_registrant_reads(
        mailing, browser, make, session, smtp_sink, registered):
    organisation, _registrant = registered
    browser.login(make.manager(organisation.quarter).email)
    url = f"/invitations/registrations/{organisation.id}/reject"
    empty = browser.post(url, {f"reject-{organisation.id}-reason": "  "})
    assert empty.status_code == 422
    assert f'id="reject-{organisation.id}-reason-error"' in empty.get_data(as_text=True)
    reason = "Bitte meldet euch im Stadtteilbüro <Ostersbaum>."
    assert browser.post(url, {f"reject-{organisation.id}-reason": reason}).status_code == 302
    session.refresh(organisation)
    assert organisation.status == "rejected"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "rejected"))
    assert entry.details == {"reason": reason}

    send_due(session, mailing.config)
    [message] = smtp_sink.wait_for(1)
    assert reason in body_of(message)


def test_a_manager_of_another_quarter_cannot_decide(browser, make, session, registered):
    organisation, _ = registered
    stranger = make.manager(make.quarter())
    browser.login(stranger.email)
    assert "Nähcafé" not in browser.get("/invitations/registrations").get_data(as_text=True)
    assert browser.post(f"/invitations/registrations/{organisation.id}/approve").status_code \
        == 403
    reject = browser.post(f"/invitations/registrations/{organisation.id}/reject",
                          {f"reject-{organisation.id}-reason": "no"})
    assert reject.status_code == 403
    assert browser.post(f"/invitations/registrations/{organisation.id}/reject").status_code \
        == 403
    session.refresh(organisation)
    assert organisation.status == "pending"


def test_members_and_initiatives_do_not_see_registrations(browser, registered):
    _, registrant = registered
    browser.login(registrant.email)
    assert browser.get("/invitations/registrations").status_code == 403


def test_a_quarter_without_managers_sends_registrations_to_the_admins(session, make, app):
    from meetingplaces.accounts import registrations
    from meetingplaces.models import OutboxMessage

    quarter = make.quarter()
    admin = make.admin(email="city@example.org")
    registrations.register(
        session, organisation_name="Chor", kind="other", quarter_id=quarter.id, description="",
        registrant=make.user(), now=utcnow())
    session.commit()
    assert session.scalars(select(OutboxMessage.recipient)).all() == [admin.email]
    assert session.scalar(select(Organisation.status).where(Organisation.name == "Chor")) \
        == "pending"


def test_two_clicks_at_once_accept_an_invitation_only_once(app, session, make):
    import threading

    from meetingplaces.extensions import db

    quarter = make.quarter()
    _, token = invite(session, make.admin(), "twice@example.org", "manager", quarter)
    start = threading.Barrier(2)
    outcomes = []

    def click(name):
        with app.app_context():
            start.wait()
            try:
                invitations.accept(db.session, token, now=utcnow(), name=name, password=PASSWORD)
                db.session.commit()
                outcomes.append("accepted")
            except InvalidLink:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    clicks = [threading.Thread(target=click, args=(name,)) for name in ("A", "B")]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join(30)
    assert sorted(outcomes) == ["accepted", "refused"]
    session.expire_all()
    assert len(session.scalars(select(User).where(User.email == "twice@example.org")).all()) == 1
