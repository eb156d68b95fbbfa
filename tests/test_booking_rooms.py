"""The rooms of the request form: a fieldset per facility (legend: facility, quarter and city),
the mobile resources in their own; a link from a facility or a room narrows the list, checks
the room, and keeps a way back to every facility that loses nothing typed."""

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from meetingplaces.booking.errors import ResourceUnavailable
from meetingplaces.models.bookings import Booking

from .booking_factories import NOW, book, city_fixture  # noqa: F401  (a fixture)
from .booking_web_helpers import form_data


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


@pytest.fixture(autouse=True)
def in_english(browser):
    browser.get("/?lang=en")


class RoomGroups(HTMLParser):
    """The room fieldsets of a page: [(legend, [(label, value, checked, id)])]."""

    def __init__(self, html: str):
        super().__init__()
        self.groups: list[tuple[str, list]] = []
        self._inputs: list[dict] = []
        self._labels: dict[str, str] = {}
        self._depth = 0  # fieldsets open inside a room group, the group's own included
        self._legend: list[str] | None = None
        self._label: tuple[str, list[str]] | None = None
        self.feed(html)
        self.groups = [(legend, [(self._labels.get(i["id"], ""), i["value"], i["checked"],
                                  i["id"]) for i in inputs])
                       for legend, inputs in self.groups]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "fieldset":
            if self._depth or "data-room-group" in attrs:
                self._depth += 1
            if self._depth == 1:
                self.groups.append(("", []))
        elif self._depth and tag == "legend":
            self._legend = []
        elif self._depth and tag == "input" and attrs.get("type") == "checkbox":
            self.groups[-1][1].append({"id": attrs["id"], "value": attrs["value"],
                                       "checked": "checked" in attrs})
        elif self._depth and tag == "label":
            self._label = (attrs["for"], [])

    def handle_endtag(self, tag):
        if tag == "fieldset" and self._depth:
            self._depth -= 1
        elif tag == "legend" and self._legend is not None:
            self.groups[-1] = (" ".join("".join(self._legend).split()), self.groups[-1][1])
            self._legend = None
        elif tag == "label" and self._label is not None:
            self._labels[self._label[0]] = " ".join("".join(self._label[1]).split())
            self._label = None

    def handle_data(self, data):
        for collecting in (self._legend, self._label and self._label[1]):
            if collecting is not None and collecting is not False:
                collecting.append(data)


def groups_of(html: str) -> list[tuple[str, list]]:
    return RoomGroups(html).groups


def legends(html: str) -> list[str]:
    return [legend for legend, _ in groups_of(html)]


def checked(html: str) -> set[str]:
    return {value for _, rooms in groups_of(html) for _, value, is_checked, _ in rooms
            if is_checked}


def all_rooms_link(html: str) -> str | None:
    match = re.search(r'<a id="all-rooms"[^>]*href="([^"]*)"', html)
    return unescape(match.group(1)) if match else None


@pytest.fixture
def places(make, city):
    """Two facilities in the city's quarter, one in Göttingen, and the Spielmobil."""
    city.facility.name = "Alte Feuerwache"
    city.room.name = "Seminarraum"
    city.room.step_free = True
    childcare = make.room(city.facility, name="Kinderzimmer", capacity=10, step_free=False)
    heim = make.facility(city.quarter, name="Nachbarschaftsheim")
    saal = make.room(heim, name="Saal", capacity=80, step_free=True)
    grone = make.facility(make.quarter(name="Grone", city="Göttingen"),
                          name="Nachbarschaftszentrum Grone")
    kursraum = make.room(grone, name="Kursraum", capacity=15)
    van = make.mobile(city.quarter, name="Spielmobil", capacity=40)
    return {"childcare": childcare, "heim": heim, "saal": saal, "grone": grone,
            "kursraum": kursraum, "van": van}


def test_rooms_are_grouped_by_facility_with_quarter_and_city_and_the_van_last(
        browser, city, places):
    browser.login(city.member.email)
    html = browser.get("/bookings/new").get_data(as_text=True)
    quarter = city.quarter.name
    assert legends(html) == [  # the own city by quarter and facility, other cities last
        f"Alte Feuerwache ({quarter}, Wuppertal)",
        f"Nachbarschaftsheim ({quarter}, Wuppertal)",
        "Mobile resources",
        "Nachbarschaftszentrum Grone (Grone, Göttingen)",
    ]
    feuerwache, heim, mobile, grone = groups_of(html)
    assert [label for label, *_ in feuerwache[1]] == [
        "Kinderzimmer (up to 10 people · not step-free)",
        "Seminarraum (up to 20 people · step-free access)",
    ]
    assert heim[1][0][0] == "Saal (up to 80 people · step-free access)"
    assert mobile[1][0][0] == f"Spielmobil (up to 40 people · based in {quarter})"
    # The boxes are numbered in the order they are shown; the error summary links the first.
    ids = [box_id for _, rooms in groups_of(html) for *_, box_id in rooms]
    assert ids == [f"resource_ids-{i}" for i in range(5)]
    assert not checked(html)
    assert all_rooms_link(html) is None, "the whole list needs no way back to itself"
    assert "cannot be booked here" not in html


def test_a_link_from_a_facility_shows_only_its_rooms_and_a_way_to_all(browser, city, places):
    browser.login(city.member.email)
    html = browser.get(f"/bookings/new?facility={city.facility.slug}").get_data(as_text=True)
    assert legends(html) == [f"Alte Feuerwache ({city.quarter.name}, Wuppertal)"]
    assert [label.split(" (")[0] for label, *_ in groups_of(html)[0][1]] == [
        "Kinderzimmer", "Seminarraum"]
    assert not checked(html), "two rooms: the person chooses"
    assert "Only the rooms of Alte Feuerwache are shown." in html
    assert all_rooms_link(html) == "/bookings/new"
    # The facility's rooms come first, so the error summary's link reaches the first shown box.
    assert groups_of(html)[0][1][0][3] == "resource_ids-0"
    everything = browser.get(all_rooms_link(html)).get_data(as_text=True)
    assert len(legends(everything)) == 4


def test_the_only_room_of_a_facility_is_checked(browser, city, places):
    browser.login(city.member.email)
    html = browser.get(f"/bookings/new?facility={places['heim'].slug}").get_data(as_text=True)
    assert [legend.split(" (")[0] for legend in legends(html)] == ["Nachbarschaftsheim"]
    assert checked(html) == {str(places["saal"].id)}


def test_a_link_from_a_room_checks_it_among_its_facility_s_rooms(browser, city, places):
    browser.login(city.member.email)
    html = browser.get(f"/bookings/new?resource={city.room.slug}").get_data(as_text=True)
    assert [legend.split(" (")[0] for legend in legends(html)] == ["Alte Feuerwache"]
    assert checked(html) == {str(city.room.id)}
    assert all_rooms_link(html) == f"/bookings/new?resource_ids={city.room.id}"
    everything = browser.get(all_rooms_link(html)).get_data(as_text=True)
    assert len(legends(everything)) == 4 and checked(everything) == {str(city.room.id)}
    van = browser.get(f"/bookings/new?resource={places['van'].slug}").get_data(as_text=True)
    assert legends(van) == ["Mobile resources"]
    assert checked(van) == {str(places["van"].id)}
    assert "Only the mobile resources are shown." in van


def test_the_guest_form_is_narrowed_the_same_way(browser, city, places):
    html = browser.get(f"/bookings/guest/new?resource={places['kursraum'].slug}"
                       ).get_data(as_text=True)
    assert legends(html) == ["Nachbarschaftszentrum Grone (Grone, Göttingen)"]
    assert checked(html) == {str(places["kursraum"].id)}
    assert all_rooms_link(html) == f"/bookings/guest/new?resource_ids={places['kursraum'].id}"


@pytest.mark.parametrize("query", [
    "facility=no-such-place", "resource=no-such-room", "facility=&resource=",
    "resource=<script>alert(1)</script>", "facility=x&resource_ids=abc",
])
def test_an_unknown_facility_or_room_shows_every_room_and_says_so(browser, city, places,
                                                                   query):
    browser.login(city.member.email)
    response = browser.get(f"/bookings/new?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(legends(html)) == 4
    assert not checked(html)
    named = "=&" not in query
    assert ("cannot be booked here, so the rooms of all facilities are shown" in html) is named
    assert "<script>alert(1)" not in html


def test_a_switched_off_room_or_quarter_is_not_offered_by_a_link(browser, session, make,
                                                                 city, places):
    places["saal"].active = False
    places["grone"].quarter.active = False
    session.commit()
    browser.login(city.member.email)
    for query in (f"resource={places['saal'].slug}", f"facility={places['grone'].slug}"):
        html = browser.get(f"/bookings/new?{query}").get_data(as_text=True)
        assert "cannot be booked here" in html, query
        assert [legend.split(" (")[0] for legend in legends(html)] == [
            "Alte Feuerwache", "Mobile resources"], "a facility without bookable rooms is left out"


def test_rooms_of_a_switched_off_facility_are_neither_offered_nor_booked(browser, session,
                                                                          city, places):
    places["heim"].active = False
    session.commit()
    browser.login(city.member.email)
    html = browser.get("/bookings/new").get_data(as_text=True)
    assert "Nachbarschaftsheim" not in html
    assert browser.post("/bookings/new", form_data(places["saal"])).status_code == 422
    with pytest.raises(ResourceUnavailable, match="Saal cannot be booked at the moment"):
        book(session, city, resources=[places["saal"]])  # as the API and the waiting list do
    session.rollback()
    assert session.scalar(select(Booking)) is None


def test_html_in_facility_quarter_and_room_names_is_escaped(browser, session, make, city):
    quarter = make.quarter(name="<i>Ost</i>", city="<b>Stadt</b>")
    facility = make.facility(quarter, name='<img src=x onerror="alert(1)">')
    make.room(facility, name="<script>alert(2)</script>")
    make.mobile(quarter, name="<u>Bus</u>")
    browser.login(city.member.email)
    for url in ("/bookings/new", f"/bookings/new?facility={facility.slug}"):
        html = browser.get(url).get_data(as_text=True)
        assert "<img src=x" not in html and "<script>alert(2)" not in html
        assert "<i>Ost" not in html and "<b>Stadt" not in html and "<u>Bus" not in html
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
        assert "&lt;i&gt;Ost&lt;/i&gt;, &lt;b&gt;Stadt&lt;/b&gt;" in html
    assert "Only the rooms of &lt;img src=x" in html
    assert "&lt;u&gt;Bus&lt;/u&gt;" in browser.get("/bookings/new").get_data(as_text=True)


def test_a_refused_request_keeps_the_narrowing_the_checked_rooms_and_the_way_to_all(
        browser, session, city, places):
    browser.login(city.member.email)
    url = f"/bookings/new?facility={city.facility.slug}"
    data = form_data(city.room, end="17:00", title="Sprachcafé & Co",
                     resource_ids=[str(city.room.id), str(places["childcare"].id)],
                     date="16.03.2027")
    response = browser.post(url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html[:3000]
    assert [legend.split(" (")[0] for legend in legends(html)] == ["Alte Feuerwache"]
    assert checked(html) == {str(city.room.id), str(places["childcare"].id)}
    assert 'value="Sprachcafé &amp; Co"' in html
    link = all_rooms_link(html)
    path, query = urlsplit(link).path, parse_qs(urlsplit(link).query)
    assert path == "/bookings/new"
    assert query["title"] == ["Sprachcafé & Co"] and query["end"] == ["17:00"]
    assert query["date"] == ["16.03.2027"], "even a refused value is kept as it was typed"
    assert query["purpose"] == ["Sprachkurs für Anfänger"] and query["attendees"] == ["12"]
    assert sorted(query["resource_ids"]) == sorted([str(city.room.id),
                                                    str(places["childcare"].id)])
    assert "csrf_token" not in query
    everything = browser.get(link).get_data(as_text=True)
    assert len(legends(everything)) == 4
    assert checked(everything) == {str(city.room.id), str(places["childcare"].id)}
    assert 'value="Sprachcafé &amp; Co"' in everything and 'value="16.03.2027"' in everything
    assert session.scalar(select(Booking)) is None


def test_missing_rooms_on_a_narrowed_form_link_to_its_first_room(browser, city, places):
    browser.login(city.member.email)
    response = browser.post(f"/bookings/new?facility={places['heim'].slug}",
                            form_data(city.room, resource_ids=[]))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = re.search(r'<div class="form-errors".*?</div>', html, re.S).group(0)
    assert '<a href="#resource_ids-0">' in summary
    assert groups_of(html)[0][1][0][3] == "resource_ids-0"
    assert re.search(r'aria-describedby="resource_ids-hint resource_ids-error"', html)
    assert 'id="resource_ids-error">Choose at least one' in html


def test_a_request_may_still_combine_rooms_of_two_facilities(browser, session, city, places):
    """Nothing in the domain ties a request to one facility: the narrowed form keeps a room of
    another facility in sight and sends both."""
    browser.login(city.member.email)
    both = [str(city.room.id), str(places["saal"].id)]
    url = f"/bookings/new?facility={city.facility.slug}"
    html = browser.get(f"{url}&resource_ids={both[0]}&resource_ids={both[1]}"
                       ).get_data(as_text=True)
    assert [legend.split(" (")[0] for legend in legends(html)] == [
        "Alte Feuerwache", "Nachbarschaftsheim"]
    assert checked(html) == set(both)
    response = browser.post(url, form_data(city.room, resource_ids=both))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    booking = session.scalar(select(Booking))
    assert {r.id for r in booking.resources} == {city.room.id, places["saal"].id}


def test_facility_and_week_pages_link_into_the_narrowed_form(browser, city, places):
    public = browser.get(f"/facilities/{city.facility.slug}").get_data(as_text=True)
    assert f'href="/bookings/guest/new?facility={city.facility.slug}"' in public
    assert f'href="/bookings/guest/new?resource={city.room.slug}"' in public
    browser.login(city.member.email)
    member = browser.get(f"/facilities/{city.facility.slug}").get_data(as_text=True)
    assert f'href="/bookings/new?facility={city.facility.slug}"' in member
    assert f'href="/bookings/new?resource={city.room.slug}"' in member
    assert "resource_ids=" not in member
    week = browser.get(f"/bookings/resources/{city.room.slug}/week?date=2027-03-16"
                       ).get_data(as_text=True)
    assert f"/bookings/new?resource={city.room.slug}&amp;date=2027-03-15" in week
    # all rooms of the house on the day asked for (today by default), not the week's Monday
    assert f"/bookings/facilities/{city.facility.slug}/day?date=2027-03-16" in week
    day = browser.get(f"/bookings/facilities/{city.facility.slug}/day?date=2027-03-16"
                      ).get_data(as_text=True)
    assert f"/bookings/new?facility={city.facility.slug}&amp;date=2027-03-16" in day


def test_the_quarter_page_links_the_van_into_the_narrowed_form(browser, city, places):
    public = browser.get(f"/quarters/{city.quarter.slug}").get_data(as_text=True)
    assert f'href="/bookings/guest/new?resource={places["van"].slug}"' in public
    browser.login(city.member.email)
    member = browser.get(f"/quarters/{city.quarter.slug}").get_data(as_text=True)
    assert f'href="/bookings/new?resource={places["van"].slug}"' in member


def test_a_long_list_gets_a_filter_box_that_only_the_script_reveals(browser, make, city,
                                                                    places):
    browser.login(city.member.email)
    short = browser.get("/bookings/new").get_data(as_text=True)
    assert "data-room-filter" not in short, "five rooms need no filter"
    for n in range(4):
        make.room(places["heim"], name=f"Gruppenraum {n}")
    html = browser.get("/bookings/new").get_data(as_text=True)
    box = re.search(r'<div class="room-filter" data-room-filter hidden>.*?</div>', html, re.S)
    assert box, "hidden until static/js/rooms.js shows it: without it the list simply stays"
    assert '<label for="room-filter">Find a room, facility or quarter</label>' in box.group(0)
    assert 'data-shown="Rooms shown: {count}"' in box.group(0)
    assert re.search(r'<input type="search" id="room-filter"(?![^>]*name=)', box.group(0)), (
        "the filter has no name, so it is never sent")
    assert '<script src="/static/js/rooms.js" defer></script>' in html
    assert "<script>" not in html, "no inline script (CSP)"
    narrowed = browser.get(f"/bookings/new?facility={places['heim'].slug}").get_data(
        as_text=True)
    assert "data-room-filter" not in narrowed


def test_a_room_named_with_a_facility_wins_even_when_unknown(browser, city, places):
    browser.login(city.member.email)
    html = browser.get(f"/bookings/new?facility={places['heim'].slug}&resource={city.room.slug}"
                       ).get_data(as_text=True)
    assert [legend.split(" (")[0] for legend in legends(html)] == ["Alte Feuerwache"]
    assert checked(html) == {str(city.room.id)}
    assert "cannot be booked here" not in html
    html = browser.get(f"/bookings/new?facility={city.facility.slug}&resource=gone"
                       ).get_data(as_text=True)
    assert len(legends(html)) == 4 and not checked(html)
    assert "cannot be booked here, so the rooms of all facilities are shown" in html


def test_links_back_to_the_guest_form_never_carry_a_name_or_an_e_mail(browser, city, places):
    """Links end up in browser histories and server logs."""
    data = form_data(places["kursraum"], end="17:00", name="Amina Haddad",
                     email="amina@example.org", organisation_name="Elterncafé Grone")
    response = browser.post(f"/bookings/guest/new?resource={places['kursraum'].slug}", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html[:2000]
    assert 'value="amina@example.org"' in html, "the form itself keeps what was typed"
    hrefs = [unescape(href) for href in re.findall(r'href="([^"]*)"', html)]
    assert any(href.startswith("/bookings/guest/new?") for href in hrefs)
    leaking = [href for href in hrefs if "amina" in href.lower() or "Haddad" in href]
    assert leaking == []
    again = browser.get(all_rooms_link(html)).get_data(as_text=True)
    assert 'value="Amina Haddad"' in again and 'value="amina@example.org"' in again, \
        "this browser session still fills them in"
    sent = browser.post("/bookings/guest/new", {**data, "end": "20:00"})
    assert sent.status_code == 200, sent.get_data(as_text=True)[:2000]
    fresh = browser.get("/bookings/guest/new").get_data(as_text=True)
    assert "Amina" not in fresh, "after sending, the next person at this computer sees nothing"
