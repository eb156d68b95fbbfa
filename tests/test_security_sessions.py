"""Issue 13: logout and a new password end every session of the user (a session version in
the cookie); a member who leaves or is removed, or an account switched off, loses the private
booking feeds (their tokens rotate)."""

import re

import pytest

from .booking_factories import city_fixture  # noqa: F401  (a fixture)
from .conftest import Browser
from .factories import PASSWORD

FEED = re.compile(r"https?://[^/]+(/bookings/feeds/[^<\s]+\.ics)")


@pytest.fixture
def app_config():
    # Many logins from one address; the limits have tests of their own (test_auth.py).
    # (Not RATELIMIT_ENABLED=False: the limiter is one object, that would outlive this app.)
    return {"LOGIN_RATE_LIMIT": "1000 per hour", "REGISTRATION_RATE_LIMIT": "1000 per hour"}


def _second_device(app, browser) -> Browser:
    """Another client holding a copy of the first one's cookies."""
    copy = Browser(app.test_client())
    for cookie in browser.client._cookies.values():
        copy.client.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return copy


def test_a_cookie_copied_before_logout_no_longer_works(app, browser, make):
    user = make.user()
    browser.login(user.email)
    copy = _second_device(app, browser)
    assert copy.get("/account/").status_code == 200
    browser.logout()
    assert copy.get("/account/").status_code == 302  # to the login page


def test_logout_ends_a_remember_me_cookie_on_another_device(app, make):
    user = make.user()
    phone, laptop = Browser(app.test_client()), Browser(app.test_client())
    phone.post("/auth/login", {"email": user.email, "password": PASSWORD, "remember": "y"})
    laptop.login(user.email)
    remember = {c.key: c.value for c in phone.client._cookies.values()}["remember_token"]
    fresh = Browser(app.test_client())
    fresh.client.set_cookie("remember_token", remember, domain="localhost.test")
    assert fresh.get("/account/").status_code == 200  # the cookie alone logs in
    laptop.logout()
    stale = Browser(app.test_client())
    stale.client.set_cookie("remember_token", remember, domain="localhost.test")
    assert stale.get("/account/").status_code == 302
    assert phone.get("/account/").status_code == 302


def test_a_new_password_ends_the_other_sessions_but_keeps_this_one(app, browser, make):
    user = make.user()
    browser.login(user.email)
    other = Browser(app.test_client())
    other.login(user.email)
    response = browser.post("/account/password", {
        "current_password": PASSWORD, "password": "another long passphrase",
        "confirm": "another long passphrase"})
    assert response.status_code == 302
    assert browser.get("/account/").status_code == 200
    assert other.get("/account/").status_code == 302


@pytest.fixture
def organisation_feed(browser, city):
    """A member subscribes to the organisation's private feed; returns its path."""
    browser.login(city.member.email)
    page = browser.post(f"/bookings/feeds/organisation/{city.organisation.slug}")
    path = FEED.search(page.get_data(as_text=True)).group(1)
    assert browser.get(path).status_code == 200
    return path


def test_a_member_who_leaves_loses_the_private_feed(browser, make, city, organisation_feed):
    make.member(city.organisation, "admin")  # someone stays in charge
    slug = city.organisation.slug
    assert browser.post(f"/account/organisations/{slug}/leave").status_code == 302
    assert browser.get(organisation_feed).status_code == 404


def test_a_removed_member_loses_the_private_feed(app, browser, make, city, organisation_feed):
    """Issue 13: the feed URL still answered with new bookings and their purposes."""
    admin = make.member(city.organisation, "admin")
    organiser = Browser(app.test_client())
    organiser.login(admin.email)
    slug = city.organisation.slug
    response = organiser.post(f"/account/organisations/{slug}/members/{city.member.id}/remove",
                              {"confirmed": "yes"})
    assert response.status_code == 302
    assert organiser.get(organisation_feed).status_code == 404
    # The others renew the address and get a working one.
    renewed = organiser.post(f"/bookings/feeds/organisation/{slug}").get_data(as_text=True)
    assert organiser.get(FEED.search(renewed).group(1)).status_code == 200


def test_an_account_switched_off_loses_its_feeds_and_sessions(app, browser, make, city,
                                                              organisation_feed):
    admin = Browser(app.test_client())
    admin.login(make.admin().email)
    response = admin.post(f"/manage/users/{city.member.id}/active",
                          {"active": "0", "confirmed": "yes"})
    assert response.status_code == 302
    assert admin.get(organisation_feed).status_code == 404
    assert browser.get("/account/").status_code == 302


def test_a_manager_who_no_longer_manages_the_quarter_loses_its_rooms_feeds(
        app, session, make, city):
    from meetingplaces.roles import update_roles

    manager = Browser(app.test_client())
    manager.login(city.manager.email)
    page = manager.post(f"/bookings/feeds/resource/{city.room.slug}").get_data(as_text=True)
    path = FEED.search(page).group(1)
    assert manager.get(path).status_code == 200
    update_roles(session, city.manager, acting=make.admin(), is_admin=False,
                 is_spielmobil_staff=False, managed_quarters=[])
    session.commit()
    assert manager.get(path).status_code == 404


def test_an_invitation_goes_to_one_address_only(session, make):
    from meetingplaces.accounts import invitations
    from meetingplaces.errors import InvalidInput
    from meetingplaces.models.types import utcnow

    with pytest.raises(InvalidInput):
        invitations.invite(session, make.admin(), email="a@example.org,b@example.org",
                           kind="manager", target=make.quarter(), max_age_days=14, now=utcnow())
