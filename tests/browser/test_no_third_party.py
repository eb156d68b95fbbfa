"""Issue 13 (DSGVO): no page makes a request to any other origin. Real Chromium watches every
request the main pages make (documents, styles, scripts, images, fonts, XHR) while a visitor
and a logged-in member move through them."""

from urllib.parse import urlsplit

import pytest

from meetingplaces import create_app
from meetingplaces.extensions import db
from tests.browser.conftest import serving
from tests.factories import PASSWORD, Factory

PUBLIC = ["/", "/quarters/ostersbaum", "/quarters/ostersbaum/calendar?view=month", "/calendar",
          "/facilities/alte-feuerwache", "/organisations/naehcafe", "/privacy", "/auth/login",
          "/auth/register", "/auth/forgot-password", "/bookings/guest/new"]
MEMBER = ["/account/", "/bookings/", "/bookings/new", "/events/", "/events/new",
          "/account/organisations/naehcafe", "/account/delete"]


@pytest.fixture(scope="module")
def small_city(tmp_path_factory):
    """A quarter with a facility, a room, an organisation and its member, served on loopback."""
    root = tmp_path_factory.mktemp("third-party")
    app = create_app({
        "SECRET_KEY": "browser-test-secret-key",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'city.sqlite'}",
        "MAIL_SEND_AFTER_REQUEST": False,
        "RATELIMIT_STORAGE_URI": "memory://",
    })
    app.instance_path = str(root / "instance")
    with app.app_context():
        db.create_all()
        make = Factory(db.session)
        quarter = make.quarter(slug="ostersbaum", name="Ostersbaum")
        facility = make.facility(quarter, slug="alte-feuerwache", name="Alte Feuerwache")
        make.room(facility, name="Saal")
        organisation = make.organisation(quarter, slug="naehcafe", name="Nähcafé")
        make.member(organisation, "admin", email="member@example.org")
        db.session.commit()
        db.engine.dispose()
    with serving(app) as base_url:
        yield base_url


def test_the_main_pages_request_nothing_from_another_origin(chromium, small_city):
    context = chromium.new_context(base_url=small_city, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        for path in PUBLIC:
            assert page.goto(path).status == 200, path
        page.goto("/auth/login")
        page.fill("input[name=email]", "member@example.org")
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit], form input[type=submit]")
        page.wait_for_load_state()
        for path in MEMBER:
            assert page.goto(path).status == 200, path
            assert "/auth/login" not in page.url, f"{path}: not logged in"
    finally:
        context.close()
    origin = urlsplit(small_city).netloc
    foreign = sorted({url for url in requested
                      if not url.startswith(("data:", "blob:", "about:"))
                      and urlsplit(url).netloc != origin})
    assert len(requested) > len(PUBLIC) + len(MEMBER)
    assert not foreign, f"requests to other origins: {foreign}"
