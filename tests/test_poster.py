"""The notice-board poster: a quarter's or a facility's coming week or month on A4, in the
visitor's language, with a QR code that subscribes a phone to the calendar."""

import pytest

from .events_factories import NOW, event, local, ostersbaum_fixture, ostersbaum_manager_fixture  # noqa: F401


@pytest.fixture
def app_config(compiled_translations):
    # Monday 4 January 2027, 09:00 in Berlin
    return {"FIXED_NOW": NOW, "BABEL_TRANSLATION_DIRECTORIES": compiled_translations}


def poster(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_weekly_poster_lists_the_coming_weeks_dates_only(client, session, manager, quarter):
    event(session, manager, quarter, title="Hausaufgabenhilfe", rrule="FREQ=WEEKLY",
          starts_at=local(2027, 1, 6, 15), ends_at=local(2027, 1, 6, 17))
    event(session, manager, quarter, title="Filmabend im Februar",
          starts_at=local(2027, 2, 3, 19), ends_at=local(2027, 2, 3, 21))
    page = poster(client, "/quarters/ostersbaum/poster?period=week")
    assert page.count("<strong>Hausaufgabenhilfe</strong>") == 1, "one Wednesday in 7 days"
    assert "Filmabend im Februar" not in page
    assert "15:00" in page
    assert "4. Januar 2027 – 10. Januar 2027" in page


def test_monthly_poster_runs_to_the_same_day_next_month(client, session, manager, quarter):
    event(session, manager, quarter, title="Hausaufgabenhilfe", rrule="FREQ=WEEKLY",
          starts_at=local(2027, 1, 6, 15), ends_at=local(2027, 1, 6, 17))
    event(session, manager, quarter, title="Filmabend im Februar",
          starts_at=local(2027, 2, 3, 19), ends_at=local(2027, 2, 3, 21))
    page = poster(client, "/quarters/ostersbaum/poster?period=month")
    assert page.count("<strong>Hausaufgabenhilfe</strong>") == 5, "6., 13., 20., 27. Jan, 3. Feb"
    assert "Filmabend im Februar" in page
    assert "3. Februar 2027" in page


def test_unknown_period_falls_back_to_the_week(client, session, manager, quarter):
    event(session, manager, quarter, title="Filmabend im Februar",
          starts_at=local(2027, 2, 3, 19), ends_at=local(2027, 2, 3, 21))
    page = poster(client, "/quarters/ostersbaum/poster?period=year")
    assert "Filmabend im Februar" not in page


def test_poster_carries_a_qr_code_of_the_subscribe_address(client, quarter):
    page = poster(client, "/quarters/ostersbaum/poster")
    assert '<svg role="img"' in page and 'class="qr"' in page
    assert "http://localhost.test/quarters/ostersbaum/calendar.ics" in page
    assert "Keine Veranstaltungen in diesem Zeitraum." in page
    assert "Scannen Sie den Code, um diesen Kalender zu abonnieren." in page
    assert "QR-Code: diesen Kalender abonnieren" in page, "the code is named for screen readers"


def test_poster_is_printed_on_a4(client, app):
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert "@page { size: A4;" in css


def test_poster_in_arabic_reads_right_to_left(client, session, manager, quarter):
    event(session, manager, quarter, title="Sprachcafé",
          starts_at=local(2027, 1, 5, 18), ends_at=local(2027, 1, 5, 20),
          translations={"ar": {"title": "مقهى اللغة", "description": ""}})
    page = poster(client, "/quarters/ostersbaum/poster?lang=ar")
    assert 'dir="rtl"' in page
    assert "مقهى اللغة" in page
    assert "ostersbaum/calendar.ics?lang=ar" in page, "the subscription keeps the language"
    assert "امسح الرمز للاشتراك في هذا التقويم" in page, "the poster's own text is translated"
    assert "البرنامج" in page


def test_private_events_stay_off_the_poster(client, session, manager, quarter):
    event(session, manager, quarter, title="Geheimsitzung", is_public=False,
          starts_at=local(2027, 1, 5, 18), ends_at=local(2027, 1, 5, 20))
    page = poster(client, "/quarters/ostersbaum/poster")
    assert "Geheimsitzung" not in page


def test_titles_with_html_are_shown_escaped(client, session, manager, quarter):
    event(session, manager, quarter, title="<script>alert(1)</script> Café",
          starts_at=local(2027, 1, 5, 18), ends_at=local(2027, 1, 5, 20))
    page = poster(client, "/quarters/ostersbaum/poster")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Café" in page


def test_facility_poster_shows_only_the_facilitys_programme(client, session, make, manager,
                                                            quarter):
    feuerwache = make.facility(quarter, slug="alte-feuerwache", name="Alte Feuerwache")
    event(session, manager, quarter, title="Café in der Feuerwache", facility=feuerwache,
          starts_at=local(2027, 1, 5, 18), ends_at=local(2027, 1, 5, 20))
    event(session, manager, quarter, title="Treffen auf dem Platz",
          starts_at=local(2027, 1, 5, 18), ends_at=local(2027, 1, 5, 20))
    page = poster(client, "/facilities/alte-feuerwache/poster")
    assert "Café in der Feuerwache" in page
    assert "Treffen auf dem Platz" not in page
    assert "/facilities/alte-feuerwache/calendar.ics" in page


def test_unknown_quarter_or_facility_has_no_poster(client):
    assert client.get("/quarters/nirgendwo/poster").status_code == 404
    assert client.get("/facilities/nirgendwo/poster").status_code == 404


def test_calendar_pages_link_to_their_posters(client, make, quarter):
    make.facility(quarter, slug="alte-feuerwache", name="Alte Feuerwache")
    page = poster(client, "/quarters/ostersbaum/calendar")
    assert "/quarters/ostersbaum/poster?period=week" in page
    assert "/quarters/ostersbaum/poster?period=month" in page
    page = poster(client, "/facilities/alte-feuerwache/calendar")
    assert "/facilities/alte-feuerwache/poster?period=month" in page
