"""One's own account: profile, password, personal API tokens (page, CLI, JSON API)."""

import re

import pytest
from sqlalchemy import select

from meetingplaces.models import ApiToken, User

from .conftest import Browser
from .factories import PASSWORD

NEW_PASSWORD = "another long passphrase"


@pytest.fixture
def browser(browser):
    """The messages below are checked in English, whatever the default language."""
    browser.get("/?lang=en")
    return browser


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# --- profile and password ----------------------------------------------------------------------


def test_a_user_changes_name_and_language(browser, make, session):
    user = make.user(name="Old Name")
    browser.login(user.email)
    response = browser.post("/account/", {"name": "Neuer Name", "preferred_language": "uk"})
    assert response.status_code == 302
    session.refresh(user)
    assert (user.name, user.preferred_language) == ("Neuer Name", "uk")


def test_the_profile_offers_the_configured_languages_only(browser, make, session, app):
    user = make.user()
    browser.login(user.email)
    page = browser.get("/account/").get_data(as_text=True)
    for code in app.config["LANGUAGES"]:
        assert re.search(f'<option lang="{code}"[^>]* value="{code}"', page)
    response = browser.post("/account/", {"name": "Name", "preferred_language": "xx"})
    assert response.status_code == 422
    assert 'id="preferred_language-error"' in response.get_data(as_text=True)
    session.refresh(user)
    assert user.preferred_language == "de"


def test_a_name_with_html_is_shown_escaped_on_the_profile(browser, make):
    user = make.user()
    browser.login(user.email)
    browser.post("/account/", {"name": "<img src=x onerror=alert(1)>", "preferred_language": "de"})
    html = browser.get("/account/").get_data(as_text=True)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_too_long_name_is_refused_and_kept(browser, make):
    browser.login(make.user().email)
    response = browser.post("/account/", {"name": "x" * 121, "preferred_language": "de"})
    assert response.status_code == 422
    assert 'value="' + "x" * 121 + '"' in response.get_data(as_text=True)


def test_changing_the_password_needs_the_current_one(browser, make, session):
    user = make.user()
    browser.login(user.email)
    wrong = browser.post("/account/password", {"current_password": "not it",
                                               "password": NEW_PASSWORD,
                                               "confirm": NEW_PASSWORD})
    assert wrong.status_code == 422
    assert 'id="current_password-error"' in wrong.get_data(as_text=True)
    right = browser.post("/account/password", {"current_password": PASSWORD,
                                               "password": NEW_PASSWORD,
                                               "confirm": NEW_PASSWORD})
    assert right.status_code == 302
    browser.logout()
    browser.login(user.email, NEW_PASSWORD)


def test_a_new_password_logs_out_other_devices_but_not_this_one(app, browser, make):
    user = make.user()
    other_device = Browser(app.test_client())
    other_device.login(user.email)
    browser.login(user.email)
    assert browser.post("/account/password", {"current_password": PASSWORD,
                                              "password": NEW_PASSWORD,
                                              "confirm": NEW_PASSWORD}).status_code == 302
    assert browser.get("/account/").status_code == 200
    assert other_device.get("/account/").status_code == 302


def test_account_pages_need_a_login(client):
    for url in ("/account/", "/account/password", "/account/tokens"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_account_forms_refuse_posts_without_csrf_token(browser, client, make):
    browser.login(make.user().email)
    assert client.post("/account/", data={"name": "x", "preferred_language": "de"}
                       ).status_code == 400
    assert client.post("/account/tokens", data={"name": "x"}).status_code == 400


# --- API tokens --------------------------------------------------------------------------------


def create_token(browser, name="Kalender-Sync") -> str:
    response = browser.post("/account/tokens", {"name": name})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    start = html.index('id="new-token" value="') + len('id="new-token" value="')
    return html[start:html.index('"', start)]


def test_a_created_token_is_shown_once_and_authenticates_the_api(browser, client, make, session):
    organisation = make.organisation(name="Sprachcafé")
    user = make.member(organisation, "admin", name="Amira")
    browser.login(user.email)
    secret = create_token(browser)
    assert secret.startswith("mp_")
    listing = browser.get("/account/tokens").get_data(as_text=True)
    assert secret not in listing and secret[:10] in listing and "Kalender-Sync" in listing
    stored = session.scalar(select(ApiToken))
    assert stored.token_digest != secret and secret not in stored.token_digest

    browser.logout()
    me = client.get("/api/v1/me", headers=bearer(secret))
    assert me.status_code == 200
    assert me.json == {
        "id": user.id, "name": "Amira", "email": user.email, "language": "de",
        "is_admin": False, "is_spielmobil_staff": False, "managed_quarter_ids": [],
        "organisations": [{"organisation_id": organisation.id, "slug": organisation.slug,
                           "name": "Sprachcafé", "role": "admin"}],
    }
    me.close()  # the server closes the response once sent; the use is noted after that
    session.rollback()  # a snapshot taken before the note was stored
    assert session.get(ApiToken, stored.id).last_used_at is not None


def test_a_revoked_token_gets_401(browser, client, make, session):
    user = make.user()
    browser.login(user.email)
    secret = create_token(browser)
    token = session.scalar(select(ApiToken))
    assert browser.post(f"/account/tokens/{token.id}/revoke",
                        {"confirmed": "yes"}).status_code == 302
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json["error"]


def test_the_api_refuses_missing_and_made_up_tokens(client):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers=bearer("mp_made-up")).status_code == 401


def test_nobody_revokes_someone_elses_token(browser, make, session):
    owner, other = make.user(), make.user()
    browser.login(owner.email)
    create_token(browser)
    token = session.scalar(select(ApiToken))
    browser.logout()
    browser.login(other.email)
    assert browser.post(f"/account/tokens/{token.id}/revoke",
                        {"confirmed": "yes"}).status_code == 403
    assert browser.post("/account/tokens/999/revoke", {"confirmed": "yes"}).status_code == 404
    session.refresh(token)
    assert token.revoked_at is None


def test_a_token_needs_a_name(browser, make, session):
    browser.login(make.user().email)
    response = browser.post("/account/tokens", {"name": ""})
    assert response.status_code == 422
    assert 'id="new-token"' not in response.get_data(as_text=True)
    assert session.scalar(select(ApiToken)) is None


def test_a_token_name_with_html_is_shown_escaped(browser, make):
    browser.login(make.user().email)
    create_token(browser, name="<script>x()</script>")
    html = browser.get("/account/tokens").get_data(as_text=True)
    assert "<script>x()</script>" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html


def test_a_deactivated_users_token_stops_working(browser, client, make, session):
    user = make.user()
    browser.login(user.email)
    secret = create_token(browser)
    user.active = False
    session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_the_create_token_command_prints_a_working_token(runner, client, make):
    user = make.user(email="robot@example.org")
    result = runner.invoke(args=["create-token", "Robot@Example.org", "--name", "Import"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 200 and response.json["id"] == user.id


def test_the_create_token_command_refuses_unknown_addresses(runner, session):
    result = runner.invoke(args=["create-token", "nobody@example.org"])
    assert result.exit_code != 0 and "No user" in result.output
    assert session.scalar(select(User)) is None


def test_the_openapi_document_describes_me(client):
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/me" in spec["paths"]
    assert spec["components"]["schemas"]["Me"]["required"] == [
        "id", "name", "email", "language", "is_admin", "is_spielmobil_staff",
        "managed_quarter_ids", "organisations"]


def test_the_confirmation_page_posts_back_under_the_sites_path_prefix(browser, make, session):
    """Served below a path (SCRIPT_NAME), the "Yes" of the no-JavaScript confirmation goes to
    the same view there, as its "No, go back" link does."""
    user = make.user()
    browser.login(user.email)
    create_token(browser)
    token = session.scalar(select(ApiToken))
    html = browser.post(f"/account/tokens/{token.id}/revoke",
                        environ_overrides={"SCRIPT_NAME": "/mp"}).get_data(as_text=True)
    assert f'action="/mp/account/tokens/{token.id}/revoke"' in html
    assert 'href="/mp/account/tokens"' in html
    session.refresh(token)
    assert token.revoked_at is None
