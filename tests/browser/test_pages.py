"""The public pages and the login form in real Chromium: accessible in German and Arabic,
mirrored right to left, usable at phone width and by keyboard alone."""

import pytest

PAGES = {
    "home": "/",
    "quarter": "/quarters/nordstadt",
    "facility": "/facilities/alte-feuerwache",
    "organisation": "/organisations/sprachcafe-nordstadt",
    "calendar": "/calendar",
    "quarter-calendar": "/quarters/nordstadt/calendar?view=month",
    "spielmobil": "/spielmobil",
    "spielmobil-poster": "/spielmobil/spielmobil/poster",
    "login": "/auth/login",
    "register": "/auth/register",
}


def visit(page, path: str):
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    return response


def _describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


@pytest.mark.parametrize("language", ["de", "ar"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_on_a_phone_is_accessible_and_never_scrolls_sideways(
    page, axe, screenshot, name, language
):
    visit(page, f"{PAGES[name]}?lang={language}")
    screenshot(page, f"{name}-{language}-360")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name} in {language} is {width}px wide at a 360px viewport"
    violations = axe(page)
    assert not violations, _describe(violations)


def test_accessibility_check_notices_a_missing_alternative_text(page, axe):
    visit(page, "/")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert "image-alt" in [v["id"] for v in axe(page)]


@pytest.mark.parametrize("language", ["de", "ar"])
def test_quarter_page_at_desktop_width(page, axe, screenshot, language):
    page.set_viewport_size({"width": 1280, "height": 900})
    visit(page, f"{PAGES['quarter']}?lang={language}")
    screenshot(page, f"quarter-{language}-1280")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    violations = axe(page)
    assert not violations, _describe(violations)


def test_arabic_layout_is_mirrored(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    visit(page, "/?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    brand = page.locator(".brand").bounding_box()
    switcher = page.locator(".language-switcher").bounding_box()
    assert brand["x"] > 640, "the site name starts at the right in Arabic"
    assert switcher["x"] < brand["x"], "the language switcher sits at the end (left)"
    visit(page, "/?lang=de")
    assert page.locator(".brand").bounding_box()["x"] < 640


def test_language_switcher_changes_and_remembers_the_language(page):
    visit(page, "/")
    assert page.get_attribute("html", "lang") == "de"
    page.get_by_role("navigation", name="Sprache").get_by_role("link", name="العربية").click()
    assert page.get_attribute("html", "dir") == "rtl"
    page.get_by_role("link", name="Nordstadt").click()
    assert page.url.endswith("/quarters/nordstadt")
    assert page.get_attribute("html", "lang") == "ar"
    current = page.locator(".language-switcher [aria-current=true]")
    assert current.inner_text() == "العربية"


def test_login_form_works_by_keyboard_with_a_visible_focus(page):
    visit(page, "/auth/login")
    focused = []
    for _ in range(30):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("(e => e.id || e.className)(document.activeElement)"))
        if focused[-1] == "email":
            break
    assert focused[0] == "skip-link"
    assert focused[-1] == "email", f"tabbing never reached the e-mail field: {focused}"
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] != "none" and outline[1] >= 2, f"no visible focus: {outline}"
    page.keyboard.type("initiative@example.org")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type("demo-password")
    page.keyboard.press("Enter")
    page.wait_for_url("**/start")
    assert page.get_by_role("button", name="Abmelden").is_visible()


def test_skip_link_appears_on_focus_and_jumps_to_the_content(page):
    visit(page, "/quarters/nordstadt")
    skip = page.locator(".skip-link")
    assert skip.bounding_box()["x"] < 0, "hidden off screen until focused"
    page.keyboard.press("Tab")
    box = skip.bounding_box()
    assert 0 <= box["x"] < 360 and 0 <= box["y"] < 740
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_form_errors_are_linked_to_their_fields(page):
    visit(page, "/auth/login?lang=ar")
    page.get_by_role("button", name="تسجيل الدخول").click()
    email = page.locator("#email")
    assert email.get_attribute("aria-invalid") == "true"
    error_id = email.get_attribute("aria-describedby")
    assert page.locator(f"#{error_id}").inner_text().strip()
    # app.js moves the focus to the summary once the page has loaded; wait for it, not a race.
    page.wait_for_load_state("load")
    page.wait_for_function("document.activeElement.className === 'form-errors'", timeout=5000)
    assert page.evaluate("document.activeElement.className") == "form-errors"


def test_pages_run_without_content_security_policy_violations(page):
    problems = []
    page.on("console", lambda message: problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    for path in PAGES.values():
        visit(page, f"{path}?lang=fa")
    assert not [p for p in problems if "Content Security Policy" in p or "Error" in p], problems
