"""The management pages in real Chromium: accessible, usable at phone width, errors next to
their fields, and the web address previewed from the name while typing."""

import pytest

from meetingplaces.demo import DEMO_PASSWORD


def log_in(page, email: str = "manager@example.org"):
    page.goto("/auth/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


def open_facility(page, name: str = "Alte Feuerwache"):
    page.goto("/manage/")
    page.get_by_role("link", name="Nordstadt").click()
    page.get_by_role("link", name=name).click()
    assert "/manage/facilities/" in page.url


@pytest.mark.parametrize("language", ["de", "ar"])
def test_dashboard_quarter_and_facility_pages_have_no_serious_violation(page, axe, language):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page)
    for step in ("/manage/?lang=" + language, "quarter", "facility"):
        if step == "quarter":
            page.get_by_role("link", name="Nordstadt").click()
        elif step == "facility":
            page.get_by_role("link", name="Alte Feuerwache").click()
        else:
            page.goto(step)
        violations = axe(page)
        assert not violations, f"{page.url}\n{_describe(violations)}"


def test_bad_opening_hours_are_shown_next_to_the_day_and_stay_typed(page, axe):
    log_in(page)
    open_facility(page)
    page.fill("#hours_2", "9 bis 13 Uhr")
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.input_value("#hours_2") == "9 bis 13 Uhr"
    assert page.get_attribute("#hours_2", "aria-invalid") == "true"
    assert "hours_2-error" in page.get_attribute("#hours_2", "aria-describedby")
    assert page.locator("#hours_2-error").is_visible()
    # The error summary takes the focus so that screen readers announce it.
    assert page.evaluate("document.activeElement.classList.contains('form-errors')")
    assert not axe(page), _describe(axe(page))


def test_facility_form_fits_a_phone(page, screenshot):
    log_in(page)
    open_facility(page)
    screenshot(page, "manage-facility-de-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_web_address_is_previewed_from_the_name(page):
    log_in(page, "admin@example.org")
    page.goto("/manage/quarters/new")
    page.fill("#name", "Große Höhe Süd")
    assert page.get_attribute("#slug", "placeholder") == "grosse-hoehe-sued"
    assert page.input_value("#slug") == ""


def test_public_organisation_page_has_no_serious_violation(page, axe):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/organisations/sprachcafe-nordstadt?lang=ar")
    assert not axe(page), _describe(axe(page))


MY_ORGANISATION = "/account/organisations/sprachcafe-nordstadt"


@pytest.mark.parametrize("language", ["de", "ar"])
def test_my_organisation_page_has_no_serious_violation_also_with_an_error(page, axe, language):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "initiative@example.org")
    page.goto(f"/account/organisations/?lang={language}")  # one organisation: its page
    assert page.url.endswith(MY_ORGANISATION)
    violations = axe(page)
    assert not violations, f"{page.url}\n{_describe(violations)}"
    page.fill("#private_contact_email", "keine-adresse")
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.input_value("#private_contact_email") == "keine-adresse"
    assert page.get_attribute("#private_contact_email", "aria-invalid") == "true"
    violations = axe(page)
    assert not violations, f"{page.url}\n{_describe(violations)}"


def test_my_organisation_fits_a_phone_for_admins_and_members(page, axe, screenshot):
    page.set_viewport_size({"width": 360, "height": 800})
    for email, name in (("initiative@example.org", "admin"), ("member@example.org", "member")):
        page.context.clear_cookies()
        log_in(page, email)
        page.goto(MY_ORGANISATION)
        screenshot(page, f"my-organisation-{name}-de-360")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert not axe(page), _describe(axe(page))
    page.get_by_role("link", name="Aus dieser Organisation austreten").click()
    page.wait_for_load_state()
    assert not axe(page), _describe(axe(page))
