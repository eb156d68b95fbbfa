"""Issue 13: mailed and printed links come from BASE_URL, never from the Host header; unknown
hosts are refused; ?next= leads only to a path on this site."""

import pytest
from sqlalchemy import select

from meetingplaces.links import same_site_path
from meetingplaces.models import OutboxMessage

from .conftest import Browser

BASE = "https://treffpunkte.example.de"


@pytest.fixture
def app_config():
    return {"BASE_URL": BASE}


def _bodies(session) -> str:
    return "\n".join(m.body for m in session.scalars(select(OutboxMessage)))


def test_a_reset_link_points_at_the_base_url_whatever_host_the_request_names(app, make, session):
    app.config["ALLOWED_HOSTS"] = ["evil.example"]  # even a host we answer to cannot steer links
    make.user(email="kemal@example.org")
    browser = Browser(app.test_client())
    page = browser.client.get("/auth/forgot-password", headers={"Host": "evil.example"})
    from .conftest import csrf_token_from

    token = csrf_token_from(page.get_data(as_text=True))
    response = browser.client.post("/auth/forgot-password", headers={"Host": "evil.example"},
                                   data={"csrf_token": token, "email": "kemal@example.org"})
    assert response.status_code == 302
    body = _bodies(session)
    assert f"{BASE}/auth/reset-password/" in body
    assert "evil.example" not in body


def test_a_request_for_an_unknown_host_is_refused(client):
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "not served under this address" in response.get_data(as_text=True)
    assert client.get("/", headers={"Host": "treffpunkte.example.de"}).status_code == 200
    assert client.get("/", headers={"Host": "treffpunkte.example.de:443"}).status_code == 200
    # A load balancer's health check names whatever address it knows the node by.
    assert client.get("/healthz", headers={"Host": "10.0.0.7:8000"}).status_code == 200


def test_invitation_links_use_the_base_url_outside_a_request_too(app, make, session):
    from meetingplaces.accounts import invitations
    from meetingplaces.models.types import utcnow

    quarter = make.quarter()
    admin = make.admin()
    invitations.invite(session, admin, email="new@example.org", kind="manager",
                       target=quarter, max_age_days=14, now=utcnow())
    assert f"{BASE}/auth/invitations/" in _bodies(session)


@pytest.mark.parametrize("app_config", [{}])
def test_without_a_base_url_every_host_is_served_for_development(client):
    assert client.get("/", headers={"Host": "whatever.local"}).status_code == 200


@pytest.mark.parametrize("app_config", [{}])
@pytest.mark.parametrize("target", [
    "/%09/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/",
    "/%0d%0aLocation:%20https://evil.example", "/\t/evil.example",
])
def test_login_never_redirects_to_another_site(browser, make, target):
    user = make.user()
    response = browser.post(f"/auth/login?next={target}",
                            {"email": user.email, "password": "correct horse battery staple"})
    assert response.status_code < 500
    location = response.headers.get("Location", "")
    assert "evil.example" not in location
    assert not location.startswith("//")


@pytest.mark.parametrize("app_config", [{}])
def test_login_follows_a_next_path_on_this_site(browser, make):
    user = make.user()
    response = browser.post("/auth/login?next=/account/profile?tab=1",
                            {"email": user.email, "password": "correct horse battery staple"})
    assert response.headers["Location"] == "/account/profile?tab=1"


@pytest.mark.parametrize("target,expected", [
    ("/events", "/events"), ("/a?b=/c", "/a?b=/c"), ("//x", None), ("/\t/x", None),
    ("/\\x", None), ("http://x/", None), ("x", None), ("", None), (None, None),
    ("/a\r\nSet-Cookie: x", None),
])
def test_same_site_path_accepts_only_plain_paths(target, expected):
    assert same_site_path(target) == expected
