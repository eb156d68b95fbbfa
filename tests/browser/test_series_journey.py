"""A series request with clashes resolved in one step, in real Chromium: the church's
fortnightly evening holds the Seminarraum on two Fridays; the Sprachcafé asks for three
Fridays there, sees the room's busy times as soon as the date is chosen, learns both taken
dates at once with free rooms nearby, and requests the free date only without typing anything
again."""

import re
from datetime import timedelta

from .test_journeys import log_in, working_weekday
from .test_pages import visit

ROOM = "/bookings/new?resource=alte-feuerwache-seminarraum"
BOOKING_PAGE = re.compile(r".*/bookings/\d+$")


def fill_request(page, *, day, title, repeat_every, count):
    page.fill("#date", day.isoformat())
    page.fill("#start", "18:00")
    page.fill("#end", "20:00")
    page.fill("#title", title)
    page.fill("#attendees", "12")
    page.select_option("#repeat", "weekly")
    page.fill("#interval", str(repeat_every))
    page.fill("#count", str(count))


def test_a_series_request_with_clashes_is_resolved_in_one_step(page, chromium, live_server,
                                                               axe, screenshot):
    friday = working_weekday(4, weeks_ahead=6, times=3)
    # The church holds the room on the first and the third Friday (approved by the manager).
    for who, step in (("church@example.org", _church_requests), ("manager@example.org",
                                                                  _manager_approves)):
        context = chromium.new_context(base_url=live_server, locale="de-DE")
        try:
            other = context.new_page()
            other.set_default_timeout(10_000)
            log_in(other, who)
            step(other, friday)
        finally:
            context.close()

    log_in(page, "initiative@example.org")
    visit(page, ROOM)
    fill_request(page, day=friday, title="Sprachkurs am Freitag", repeat_every=1, count=3)
    # The room's week follows the chosen date before anything is sent (static/js/rooms.js).
    page.locator("#week td.slot--confirmed").first.wait_for()
    assert page.locator("#week td.slot--confirmed").count() >= 2, "the church's Monday"

    page.get_by_role("button", name="Anfrage senden").click()
    page.wait_for_load_state()
    taken = page.locator("#taken-dates .taken-date")
    assert taken.count() == 2, "both taken dates at once"
    for n, day in enumerate((friday, friday + timedelta(weeks=2))):
        item = taken.nth(n)
        assert str(day.day) in item.locator("strong").inner_text()
        assert item.get_by_role("link", name="Café statt Seminarraum buchen").count() == 1
    screenshot(page, "journey-series-taken-dates")
    assert axe(page) == [], "no serious or critical violations on the refused form"

    page.get_by_role("button", name="Nur den freien Termin anfragen").click()
    page.wait_for_url(BOOKING_PAGE)
    screenshot(page, "journey-series-free-date-requested")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Sprachkurs am Freitag")
    assert "Ausgelassen, weil schon belegt" in page.locator("body").inner_text()
    dates = page.locator("table").first.locator("tbody tr")
    assert dates.count() == 1, "exactly the free date"
    assert str((friday + timedelta(weeks=1)).day) in dates.first.inner_text()


def _church_requests(page, friday):
    visit(page, ROOM)
    fill_request(page, day=friday, title="Gemeindeabend", repeat_every=2, count=2)
    page.get_by_role("button", name="Anfrage senden").click()
    page.wait_for_url(BOOKING_PAGE)


def _manager_approves(page, friday):
    visit(page, "/bookings/queue")
    page.get_by_role("link", name="Gemeindeabend").click()
    page.get_by_role("button", name="Alle offenen Termine genehmigen").click()
    page.wait_for_load_state()
    assert page.locator("h1 .badge--approved").inner_text() == "genehmigt"
