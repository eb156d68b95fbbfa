"""Whole journeys in real Chromium, as people walk them: an initiative requests a weekly course
room with the childcare room, a manager approves it, a resident reads a quarter's calendar in
Arabic and takes an event home, a manager plans a Spielmobil round and cancels one date, and
the quarter calendar fits a phone and a desktop.

The request and its approval are one test, so that both halves meet the same server."""

import re
from datetime import date, timedelta

import pytest
from icalendar import Calendar

from meetingplaces.booking.rules import public_holidays
from meetingplaces.demo_data import CITIES

from .test_pages import _describe, visit

COURSE_TITLE = "Deutschkurs A1 mit Kinderbetreuung"


def next_weekday(weekday: int, weeks_ahead: int = 3) -> date:
    """A day comfortably after every room's minimum notice and inside its booking horizon."""
    start = date.today() + timedelta(weeks=weeks_ahead)
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def holiday_region(quarter: str) -> str:
    """The federal state whose public holidays the demo quarter's rooms keep."""
    return next(city["holiday_region"] for city in CITIES
                if any(q["slug"] == quarter for q in city["quarters"]))


def working_weekday(weekday: int, weeks_ahead: int, times: int = 1,
                    quarter: str = "nordstadt") -> date:
    """The first such weekday from then on whose next `times` weekly dates are all working
    days in the quarter (the app refuses a whole request if one date is a public holiday)."""
    region = holiday_region(quarter)
    day = next_weekday(weekday, weeks_ahead)
    while any(d in public_holidays(region, d.year)
              for d in (day + timedelta(weeks=n) for n in range(times))):
        day += timedelta(weeks=1)
    return day


def log_in(page, email: str):
    visit(page, "/auth/login")
    page.fill("#email", email)
    page.fill("#password", "demo-password")
    page.press("#password", "Enter")
    page.wait_for_url("**/start")
    assert page.get_by_role("button", name="Abmelden").is_visible()


def test_initiative_requests_a_weekly_course_room_and_the_manager_approves_it(
        page, chromium, live_server, screenshot):
    log_in(page, "initiative@example.org")
    visit(page, "/facilities/alte-feuerwache")
    card = page.locator(".card").filter(
        has=page.get_by_role("heading", name="Seminarraum", exact=True))
    card.get_by_role("link", name="Diesen Raum buchen").click()
    page.wait_for_url("**/bookings/new?resource=alte-feuerwache-seminarraum")
    rooms = page.get_by_role("group", name="Alte Feuerwache (Nordstadt, Wuppertal)")
    assert page.locator("[data-room-group]").count() == 1, "only the facility's rooms"
    assert rooms.get_by_label("Seminarraum").is_checked(), "the room it came from is checked"
    rooms.get_by_label("Kinderzimmer").check()
    screenshot(page, "journey-booking-rooms-of-the-facility")
    page.fill("#date", working_weekday(3, weeks_ahead=3, times=6).isoformat())
    page.fill("#start", "10:00")
    page.fill("#end", "12:00")
    page.fill("#title", COURSE_TITLE)
    page.fill("#attendees", "12")
    page.select_option("#repeat", "weekly")
    page.fill("#count", "6")
    page.focus("#exdates")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Anfrage senden", f"Tab after the last field reached {focused!r}"
    page.keyboard.press("Enter")
    page.wait_for_url("**/bookings/*")
    screenshot(page, "journey-booking-requested")
    assert page.get_by_role("heading", level=1).inner_text().startswith(COURSE_TITLE)
    assert page.locator("h1 .badge--pending").inner_text() == "offen"
    rooms = page.locator(".facts dd").first.inner_text()
    assert "Seminarraum" in rooms and "Kinderzimmer" in rooms
    assert page.locator("tbody tr").count() >= 6, "six weekly dates, each for both rooms"

    # The manager, in a browser of her own, approves it from the queue (one test: the two
    # halves must meet the same server, whichever worker runs them).
    context = chromium.new_context(base_url=live_server, viewport={"width": 360, "height": 740},
                                   locale="de-DE")
    try:
        _manager_approves_the_request_from_the_queue(context.new_page(), screenshot)
    finally:
        context.close()


def _manager_approves_the_request_from_the_queue(page, screenshot):
    page.set_default_timeout(10_000)
    log_in(page, "manager@example.org")
    visit(page, "/bookings/queue")
    page.get_by_role("link", name=COURSE_TITLE).click()
    page.get_by_role("button", name="Alle offenen Termine genehmigen").click()
    page.wait_for_load_state()
    screenshot(page, "journey-booking-approved")
    assert page.locator("h1 .badge--approved").inner_text() == "genehmigt"
    visit(page, "/bookings/queue")
    assert page.get_by_role("link", name=COURSE_TITLE).count() == 0


def test_resident_reads_a_quarter_calendar_in_arabic_and_takes_an_event_home(page, screenshot):
    visit(page, "/quarters/nordstadt/calendar?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    page.select_option("#category", "cafe")
    page.locator(".calendar-filters button[type=submit]").click()
    page.wait_for_url("**category=cafe**")
    titles = page.locator(".occurrence a").all_inner_texts()
    assert titles and set(titles) == {"مقهى اللغة مع رعاية الأطفال"}, titles
    page.locator(".occurrence a").first.click()
    page.wait_for_url("**/events/*")
    assert page.get_by_role("heading", level=1).inner_text() == "مقهى اللغة مع رعاية الأطفال"
    screenshot(page, "journey-event-ar")
    with page.expect_download() as download_info:
        page.locator(".add-to-calendar a[download]").click()
    calendar = Calendar.from_ical(open(download_info.value.path(), "rb").read())
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["SUMMARY"]) == "مقهى اللغة مع رعاية الأطفال"
    starts = event.decoded("DTSTART")
    assert (starts.weekday(), starts.hour) == (1, 17), "Tuesdays at 17:00 local time"
    page.go_back()
    subscribe = page.locator(".subscribe a.button").get_attribute("href")
    assert subscribe.startswith("webcal://") and "/quarters/nordstadt" in subscribe
    assert "category=cafe" in subscribe and "lang=ar" in subscribe


def test_manager_plans_a_spielmobil_round_and_cancels_one_date(page, screenshot):
    log_in(page, "manager@example.org")
    visit(page, "/rounds/new")
    first_wednesday = next_weekday(2, weeks_ahead=2)
    page.select_option("#resource", label="Spielmobil")
    page.fill("#name", "Spielmobil Nordstadt Winter")
    page.fill("#season_start", (first_wednesday - timedelta(days=2)).isoformat())
    page.fill("#season_end", (first_wednesday + timedelta(weeks=1)).isoformat())
    page.select_option("#stops-0-weekday", "2")
    page.fill("#stops-0-start", "15:00")
    page.fill("#stops-0-end", "17:00")
    page.fill("#stops-0-place_name", "Spielplatz Nordpark")
    page.fill("#stops-0-address", "Nordpark 1, Wuppertal")
    page.select_option("#stops-0-quarter", label="Nordstadt")
    page.locator("button[name=action][value=save]").click()
    page.wait_for_url("**/rounds/*")
    dates = page.locator("a", has_text="Spielplatz Nordpark")
    # Two Wednesdays, unless a public holiday in the season skips one.
    assert 1 <= dates.count() <= 2
    dates.first.click()
    page.wait_for_url("**/rounds/dates/*")
    page.get_by_label("Grund", exact=False).fill("Spielmobil in der Werkstatt")
    page.locator("form[action$='/cancel'] button[type=submit]").click()
    page.wait_for_load_state()
    # Asked once, on a page of its own: nobody is assigned, so nobody is told.
    assert "niemand" in page.locator("main").inner_text().lower()
    page.locator("form[action$='/cancel'] button.button--danger").click()
    page.wait_for_load_state()
    assert page.locator("h1 .badge--danger").inner_text() == "abgesagt"
    assert "Spielmobil in der Werkstatt" in page.locator("main").inner_text()
    route = page.locator("a[href*='/day/']").get_attribute("href")
    cancelled_day = date.fromisoformat(route.rsplit("/", 1)[1])
    visit(page, f"/quarters/nordstadt/calendar?start={first_wednesday - timedelta(days=2)}")
    screenshot(page, "journey-round-date-cancelled")
    cancelled = page.locator(f"#day-{cancelled_day.isoformat()}").locator(
        "xpath=..").locator(".occurrence", has_text="Spielplatz Nordpark")
    assert cancelled.count() == 1
    assert "occurrence--cancelled" in cancelled.get_attribute("class")
    assert cancelled.locator(".badge--danger").inner_text() == "abgesagt"
    stops = page.locator(".occurrence", has_text="Spielplatz Nordpark")
    still_planned = page.locator(".occurrence:not(.occurrence--cancelled)",
                                 has_text="Spielplatz Nordpark")
    assert still_planned.count() == stops.count() - 1, "only that one date is cancelled"


@pytest.mark.parametrize("width", [360, 1280])
def test_quarter_calendar_fits_the_screen_without_sideways_scrolling(page, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    next_week = (date.today() + timedelta(days=7)).isoformat()
    for view in ("agenda", "week", "month"):
        visit(page, f"/quarters/nordstadt/calendar?view={view}&start={next_week}")
        screenshot(page, f"journey-quarter-calendar-{view}-{width}")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{view} is {scroll_width}px wide at {width}px"
        assert page.locator(".occurrence").count() > 0, "the demo programme is visible"


@pytest.mark.parametrize("language", ["de", "ar"])
@pytest.mark.parametrize("rooms", ["", "facility=alte-feuerwache", "resource=no-such-room"])
def test_booking_request_form_is_accessible(page, axe, screenshot, language, rooms):
    """The whole list (with the script's filter box), one facility's rooms, an unknown room."""
    log_in(page, "initiative@example.org")
    visit(page, f"/bookings/new?lang={language}&{rooms}")
    name = f"booking-form-{language}-{rooms.split('=')[0] or 'all'}-360"
    if rooms == "":
        assert page.locator("#room-filter").is_visible()
        page.fill("#room-filter", "feuerwache")
    screenshot(page, name)
    violations = axe(page)
    assert not violations, _describe(violations)
    page.locator(".booking-form button[type=submit]:visible").first.click()
    page.wait_for_selector(".form-errors")
    violations = axe(page)
    assert not violations, "with errors shown: " + _describe(violations)
    screenshot(page, f"{name}-errors")


def test_the_room_filter_keeps_checked_rooms_and_never_sends_the_form(page, screenshot):
    log_in(page, "initiative@example.org")
    visit(page, "/bookings/new")
    boxes = page.locator("input[name=resource_ids]")
    total = boxes.count()
    assert total > 20, "the demo city's rooms"
    page.locator("[data-room-group]", has_text="Nachbarschaftsheim").get_by_label("Saal").check()
    page.fill("#room-filter", "feuerwache")
    visible = page.locator("input[name=resource_ids]:visible")
    assert visible.count() == 5, "the four rooms of the Alte Feuerwache and the checked Saal"
    assert page.locator("#room-filter-count").inner_text() == "Angezeigte Räume: 5"
    page.fill("#room-filter", "Grone kuche")  # words in any order, umlauts optional
    labels = visible.evaluate_all("boxes => boxes.map(b => b.labels[0].innerText)")
    # Göttingen's Küche unfolds from the other cities, after the own city's Saal.
    assert [label.split(" (")[0] for label in labels] == ["Saal", "Küche"], labels
    page.press("#room-filter", "Enter")
    assert page.locator(".form-errors").count() == 0, "Enter in the filter sent the form"
    page.fill("#room-filter", "")
    assert visible.count() == total
    assert page.locator("#room-filter-count").inner_text() == ""


@pytest.mark.parametrize("language", ["de", "ar"])
def test_poster_prints_on_a4_and_reads_on_a_phone(page, axe, screenshot, language):
    visit(page, f"/quarters/nordstadt/poster?period=month&lang={language}")
    screenshot(page, f"poster-{language}-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator(".poster .occurrence").count() > 0, "the demo month is on the poster"
    assert page.locator("svg.qr").is_visible()
    violations = axe(page)
    assert not violations, _describe(violations)
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible(), "no navigation on paper"
    assert not page.locator(".poster-controls").is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert boxes, "the PDF has pages"
    for width, height in boxes:
        assert (round(float(width)), round(float(height))) == (595, 842), "A4 in points"
