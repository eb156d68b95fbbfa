"""The manager's start page in real Chromium: an initiative asks for a room, the manager logs in,
lands on her start page, finds the request among what waits for her, approves it from there
and is back on a start page where it no longer waits; axe finds nothing serious, in German
and in Arabic.

One test: the request and its approval must meet the same server."""

from .test_journeys import log_in, working_weekday
from .test_pages import _describe, visit

TITLE = "Elterncafé am Donnerstag"


def test_manager_handles_a_waiting_request_from_her_start_page(
        page, chromium, live_server, axe, screenshot):
    log_in(page, "initiative@example.org")
    assert page.get_by_role("heading", name="Ihre nächsten Termine").is_visible()
    visit(page, "/bookings/new?resource=alte-feuerwache-seminarraum")
    page.fill("#date", working_weekday(3, weeks_ahead=5).isoformat())
    page.fill("#start", "14:00")
    page.fill("#end", "15:00")
    page.fill("#title", TITLE)
    page.fill("#attendees", "8")
    page.get_by_role("button", name="Anfrage senden").click()
    page.wait_for_url("**/bookings/*")
    assert page.locator("h1 .badge--pending").inner_text() == "offen"

    context = chromium.new_context(base_url=live_server, viewport={"width": 360, "height": 740},
                                   locale="de-DE")
    try:
        manager = context.new_page()
        manager.set_default_timeout(10_000)
        log_in(manager, "manager@example.org")  # lands on /start
        requests = manager.locator("#requests")
        assert requests.get_by_role("heading", name="Buchungsanfragen").is_visible()
        assert manager.get_by_role("heading", name="Programm Ihrer Quartiere").is_visible()
        screenshot(manager, "start-page-manager-360")
        violations = axe(manager)
        assert not violations, _describe(violations)
        waiting = int(requests.locator(".count").inner_text().strip("()"))
        requests.get_by_role("link", name=TITLE).click()
        manager.get_by_role("button", name="Alle offenen Termine genehmigen").click()
        manager.wait_for_load_state()
        assert manager.locator("h1 .badge--approved").inner_text() == "genehmigt"
        manager.locator("a.brand").click()
        manager.wait_for_url("**/start")
        requests = manager.locator("#requests")
        assert requests.get_by_role("link", name=TITLE).count() == 0
        assert requests.locator("h3 .count").inner_text() == f"({waiting - 1})"
        visit(manager, "/start?lang=ar")
        assert manager.locator("html").get_attribute("dir") == "rtl"
        violations = axe(manager)
        assert not violations, "in Arabic: " + _describe(violations)
        screenshot(manager, "start-page-manager-ar-360")
    finally:
        context.close()
