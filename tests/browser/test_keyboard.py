"""The booking journey by keyboard alone in real Chromium: Tab, Shift+Tab, Space, Enter, arrow
keys and typing, never a click. Every focus stop shows a ring and sits on a visible element, the
tab order follows the form from top to bottom, a refused request announces its error and keeps
what was typed, and a manager approves from the queue.

The first request arrives from the facility's page and meets only its rooms; the second starts
from the whole list of the city's rooms and narrows it with the filter box.

The first request and its approval are one test, so that both halves meet the same server."""

import re
from datetime import date

import pytest

from .test_journeys import working_weekday
from .test_pages import visit

COURSE_TITLE = "Nähkurs am Montag mit Kinderbetreuung"
FIXED_TITLE = "Elterncafé am Mittwoch"
ROOMS = ("Seminarraum (", "Kinderzimmer (")
FACILITY = "Alte Feuerwache"
# The request form from top to bottom after the rooms: the order a sighted person reads it in.
FORM_ORDER = ["date", "start", "end", "title", "purpose", "attendees", "public", "location",
              "repeat", "interval", "until", "count", "exdates"]
BOOKING_PAGE = re.compile(r".*/bookings/\d+$")

# Remembers each control's look before it has the focus, so a focus stop can be compared with it.
RESTING_STYLES = """
document.addEventListener("DOMContentLoaded", () => {
  window.__restingStyle = new WeakMap();
  const controls = "a[href], button, input, select, textarea, [tabindex]";
  for (const e of document.querySelectorAll(controls)) {
    const s = getComputedStyle(e);
    const look = [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow];
    window.__restingStyle.set(e, look.join(" "));
  }
});
"""

FOCUS_STOP = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  const rest = window.__restingStyle && window.__restingStyle.get(e);
  return {
    tag: e.tagName.toLowerCase(), id: e.id, type: e.type || "", checked: !!e.checked,
    text: (e.labels && e.labels.length ? e.labels[0].innerText : e.innerText || "").trim(),
    outline: [s.outlineStyle, parseFloat(s.outlineWidth)], shadow: s.boxShadow,
    style: [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" "),
    resting: rest === undefined ? null : rest,
    shown: e.checkVisibility({opacityProperty: true, visibilityProperty: true})
      && r.width > 4 && r.height > 4,
    onScreen: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    top: Math.round(r.top + scrollY),
  };
}"""


class Keyboard:
    """Presses keys and checks every place the focus lands on."""

    def __init__(self, page):
        self.page = page
        self.stops: list[dict] = []
        page.add_init_script(RESTING_STYLES)

    def focus(self) -> dict:
        stop = self.page.evaluate(FOCUS_STOP)
        assert stop is not None, f"the focus left the page after {self._last()}"
        where = f"{stop['tag']}#{stop['id']} {stop['text'][:40]!r} on {self.page.url}"
        assert stop["shown"] and stop["onScreen"], f"the focus is on something unseen: {where}"
        outline_style, outline_width = stop["outline"]
        ring = (outline_style != "none" and outline_width >= 2) or stop["shadow"] != "none"
        assert ring, f"no visible focus indicator on {where}: {stop['style']}"
        assert stop["style"] != stop["resting"], f"{where} looks the same with and without focus"
        self.stops.append(stop)
        return stop

    def _last(self) -> str:
        return ", ".join(f"{s['tag']}#{s['id']} {s['text'][:20]!r}" for s in self.stops[-5:])

    def press(self, key: str) -> dict:
        self.page.keyboard.press(key)
        return self.focus()

    def tab(self) -> dict:
        return self.press("Tab")

    def tab_to(self, text: str, limit: int = 60, back: bool = False) -> dict:
        """Tabs (back) until the focus is on a control whose (visible) text starts so."""
        for _ in range(limit):
            stop = self.press("Shift+Tab" if back else "Tab")
            if stop["text"].startswith(text):
                return stop
        raise AssertionError(f"{limit} presses of Tab never reached {text!r}, last {self._last()}")

    def type(self, text: str):
        self.page.keyboard.type(text)

    def skip_to_content(self):
        """The first Tab reaches the skip link; Enter puts the focus on the page's content."""
        assert self.tab()["text"] == "Zum Inhalt springen"
        self.page.keyboard.press("Enter")
        assert self.page.evaluate("document.activeElement.id") == "main"


@pytest.fixture
def keys(page):
    return Keyboard(page)


def digits(day: date) -> str:
    """What to type into a German date field: its segments are day, month, year."""
    return day.strftime("%d%m%Y")


def log_in_by_keyboard(keys, email: str):
    visit(keys.page, "/")
    follow(keys, "Anmelden", "**/auth/login")
    assert keys.tab()["id"] == "email"
    keys.type(email)
    assert keys.tab()["id"] == "password"
    keys.type("demo-password")
    keys.page.keyboard.press("Enter")
    keys.page.wait_for_url("**/start")  # the start page of one's role
    assert keys.page.get_by_role("button", name="Abmelden").is_visible()


def follow(keys, link: str, url: str | re.Pattern):
    """Tabs to the link from the top of the page's content and follows it with Enter."""
    keys.tab_to(link)
    keys.page.keyboard.press("Enter")
    keys.page.wait_for_url(url)
    keys.skip_to_content()


def open_request_form(keys):
    """From any page: the main navigation's Bookings, then the Request-a-booking link."""
    follow(keys, "Buchungen", "**/bookings/")
    follow(keys, "Buchung anfragen", "**/bookings/new")


def open_form_from_the_facility(keys):
    """From the list of quarters: the quarter, its facility, and the facility's booking link."""
    follow(keys, "Quartiere", re.compile(r".*/$"))
    follow(keys, "Nordstadt", "**/quarters/nordstadt")
    follow(keys, FACILITY, "**/facilities/alte-feuerwache")
    follow(keys, "Hier einen Raum buchen", "**/bookings/new?facility=alte-feuerwache")


def fill_request(keys, screenshot, *, day: date, start: str, end: str, title: str,
                 weekly_times: int | None, shot: str | None = None) -> list[str]:
    """Tabs from the top of the content through the whole form to the submit button, acting
    at each field on the way; returns the ids of the focus stops in order (each field once).
    Screenshots of the focused states are named after `shot`."""
    page = keys.page

    def snap(name: str):
        if shot:
            screenshot(page, f"{shot}-{name}")

    first = len(keys.stops)
    acted = set()
    for _ in range(120):
        stop = keys.tab()
        if stop["tag"] == "button":
            break
        if stop["id"] in acted:
            continue
        acted.add(stop["id"])
        if stop["id"] == "room-filter":
            keys.type("Feuerwache")
            page.keyboard.press("Enter")  # must not send the form
            assert page.locator("input[name=resource_ids]:visible").count() == 4
            snap("rooms-filtered")
        elif stop["type"] == "checkbox" and stop["text"].startswith(ROOMS):
            assert keys.press("Space")["checked"], f"Space did not check {stop['text']}"
            if stop["text"].startswith(ROOMS[0]):  # the later of the two in the list
                snap("rooms-checked")
        elif stop["id"] == "date":
            keys.type(digits(day))
            assert page.input_value("#date") == day.isoformat(), (
                "typing day, month and year did not fill the date field; does Chromium still "
                "order date segments by the page's lang (LangAttributeAwareFormControlUI)?")
            snap("date-typed")
        elif stop["id"] in ("start", "end"):
            keys.type((start if stop["id"] == "start" else end).replace(":", ""))
            assert page.input_value(f"#{stop['id']}") == (start if stop["id"] == "start" else end)
        elif stop["id"] == "title":
            keys.type(title)
        elif stop["id"] == "attendees":
            keys.type("8")
        elif stop["id"] == "repeat" and weekly_times:
            keys.press("ArrowDown")
            assert page.input_value("#repeat") == "weekly", "ArrowDown chose the weekly repetition"
            snap("repeat-chosen")
        elif stop["id"] == "count" and weekly_times:
            keys.type(str(weekly_times))
    else:
        raise AssertionError("Tab never reached the submit button")
    assert stop["text"] == "Anfrage senden"
    snap("submit-focused")
    visited = keys.stops[first:]
    ids = [s["id"] for i, s in enumerate(visited) if i == 0 or s["id"] != visited[i - 1]["id"]]
    tops = [s["top"] for s in visited]
    assert tops == sorted(tops), (
        f"the focus jumps back up the page: {[(s['id'], s['top']) for s in visited]}")
    return ids


def assert_tab_order(page, ids: list[str], first: str):
    """`first` (the link to all facilities, or the filter box), every room in sight in the order
    shown, then the rest of the form and the submit button."""
    rooms = page.locator("input[name=resource_ids]:visible").evaluate_all(
        "boxes => boxes.map(box => box.id)")
    legends = page.locator("[data-room-group]:visible legend").all_inner_texts()
    assert [legend.split("(")[0].strip() for legend in legends] == [FACILITY], legends
    assert len(rooms) == 4, "the four rooms of the Alte Feuerwache"
    expected = [first, *rooms, *FORM_ORDER, ""]
    assert ids == expected, f"tab order {ids}"


def test_initiative_requests_a_weekly_course_and_the_manager_approves_it_by_keyboard_alone(
        page, keys, chromium, live_server, screenshot):
    log_in_by_keyboard(keys, "initiative@example.org")
    open_form_from_the_facility(keys)
    assert page.locator("#all-rooms").inner_text() == "Räume aller Einrichtungen zeigen"
    day = working_weekday(0, weeks_ahead=4, times=4)
    ids = fill_request(keys, screenshot, day=day, start="14:00", end="16:30",
                       title=COURSE_TITLE, weekly_times=4, shot="keyboard-request")
    assert_tab_order(page, ids, first="all-rooms")
    # Shift+Tab walks the same way back up to the link at the top, and Tab down to the button.
    back = [keys.press("Shift+Tab")["id"]]
    while back[-1] != ids[0] and len(back) < 2 * len(ids):
        back.append(keys.press("Shift+Tab")["id"])
    back = [b for i, b in enumerate(back) if i == 0 or b != back[i - 1]]
    assert back == ids[-2::-1], f"Shift+Tab order {back}"
    assert keys.tab_to("Anfrage senden", limit=2 * len(ids))["tag"] == "button"
    page.keyboard.press("Enter")
    page.wait_for_url(BOOKING_PAGE)
    screenshot(page, "keyboard-request-sent")
    assert page.get_by_role("heading", level=1).inner_text().startswith(COURSE_TITLE)
    assert page.locator("h1 .badge--pending").inner_text() == "offen"
    rooms = page.locator(".facts dd").first.inner_text()
    assert "Seminarraum" in rooms and "Kinderzimmer" in rooms
    dates = page.locator("table").first
    assert dates.locator("tbody tr").count() == 8, "four weekly dates, each for both rooms"
    assert "14:00–16:30" in dates.inner_text()

    # The manager, in a browser of her own, approves it (one test: both halves must meet the
    # same server, whichever worker runs them).
    context = chromium.new_context(base_url=live_server, viewport={"width": 360, "height": 740},
                                   locale="de-DE")
    try:
        manager_page = context.new_page()
        manager_page.set_default_timeout(10_000)
        _manager_approves_the_keyboard_request(manager_page, Keyboard(manager_page), screenshot)
    finally:
        context.close()


def test_end_before_start_is_announced_and_fixed_by_keyboard(page, keys, screenshot):
    log_in_by_keyboard(keys, "initiative@example.org")
    open_request_form(keys)
    day = working_weekday(2, weeks_ahead=5)
    ids = fill_request(keys, screenshot, day=day, start="16:00", end="14:00",
                       title=FIXED_TITLE, weekly_times=None, shot="keyboard-filtered")
    assert_tab_order(page, ids, first="room-filter")
    page.keyboard.press("Enter")
    page.wait_for_selector(".form-errors")
    # app.js moves the focus to the summary, which role=alert has screen readers read out.
    page.wait_for_function("document.activeElement.classList.contains('form-errors')")
    summary = keys.focus()
    screenshot(page, "keyboard-error-summary-focused")
    assert page.get_attribute(".form-errors", "role") == "alert"
    end = page.locator("#end")
    assert end.get_attribute("aria-invalid") == "true"
    described = end.get_attribute("aria-describedby").split()
    assert "end-error" in described
    error = page.locator("#end-error")
    assert error.is_visible() and "Ende" in error.inner_text()
    assert "Bis: Das Ende muss nach dem Beginn liegen" in summary["text"]
    # Nothing typed is lost.
    assert page.input_value("#date") == day.isoformat()
    assert (page.input_value("#start"), page.input_value("#end")) == ("16:00", "14:00")
    assert page.input_value("#title") == FIXED_TITLE
    assert page.input_value("#attendees") == "8"
    checked = page.locator("input[name=resource_ids]:checked").evaluate_all(
        "boxes => boxes.map(box => box.labels[0].innerText)")
    assert len(checked) == 2 and all(r.startswith(ROOMS) for r in checked), checked
    # The summary links to the field: Tab, Enter, and the focus is in the end time.
    link = keys.tab()
    assert link["tag"] == "a" and link["text"].startswith("Bis")
    keys.press("Enter")
    stop = keys.focus()
    assert stop["id"] == "end", f"the error link put the focus on {stop['id']!r}"
    screenshot(page, "keyboard-error-field-focused")
    keys.type("1800")
    assert page.input_value("#end") == "18:00"
    for _ in range(40):
        if keys.tab()["tag"] == "button":
            break
    assert keys.stops[-1]["text"] == "Anfrage senden"
    page.keyboard.press("Enter")
    page.wait_for_url(BOOKING_PAGE)
    assert page.get_by_role("heading", level=1).inner_text().startswith(FIXED_TITLE)
    assert "16:00–18:00" in page.locator("table").first.inner_text()


def _manager_approves_the_keyboard_request(page, keys, screenshot):
    log_in_by_keyboard(keys, "manager@example.org")
    follow(keys, "Buchungen", "**/bookings/")
    follow(keys, "Offene Anfragen", "**/bookings/queue")
    follow(keys, COURSE_TITLE, BOOKING_PAGE)
    keys.tab_to("Alle offenen Termine genehmigen")
    screenshot(page, "keyboard-approve-focused")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1 .badge--approved")
    assert page.locator("h1 .badge--approved").inner_text() == "genehmigt"


def test_the_way_to_all_facilities_keeps_what_was_typed(page, keys, screenshot):
    """Arriving from a room, a person types, changes their mind about the place, goes back up
    to the link and sees every facility, with the room still checked and nothing lost."""
    log_in_by_keyboard(keys, "initiative@example.org")
    follow(keys, "Quartiere", re.compile(r".*/$"))
    follow(keys, "Nordstadt", "**/quarters/nordstadt")
    follow(keys, FACILITY, "**/facilities/alte-feuerwache")
    keys.tab_to("Diesen Raum buchen")  # the first room card: the Café
    page.keyboard.press("Enter")
    page.wait_for_url("**/bookings/new?resource=alte-feuerwache-cafe")
    keys.skip_to_content()
    assert keys.tab()["id"] == "all-rooms"
    assert keys.tab()["checked"], "the room the link came from is checked"
    keys.tab_to("Titel")
    keys.type("Nachbarschaftsfest")
    link = keys.tab_to("Räume aller Einrichtungen zeigen", back=True)
    assert link["id"] == "all-rooms"
    screenshot(page, "keyboard-all-rooms-focused")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/bookings/new\?.*title=Nachbarschaftsfest"))
    assert page.locator("[data-room-group]").count() > 5, "every facility's rooms"
    assert page.input_value("#title") == "Nachbarschaftsfest"
    checked = page.locator("input[name=resource_ids]:checked").evaluate_all(
        "boxes => boxes.map(box => box.labels[0].innerText)")
    assert [c.split(" (")[0] for c in checked] == ["Café"], checked
    keys.skip_to_content()
    assert keys.tab()["id"] == "room-filter", "the whole list starts with its filter box"
