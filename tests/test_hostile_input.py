"""Issue 13: hostile input at the boundary of the pages never gives a 5xx.

A crawler logs in as an admin who manages the quarter and as an organisation's member, reads
every page it reaches (bounded), and posts each HTML form with hostile values: a NUL byte,
control characters, line breaks in one-line fields, too-long text, HTML/script, the years
9999 and 0001, ids above 2^31. Every answer is below 500; every hostile value but the
harmless HTML is refused (4xx, or the form again with a message), and then nothing is stored
(row counts of every table unchanged). Ids above 2^31 in URLs are 404, years out of range in
queries a 400 with a message.
"""

import html as html_lib
import re
from datetime import datetime
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from meetingplaces.extensions import db
from meetingplaces.forms.base import Form
from meetingplaces.web.boundary import MAX_ID

from .booking_factories import NOW, book, local
from .conftest import Browser
from .events_factories import event

HUGE_ID = "99999999999"
SCRIPT = "<script>alert(1)</script>"
TEXT_TYPES = {"text", "email", "search", "url", "tel", "password", None}
SKIP_ACTIONS = ("/auth/logout", "/account/delete")
MAX_PAGES = 90


class FormParser(HTMLParser):
    """The POST forms of a page: action, and fields as (name, kind, default value)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._form = {"action": html_lib.unescape(attrs.get("action") or ""), "fields": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                if kind == "radio" and not any(f[0] == name for f in self._form["fields"]):
                    self._form["fields"].append((name, "radio", attrs.get("value", "")))
                return
            if kind in ("submit", "button", "file"):
                return
            self._form["fields"].append((name, kind, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = [name, None]
        elif tag == "option" and self._select is not None:
            if self._select[1] is None or "selected" in attrs:
                self._select[1] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form["fields"].append((self._textarea[0], "textarea", self._textarea[1]))
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            self._form["fields"].append((self._select[0], "select", self._select[1] or ""))
            self._select = None


def _links(page: str) -> list[str]:
    found = []
    for href in re.findall(r'href="(/[^"#]*)"', page):
        href = html_lib.unescape(href)
        if href.startswith(("/static", "/api", "//")) or ".ics" in href or "lang=" in href \
                or "/export" in href or href.endswith((".csv", ".xlsx", ".json", ".svg")):
            continue
        found.append(href)
    return found


def crawl(browser: Browser, starts: list[str]) -> dict[str, str]:
    pages, queue, seen = {}, list(starts), set()
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        # One page per route shape: /events/3/edit stands for /events/4/edit.
        shape = re.sub(r"\d+", "N", url.split("?")[0])
        if shape in seen:
            continue
        seen.add(shape)
        response = browser.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        pages[url] = page
        queue.extend(_links(page))
    return pages


def hostile_variants(fields: list[tuple]) -> dict[str, dict]:
    """kind -> the form data with that kind of hostile value in every field it applies to."""
    base = {name: value for name, _kind, value in fields}
    text = [n for n, k, _ in fields if k in TEXT_TYPES]
    area = [n for n, k, _ in fields if k == "textarea"]
    dates = [n for n, k, _ in fields if k == "date"]
    moments = [n for n, k, _ in fields if k == "datetime-local"]
    numbers = [n for n, k, _ in fields if k in ("number", "select")]

    def variant(names, value):
        return {**base, **{n: value for n in names}} if names else None

    variants = {
        "nul": variant(text + area, "abc\x00def"),
        "control": variant(text + area, "abc\x07def\x1b"),
        "line_break": variant(text, "abc\r\nBcc: eve@example.org"),
        "too_long": variant(text + area, "x" * 25000),
        "html": variant(text + area, SCRIPT),
        "year_9999": variant(dates, "9999-12-31") or variant(moments, "9999-12-31T10:00"),
        "year_0001": variant(dates, "0001-01-01") or variant(moments, "0001-01-01T10:00"),
        "huge_id": variant(numbers, HUGE_ID),
    }
    return {kind: data for kind, data in variants.items() if data is not None}


def row_counts() -> tuple:
    """The row count of every table, in one query."""
    counts = [select(func.count()).select_from(table).scalar_subquery()
              for table in db.metadata.sorted_tables]
    return tuple(db.session.execute(select(*counts)).one())


@pytest.fixture
def app_config():
    # Hostile posts count towards the limits; the limits have their own tests.
    return {"FIXED_NOW": NOW, "LOGIN_RATE_LIMIT": "1000 per hour",
            "REGISTRATION_RATE_LIMIT": "1000 per hour"}


@pytest.fixture
def world(make, session):
    quarter = make.quarter(slug="ostersbaum", name="Ostersbaum")
    facility = make.facility(quarter)
    room = make.room(facility, capacity=20)
    make.mobile(quarter, slug="spielmobil")
    organisation = make.organisation(quarter, slug="verein")
    member = make.member(organisation, "admin")
    admin = make.admin()
    admin.managed_quarters = [quarter]
    session.commit()
    from types import SimpleNamespace

    city = SimpleNamespace(quarter=quarter, facility=facility, room=room,
                           organisation=organisation, member=member, manager=admin)
    book(session, city, purpose="Sprachkurs")
    event(session, admin, quarter, rrule="FREQ=WEEKLY;COUNT=4")
    return city


def _post_hostile(browser: Browser, pages: dict[str, str]) -> tuple[int, list[str]]:
    posted, problems = 0, []
    done = set()
    for url, page in pages.items():
        parser = FormParser()
        parser.feed(page)
        for form in parser.forms:
            action = form["action"] or url
            if action.startswith(SKIP_ACTIONS) or not action.startswith("/"):
                continue
            signature = (re.sub(r"\d+", "N", action.split("?")[0]),
                         tuple(sorted(n for n, _, _ in form["fields"])))
            if signature in done:
                continue
            done.add(signature)
            for kind, data in hostile_variants(form["fields"]).items():
                before = row_counts()
                response = browser.client.post(action, data=data)
                posted += 1
                body = response.get_data(as_text=True)
                if response.status_code >= 500:
                    problems.append(f"{kind} -> {action}: {response.status_code}")
                    continue
                if SCRIPT in body:
                    problems.append(f"{kind} -> {action}: script echoed unescaped")
                if kind == "html":
                    continue
                if response.status_code in (301, 302, 303):
                    problems.append(f"{kind} -> {action}: accepted ({response.status_code})")
                elif row_counts() != before:
                    problems.append(f"{kind} -> {action}: stored something when refused")
                elif response.status_code == 200 and "field__error" not in body:
                    problems.append(f"{kind} -> {action}: 200 without a message")
    return posted, problems


def test_hostile_input_in_every_form_never_gives_a_server_error(app, session, world):
    problems, posted = [], 0
    for user in (world.manager, world.member):
        browser = Browser(app.test_client())
        browser.login(user.email)
        pages = crawl(browser, ["/", "/account/", "/manage/", "/bookings/", "/events/",
                                f"/bookings/new?resource={world.room.id}", "/rounds/",
                                "/events/new", "/auth/register", "/invitations/"])
        assert len(pages) > 15
        count, found = _post_hostile(browser, pages)
        posted += count
        problems += found
    anonymous = Browser(app.test_client())
    pages = crawl(anonymous, ["/", "/auth/login", "/auth/forgot-password", "/auth/register",
                              f"/bookings/guest/new?resource={world.room.id}"])
    count, found = _post_hostile(anonymous, pages)
    posted += count
    problems += found
    assert posted > 100
    assert not problems, "\n".join(sorted(set(problems)))


def test_ids_above_2_to_the_31_are_404_on_every_page_route(app, client, session, world):
    """Issue 13: anonymous /events/99999999999 gave a 500 (PostgreSQL integer out of range)."""
    browser = Browser(app.test_client())
    browser.login(world.manager.email)
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or "GET" not in rule.methods:
            continue
        ints = [name for name, conv in rule._converters.items()
                if type(conv).__name__ == "BoundedIntConverter"]
        if not ints:
            continue
        values = {name: 1 for name in rule.arguments}
        values.update({name: "x" for name, conv in rule._converters.items()
                       if name not in ints and type(conv).__name__ != "IntegerConverter"})
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:[^>:]+:)?{name}>",
                          HUGE_ID if name in ints else str(values[name]), path)
        for who in (client, browser.client):
            assert who.get(path).status_code == 404, path
        checked += 1
    assert checked > 10
    assert client.get(f"/events/{MAX_ID}").status_code == 404


@pytest.mark.parametrize("url", [
    "/calendar?start=9999-12-31", "/calendar?start=0001-01-01",
    "/quarters/ostersbaum/calendar?start=9999-12-31", "/bookings/agenda?start=9999-12-31",
    "/events/?start=0001-01-01", "/calendar?start=2027-01-01%00",
    "/events/?q=abc%00def", "/calendar?category=%0d%0a",
])
def test_out_of_range_years_and_control_characters_in_a_query_are_a_400_with_a_message(
        app, client, session, world, url):
    browser = Browser(app.test_client())
    browser.login(world.manager.email)
    for who in (client, browser.client):
        response = who.get(url)
        assert response.status_code == 400, url
        assert 'class="error-message"' in response.get_data(as_text=True)


def test_a_body_above_the_limit_is_a_413_page(app, client, world):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = client.post("/auth/login", data={"email": "a@b.de", "password": "x" * 70000})
    assert response.status_code == 413
    assert "at most" in response.get_data(as_text=True)


def test_every_form_of_the_app_has_the_boundary_checks():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    from flask_wtf import FlaskForm

    import meetingplaces.web  # noqa: F401  (imports every form module)

    outside = [c.__qualname__ for c in subclasses(FlaskForm)
               if not issubclass(c, Form) and c.__module__.startswith("meetingplaces")]
    assert not outside, f"forms without meetingplaces.forms.base.Form: {outside}"


def test_a_stored_value_with_a_line_break_cannot_break_a_mail_header(app, session, world):
    """The form refuses it; and should one arrive by another way, the mail still goes out."""
    from meetingplaces.mail import queue_mail

    queue_mail(session, "a@example.org", "Line\r\nBcc: eve@example.org", "Body")
    session.commit()
    from meetingplaces.models import OutboxMessage

    message = session.scalar(select(OutboxMessage))
    assert "\n" not in message.subject and "\r" not in message.subject


def test_dates_in_forms_must_lie_in_a_sensible_range(app, session, world):
    browser = Browser(app.test_client())
    browser.login(world.member.email)
    from .booking_web_helpers import form_data

    response = browser.post("/bookings/new", form_data(world.room, date="9999-12-31"))
    assert response.status_code == 422
    assert "between the years 1900 and 2199" in response.get_data(as_text=True)
    assert datetime(2199, 12, 31) > local(2027, 3, 16, 18)

