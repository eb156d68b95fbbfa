"""Small things people notice (issue 15): holiday names and dates in the reader's language,
times without seconds, the language kept on login, an event's next dates however far away,
the page's own city, long names inside the month grid, and a favicon."""

import re

import pytest

from .booking_factories import NOW, city_fixture  # noqa: F401  (a fixture)
from .booking_web_helpers import form_data
from .events_factories import local
from .factories import PASSWORD
from .rounds_factories import dates_of, save
from .rounds_factories import spielmobil as spielmobil  # noqa: PLC0414  (a fixture)

GOOD_FRIDAY = "2027-03-26"
SECONDS = re.compile(r"\b\d{1,2}:\d\d:\d\d\b")


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


@pytest.mark.parametrize(("language", "holiday", "day"), [
    ("de", "Karfreitag", "26.03.2027"),
    ("en", "Good Friday", "26 Mar 2027"),
    # No Arabic names in the holidays package: the official German one, as on local calendars.
    ("ar", "Karfreitag", "26"),
])
def test_a_holiday_is_named_and_dated_in_the_readers_language(browser, city, language,
                                                              holiday, day):
    browser.login(city.member.email)
    browser.get(f"/?lang={language}")
    response = browser.post("/bookings/new", form_data(city.room, date=GOOD_FRIDAY))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert holiday in page and day in page
    message = re.search(r'class="field__error"[^>]*>([^<]*)', page).group(1)
    assert GOOD_FRIDAY not in message
    if language == "de":
        assert "Good Friday" not in page


def test_round_pages_and_messages_show_times_without_seconds(browser, session, spielmobil):
    round_ = save(session, spielmobil)
    heck = dates_of(round_, "Heckinghauser Platz")[0]
    browser.login(spielmobil.manager.email)
    browser.get("/?lang=de")
    for path in (f"/rounds/dates/{heck.id}", f"/rounds/{round_.id}",
                 f"/rounds/{round_.id}/day/{heck.original_date.isoformat()}"):
        page = browser.get(path).get_data(as_text=True)
        assert "17:30" in page, path
        assert not SECONDS.search(re.sub(r'value="[^"]*"', "", page)), path
    response = browser.post(f"/rounds/{round_.id}/end", {"last_day": "2027-06-01",
                                                         "reason": "Umbau"})
    assert response.status_code == 302
    page = browser.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "01.06.2027" in page and "2027-06-01" not in re.sub(r'(value|href)="[^"]*"', "",
                                                                page)


def test_logging_in_keeps_the_language_being_read_and_offers_to_save_it(browser, make, session):
    user = make.user(preferred_language="de")
    english = {"Accept-Language": "en"}
    browser.client.get("/auth/login", headers=english)
    response = browser.post("/auth/login", {"email": user.email, "password": PASSWORD},
                            headers=english)
    assert response.status_code == 302
    page = browser.get("/").get_data(as_text=True)
    assert '<html lang="en"' in page
    assert "your profile says Deutsch" in page
    kept = browser.post("/account/language", {"language": "en"})
    assert kept.status_code == 302
    session.refresh(user)
    assert user.preferred_language == "en"
    assert "your profile says" not in browser.get("/").get_data(as_text=True)
    assert browser.post("/account/language", {"language": "xx"}).status_code == 302
    session.refresh(user)
    assert user.preferred_language == "en"
    # Choosing another language in the profile later switches this session over too.
    browser.post("/account/", {"name": user.name, "preferred_language": "uk"})
    assert '<html lang="uk"' in browser.get("/").get_data(as_text=True)


def test_the_event_page_shows_the_next_dates_however_far_away(browser, make, session):
    from meetingplaces.events import create_event

    quarter = make.quarter()
    manager = make.manager(quarter)
    summer = create_event(session, actor=manager, quarter=quarter, now=NOW, title="Sommerfest",
                          category="other", starts_at=local(2027, 9, 14, 18),
                          ends_at=local(2027, 9, 14, 21))
    weekly = create_event(session, actor=manager, quarter=quarter, now=NOW, title="Kurs",
                          category="other", starts_at=local(2027, 8, 3, 18),
                          ends_at=local(2027, 8, 3, 20), rrule="FREQ=WEEKLY;COUNT=20")
    session.commit()
    page = browser.get(f"/events/{summer.id}?lang=en").get_data(as_text=True)
    assert "No upcoming dates" not in page and "Tuesday, 14 September 2027" in page
    page = browser.get(f"/events/{weekly.id}?lang=en").get_data(as_text=True)
    assert "Tuesday, 3 August 2027" in page
    assert page.count('<li class="occurrence') == 12  # the next twelve, not all twenty


def test_pages_about_a_goettingen_place_name_goettingen(client, make):
    grone = make.quarter(slug="grone", name="Grone", city="Göttingen")
    make.facility(grone, slug="nbz-grone", name="Nachbarschaftszentrum Grone")
    for path in ("/quarters/grone", "/facilities/nbz-grone", "/quarters/grone/calendar"):
        page = client.get(f"{path}?lang=en").get_data(as_text=True)
        assert "A service of the city of Göttingen" in page, path
        assert "city of Wuppertal" not in page, path
    home = client.get("/?lang=en").get_data(as_text=True)
    assert "A service of the city of Wuppertal" in home


def test_long_place_names_wrap_inside_the_month_grid(client, make, session):
    from meetingplaces.events import create_event

    quarter = make.quarter(slug="nordstadt", name="Nordstadt")
    manager = make.manager(quarter)
    long_name = "Nachbarschaftszentrum Nordstadt Gemeinschaftsraum im Erdgeschoss"
    create_event(session, actor=manager, quarter=quarter, now=NOW, title="Nähcafé",
                 category="cafe", place_name=long_name, starts_at=local(2027, 3, 9, 15),
                 ends_at=local(2027, 3, 9, 17))
    session.commit()
    page = client.get("/quarters/nordstadt/calendar?view=month&start=2027-03-01").get_data(
        as_text=True)
    assert long_name in page  # whole, for screen readers and for eyes
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert re.search(r"\.calendar-grid \.occurrence > \* \{[^}]*overflow-wrap: anywhere", css)
    assert re.search(r"\.calendar-day \{ min-inline-size: 0; \}", css)


def test_the_favicon_is_served_for_a_year_and_linked(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age=31536000" in response.headers["Cache-Control"]
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon"' in page and "favicon.svg" in page
    assert client.get("/static/favicon.svg").status_code == 200
