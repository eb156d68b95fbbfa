"""Reports: figures computed from data the test made (a weekly booking across a month boundary
and the autumn clock change, a cancelled and a moved event date, attendance split by groups)
agree in the HTML page, the JSON API, the CSV and the XLSX downloads; who may read what."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from meetingplaces.booking import cancel_booking
from meetingplaces.events import cancel_occurrence, move_occurrence
from meetingplaces.models import Closure, Resource
from meetingplaces.models.bookings import Booking, Occurrence
from meetingplaces.models.reports import OrganisationMonth, ResourceMonth, ResourceUsage
from meetingplaces.reports import usage
from meetingplaces.reports.attendance import (
    AttendanceInput,
    record_attendance,
    slot_for_event,
)

from .booking_factories import book, local, token_for
from .events_factories import BERLIN, event
from .events_factories import local as aware

BOOKED_AT = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
RECORDED_AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
PERIOD = "from=2026-10-15&to=2026-11-30"


@dataclass
class Evaluation:
    quarter: object
    other_quarter: object
    room: object
    organisation: object
    member: object
    manager: object
    other_manager: object
    admin: object
    course: object


@pytest.fixture
def evaluation(session, make):
    """Ostersbaum, one room open 08-22 every day, and in October/November 2026:
    a weekly course booked 18-20 on 20 and 27 Oct, 3 and 10 Nov (8 h), a cancelled booking on
    17 Nov; the public course on the same dates with 27 Oct cancelled and 3 Nov moved to
    4 Nov, a film night on 20 Nov; attendance 12 (5 children, 6 adults, 3 first visits) on
    20 Oct, 8 (2 seniors) on 3 Nov, 30 adults at the film night."""
    quarter = make.quarter(slug="ostersbaum", name="Ostersbaum")
    facility = make.facility(quarter, name="Nachbarschaftsheim")
    room = make.room(facility, name="Kursraum")
    organisation = make.organisation(quarter, name="Sprachcafé Ostersbaum")
    member = make.member(organisation)
    manager = make.manager(quarter)
    city = type("City", (), {"room": room, "organisation": organisation, "member": member})
    book(session, city, start=local(2026, 10, 20, 18), end=local(2026, 10, 20, 20),
         rrule="FREQ=WEEKLY;COUNT=4", now=BOOKED_AT)
    cancelled = book(session, city, start=local(2026, 11, 17, 18), end=local(2026, 11, 17, 20),
                     now=BOOKED_AT, title="Elternabend")
    cancel_booking(session, actor=member, booking=cancelled, reason="Fällt aus", now=BOOKED_AT)
    session.commit()
    course = event(session, manager, quarter, now=BOOKED_AT, title="Deutschkurs",
                   category="language_course", target_groups=["women"],
                   languages=["de", "ar"], facility=facility, organisation=organisation,
                   starts_at=aware(2026, 10, 20, 18), ends_at=aware(2026, 10, 20, 20),
                   rrule="FREQ=WEEKLY;COUNT=4")
    cancel_occurrence(session, course, date(2026, 10, 27), actor=manager, now=BOOKED_AT,
                      reason="Krank")
    move_occurrence(session, course, date(2026, 11, 3), actor=manager, now=BOOKED_AT,
                    starts_at=aware(2026, 11, 4, 18), ends_at=aware(2026, 11, 4, 20))
    film = event(session, manager, quarter, now=BOOKED_AT, title="Filmabend",
                 category="film_night", facility=facility,
                 starts_at=aware(2026, 11, 20, 19), ends_at=aware(2026, 11, 20, 21))
    for the_event, day, data in (
        (course, date(2026, 10, 20), AttendanceInput(
            count=12, groups={"children": 5, "adults": 6}, first_visit=3,
            languages=("ar", "de"), note="Gute Stimmung")),
        (course, date(2026, 11, 3), AttendanceInput(count=8, groups={"seniors": 2})),
        (film, date(2026, 11, 20), AttendanceInput(count=30, groups={"adults": 30})),
    ):
        record_attendance(session, actor=manager, slot=slot_for_event(session, the_event, day),
                          data=data, now=RECORDED_AT)
    session.commit()
    return Evaluation(quarter=quarter, other_quarter=make.quarter(), room=room,
                      organisation=organisation, member=member, manager=manager,
                      other_manager=None, admin=make.admin(), course=course)


# Booked: 20+27 Oct and 3+10 Nov, 2 h each. Open: 17 October days + 29 November days, 14 h
# (1 November, All Saints' Day, is a public holiday in North Rhine-Westphalia: no hours).
EXPECTED = {
    "booked_hours": 8.0,
    "opening_hours": (17 + 29) * 14.0,
    "event_dates": 5,
    "event_dates_held": 4,
    "event_dates_moved": 1,
    "event_dates_cancelled": 1,
    "attendance_total": 50,
    "attendance_groups": {"children": 5, "youth": 0, "adults": 36, "seniors": 2},
    "attendance_first_visits": 3,
}
SUMMARY_LABELS = {
    "booked_hours": "Booked hours (rooms)",
    "opening_hours": "Opening hours (rooms)",
    "event_dates": "Event dates",
    "event_dates_held": "Event dates held",
    "event_dates_moved": "Event dates moved",
    "event_dates_cancelled": "Event dates cancelled",
    "attendance_total": "People who came",
    "attendance_first_visits": "First visits",
}


def test_summary_json_has_the_figures_the_test_data_make(client, session, evaluation):
    headers = token_for(session, evaluation.manager)
    response = client.get(f"/api/v1/reports/summary?quarter=ostersbaum&{PERIOD}",
                          headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    for name, value in EXPECTED.items():
        assert body[name] == value, name
    assert body["from"] == "2026-10-15" and body["to"] == "2026-11-30"


@pytest.mark.parametrize(("period", "hours"), [
    ("from=2026-10-01&to=2026-10-31", 4.0),  # a whole month: from the running sums
    ("from=2026-10-25&to=2026-11-05", 4.0),  # two partial months: from the occurrences
    ("from=2026-11-04&to=2026-11-04", 0.0),
    ("from=2026-10-01&to=2026-12-31", 8.0),
])
def test_booked_hours_are_right_for_whole_and_partial_months(client, session, evaluation,
                                                             period, hours):
    headers = token_for(session, evaluation.manager)
    body = client.get(f"/api/v1/reports/summary?quarter=ostersbaum&{period}",
                      headers=headers).get_json()
    assert body["booked_hours"] == hours


@pytest.mark.parametrize(("period", "open_days"), [
    # November less 1 November (All Saints' Day in NRW) and the week closed: 30 - 1 - 7 days
    ("from=2026-11-01&to=2026-11-30", 22),  # a whole month: the monthly sums
    (PERIOD, 17 + 22),  # partial months: per room and month
])
def test_opening_hours_leave_out_closures_and_public_holidays(client, session, evaluation,
                                                              period, open_days):
    facility = evaluation.room.facility
    store = Resource(kind="room", facility=facility, quarter=evaluation.quarter, slug="lager",
                     name="Lager")
    session.add_all([
        Closure(facility=facility, starts_at=aware(2026, 11, 2, 0), ends_at=aware(2026, 11, 9, 0),
                reason="Renovierung"),
        Closure(facility=facility, starts_at=aware(2026, 9, 1, 0), ends_at=aware(2026, 9, 8, 0)),
        # the course room: 3 h on 5 Nov (the house is closed anyway) and 3 h on 20 Nov
        Closure(resource=evaluation.room, starts_at=aware(2026, 11, 5, 10),
                ends_at=aware(2026, 11, 5, 13)),
        Closure(resource=evaluation.room, starts_at=aware(2026, 11, 20, 10),
                ends_at=aware(2026, 11, 20, 13)),
        # the store room: all of 20 Nov (open 08-22), none of 21 Nov
        Closure(resource=store, starts_at=aware(2026, 11, 20, 8), ends_at=aware(2026, 11, 21, 8)),
    ])
    session.commit()
    headers = token_for(session, evaluation.manager)
    expected = (open_days * 14 - 3) + (open_days * 14 - 14)
    body = client.get(f"/api/v1/reports/summary?quarter=ostersbaum&{period}",
                      headers=headers).get_json()
    assert body["opening_hours"] == expected
    evaluation.quarter.holiday_region = "HE"  # Hesse keeps 1 November: one more day, two rooms
    session.commit()
    body = client.get(f"/api/v1/reports/summary?quarter=ostersbaum&{period}",
                      headers=headers).get_json()
    assert body["opening_hours"] == expected + 2 * 14


def test_running_sums_count_months_in_the_zone_the_engine_was_given(app, database, session,
                                                                     evaluation):
    """The sums' local months are the city's: the zone is handed to the engine, never guessed
    (here London, where 23:30 UTC on 31 October is still October)."""
    engine = create_engine(database["url"], **database["options"])
    booking = session.scalars(select(Booking)).first()

    def occurrence():
        starts_at = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)
        return Occurrence(booking_id=booking.id, resource_id=evaluation.room.id,
                          starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
                          blocked_from=starts_at, blocked_until=starts_at + timedelta(hours=1),
                          status="confirmed", original_date=date(2026, 11, 1))

    with Session(engine) as other:
        other.add(occurrence())
        with pytest.raises(RuntimeError, match="time zone"):
            other.flush()
    usage.set_zone(engine, ZoneInfo("Europe/London"))
    with Session(engine) as other:
        before = {r.month: r.booked_minutes for r in other.scalars(select(ResourceMonth))}
        other.add(occurrence())
        other.commit()
        after = {r.month: r.booked_minutes for r in other.scalars(select(ResourceMonth))}
    engine.dispose()
    assert after[date(2026, 10, 1)] - before[date(2026, 10, 1)] == 30
    assert after[date(2026, 11, 1)] - before[date(2026, 11, 1)] == 30


def test_running_sums_equal_a_recount_after_bookings_were_changed_and_cancelled(
        session, evaluation):
    def rows():
        return [sorted(tuple(getattr(r, c.name) for c in model.__table__.columns)
                       for r in session.scalars(select(model)) if r.booked_minutes or r.dates)
                for model in (ResourceUsage, ResourceMonth, OrganisationMonth)]

    kept = rows()
    assert [(r[2], r[3], r[4]) for r in kept[0]] == [(date(2026, 10, 1), 240, 2),
                                                       (date(2026, 11, 1), 240, 2)]
    assert [(r[0], r[3], r[4]) for r in kept[2]] == [(date(2026, 10, 1), 240, 2),
                                                       (date(2026, 11, 1), 240, 2)]
    usage.rebuild(session, BERLIN)
    assert rows() == kept


def test_report_page_shows_the_same_figures(browser, evaluation):
    browser.login(evaluation.manager.email)
    response = browser.get("/reports/?scope=quarter:ostersbaum&start=2026-10-15"
                           "&end=2026-11-30&lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for name, label in SUMMARY_LABELS.items():
        expected = f"{EXPECTED[name]:,.0f}" if EXPECTED[name] == int(EXPECTED[name]) else ""
        assert re.search(rf'<th scope="row">{re.escape(label)}</th><td class="number">'
                         rf"{re.escape(expected)}</td>", html), label
    assert html.count('<figure class="report-chart"') >= 3
    assert "<script" not in html.split("<main", 1)[1]


def _summary_rows(csv_rows: list[list]) -> dict:
    """The first table of a report's CSV: its title, its header, then rows up to a blank."""
    found = {}
    for row in csv_rows[2:]:
        if not row:
            break
        found[row[0]] = row[1]
    return found


def test_report_csv_has_a_bom_and_the_same_figures(browser, evaluation):
    browser.login(evaluation.manager.email)
    response = browser.get("/reports/?scope=quarter:ostersbaum&start=2026-10-15"
                           "&end=2026-11-30&lang=en&format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    summary = _summary_rows(rows)
    for name, label in SUMMARY_LABELS.items():
        assert float(summary[label]) == EXPECTED[name], label


def test_report_xlsx_has_the_same_figures(client, session, evaluation):
    headers = {**token_for(session, evaluation.manager), "Accept-Language": "en"}
    response = client.get(f"/api/v1/reports/summary?quarter=ostersbaum&{PERIOD}"
                          "&format=xlsx", headers=headers)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    for name, label in SUMMARY_LABELS.items():
        assert summary[label] == EXPECTED[name], label
    months = list(book["Who came, by month"].iter_rows(min_row=2, values_only=True))
    assert [(m[0], m[2]) for m in months] == [("Oct 2026", 12), ("Nov 2026", 38)]
    rooms = list(book["Room use per room and month"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[3], r[4]) for r in rooms] == [("Oct 2026", 4.0, 17 * 14.0),
                                                   ("Nov 2026", 4.0, 29 * 14.0)]


def test_raw_rows_list_each_booked_date_event_date_and_attendance(browser, evaluation):
    browser.login(evaluation.manager.email)
    query = "scope=quarter:ostersbaum&start=2026-10-15&end=2026-11-30&lang=en"
    bookings = browser.get(f"/reports/rows/bookings.csv?{query}")
    rows = list(csv.DictReader(io.StringIO(bookings.data.decode("utf-8-sig"))))
    assert sorted((r["Starts"], r["Status"]) for r in rows) == [
        ("2026-10-20T18:00:00", "confirmed"), ("2026-10-27T18:00:00", "confirmed"),
        ("2026-11-03T18:00:00", "confirmed"), ("2026-11-10T18:00:00", "confirmed"),
        ("2026-11-17T18:00:00", "cancelled")]
    dates = list(csv.DictReader(io.StringIO(
        browser.get(f"/reports/rows/event-dates.csv?{query}").data.decode("utf-8-sig"))))
    assert [(d["Date"], d["Cancelled"], d["Moved"]) for d in dates] == [
        ("2026-10-20", "no", "no"), ("2026-10-27", "yes", "no"), ("2026-11-03", "no", "yes"),
        ("2026-11-10", "no", "no"), ("2026-11-20", "no", "no")]
    attendance = openpyxl.load_workbook(io.BytesIO(
        browser.get(f"/reports/rows/attendance.xlsx?{query}").data)).active
    found = list(attendance.iter_rows(min_row=2, values_only=True))
    assert [(r[4].date().isoformat(), r[5], r[6], r[8], r[9]) for r in found] == [
        ("2026-10-20", 12, 5, 6, None), ("2026-11-03", 8, None, None, 2),
        ("2026-11-20", 30, None, 30, None)]


def test_a_text_that_looks_like_a_formula_is_exported_as_text(browser, session, evaluation):
    evaluation.organisation.name = "=HYPERLINK(\"http://example.org\")"
    session.commit()
    browser.login(evaluation.manager.email)
    data = browser.get("/reports/rows/bookings.csv?scope=quarter:ostersbaum&start=2026-10-15"
                       "&end=2026-11-30").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in data and ",=HYPERLINK" not in data


def test_a_programme_report_covers_its_quarters_within_the_funding_period(
        client, browser, session, evaluation):
    browser.login(evaluation.admin.email)
    response = browser.post("/reports/programmes/new", {
        "name": "Flüchtlingsintegration (QFI)", "slug": "qfi", "description": "",
        "funded_from": "2026-11-01", "funded_until": "2027-12-31",
        "quarters": [str(evaluation.quarter.id)]})
    assert response.status_code == 302
    response = browser.get("/reports/?scope=programme:qfi&start=2026-10-01&end=2026-12-31"
                           "&lang=en&format=csv")
    summary = _summary_rows(list(csv.reader(io.StringIO(
        response.data.decode("utf-8-sig")))))
    assert float(summary["Booked hours (rooms)"]) == 4.0  # November only
    assert int(summary["People who came"]) == 38


def test_a_bad_programme_keeps_what_was_typed(browser, evaluation):
    browser.login(evaluation.admin.email)
    response = browser.post("/reports/programmes/new?lang=en", {
        "name": "QFI", "slug": "Not A Slug", "funded_from": "2027-01-01",
        "funded_until": "2026-01-01"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Use lower-case letters, digits and hyphens only." in html
    assert 'value="Not A Slug"' in html


# --- who may read what ---------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in_and_the_api_wants_a_token(client, evaluation):
    assert client.get("/reports/").status_code == 302
    assert client.get("/api/v1/reports/summary?quarter=ostersbaum").status_code == 401


def test_members_of_an_initiative_read_no_reports(browser, client, session, evaluation):
    browser.login(evaluation.member.email)
    assert browser.get("/reports/").status_code == 403
    assert browser.get("/reports/rows/attendance.csv?scope=quarter:ostersbaum").status_code \
        == 403
    headers = token_for(session, evaluation.member)
    assert client.get("/api/v1/reports/summary?quarter=ostersbaum",
                      headers=headers).status_code == 403


def test_managers_read_their_quarters_only(browser, client, make, session, evaluation):
    other = make.manager(evaluation.other_quarter)
    browser.login(other.email)
    assert browser.get(f"/reports/?scope=quarter:{evaluation.other_quarter.slug}").status_code \
        == 200
    assert browser.get("/reports/?scope=quarter:ostersbaum").status_code == 403
    assert browser.get("/reports/?scope=city").status_code == 403
    assert browser.get("/reports/yearly/ostersbaum/2026").status_code == 403
    assert browser.get(f"/reports/?scope=organisation:{evaluation.organisation.slug}") \
        .status_code == 403
    headers = token_for(session, other)
    assert client.get("/api/v1/reports/summary?quarter=ostersbaum",
                      headers=headers).status_code == 403
    assert client.get("/api/v1/reports/summary", headers=headers).status_code == 403


def test_the_city_coordinator_reads_everything(browser, client, session, evaluation):
    browser.login(evaluation.admin.email)
    for scope in ("city", "quarter:ostersbaum", f"organisation:{evaluation.organisation.slug}"):
        assert browser.get(f"/reports/?scope={scope}&start=2026-10-15&end=2026-11-30") \
            .status_code == 200, scope
    assert browser.get("/reports/yearly/ostersbaum/2026").status_code == 200
    body = client.get(f"/api/v1/reports/summary?{PERIOD}",
                      headers=token_for(session, evaluation.admin)).get_json()
    assert body["scope"] == "city" and body["attendance_total"] == 50


def test_only_the_city_coordinator_keeps_programmes(browser, evaluation):
    browser.login(evaluation.manager.email)
    assert browser.get("/reports/programmes/").status_code == 403
    assert browser.post("/reports/programmes/new", {"name": "X", "slug": "x"}).status_code == 403


def test_the_public_summary_shows_totals_but_no_names_notes_or_reasons(client, evaluation):
    response = client.get("/quarters/ostersbaum/figures?year=2026&lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r'<th scope="row">People who came</th><td class="number">50</td>', html)
    for private in ("Sprachcafé Ostersbaum", "Gute Stimmung", "Krank", "Kursraum"):
        assert private not in html


def test_the_api_refuses_a_bad_period_and_an_unknown_quarter(client, session, evaluation):
    headers = token_for(session, evaluation.manager)
    bad = client.get("/api/v1/reports/summary?quarter=ostersbaum&from=2026-12-01&to=2026-01-01",
                     headers=headers)
    assert bad.status_code == 422 and "to" in bad.get_json()["fields"]
    assert client.get("/api/v1/reports/summary?quarter=ostersbaum&from=yesterday",
                      headers=headers).status_code == 422
    assert client.get("/api/v1/reports/summary?quarter=nowhere",
                      headers=headers).status_code == 404
    assert client.get("/api/v1/reports/summary?quarter=ostersbaum&format=pdf",
                      headers=headers).status_code == 422


def test_the_report_and_attendance_paths_are_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    assert "put" in paths["/api/v1/events/{event_id}/occurrences/{day}/attendance"]
    assert "put" in paths["/api/v1/rounds/{round_id}/dates/{day}/attendance"]
    summary = paths["/api/v1/reports/summary"]["get"]
    assert {p["name"] for p in summary["parameters"]} == {"quarter", "from", "to", "format"}
    required = document["components"]["schemas"]["ReportSummary"]["required"]
    assert {"booked_hours", "event_dates_held", "event_dates_cancelled",
            "attendance_total"} <= set(required)


def test_the_quarter_page_links_to_its_figures(client, evaluation):
    html = client.get("/quarters/ostersbaum?lang=en").get_data(as_text=True)
    assert 'href="/quarters/ostersbaum/figures"' in html
