"""Six languages: catalogues that keep up with the code, right-to-left pages, Babel's formats."""

import re
from datetime import UTC, datetime

import pytest
from flask import render_template_string
from sqlalchemy import select

from meetingplaces.booking import cancel_booking
from meetingplaces.config import LANGUAGES
from meetingplaces.events import create_event
from meetingplaces.models.mail import OutboxMessage
from scripts import translations

from .booking_factories import NOW, book, city_fixture  # noqa: F401  (city is a fixture)
from .events_factories import local

COMPLETE_LANGUAGES = ("de", "en", "ar", "fa", "uk", "tr")
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{\w*\}")


@pytest.fixture(scope="module")
def extracted():
    return translations.extract()


@pytest.fixture(scope="module")
def catalogues():
    return {language: translations.read_catalogue(language) for language in LANGUAGES}


@pytest.fixture
def app_config(compiled_translations):
    return {"BABEL_TRANSLATION_DIRECTORIES": compiled_translations}


def _strings(message) -> tuple:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _placeholders(text: str) -> set:
    return set(PLACEHOLDER.findall(text)) - {"%%"}


def test_every_configured_language_has_a_catalogue():
    assert set(translations.LANGUAGES) == set(LANGUAGES)
    for language in LANGUAGES:
        assert translations.catalogue_path(language).exists(), language


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_code_and_templates_is_in_the_catalogue(language, extracted, catalogues):
    catalogue = catalogues[language]
    missing = [message.id for message in extracted if message.id and message.id not in catalogue]
    assert not missing, f"run `make extract` and translate; missing in {language}: {missing}"


@pytest.mark.parametrize("language", COMPLETE_LANGUAGES)
def test_complete_languages_have_no_untranslated_or_fuzzy_string(language, catalogues):
    missing = [message.id for message in translations.untranslated(catalogues[language])]
    assert not missing, f"untranslated or fuzzy in {language}: {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_the_msgid(language, catalogues):
    wrong = []
    for message in catalogues[language]:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        allowed = [_placeholders(text) for text in ids]
        for text in _strings(message):
            if text and _placeholders(text) not in allowed:
                wrong.append((message.id, text))
    assert not wrong, f"placeholders differ in {language}: {wrong}"


def test_plural_forms_are_filled_for_each_language(catalogues):
    for language, catalogue in catalogues.items():
        for message in catalogue:
            if message.pluralizable:
                assert len(message.string) == catalogue.num_plurals, (language, message.id)


def test_english_translates_to_its_msgids(catalogues):
    for message in catalogues["en"]:
        if message.id and not message.pluralizable:
            assert message.string == message.id


def test_placeholder_check_notices_a_dropped_placeholder():
    assert _placeholders("A service of %(city)s") != _placeholders("Ein Angebot")
    assert _placeholders("Bis zu %(num)d Personen") == _placeholders("Up to %(num)d people")


def test_lang_parameter_serves_arabic_right_to_left(client):
    html = client.get("/?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "أماكن اللقاء في الأحياء" in html


def test_farsi_is_right_to_left_and_ukrainian_left_to_right(client):
    assert '<html lang="fa" dir="rtl">' in client.get("/?lang=fa").get_data(as_text=True)
    assert '<html lang="uk" dir="ltr">' in client.get("/?lang=uk").get_data(as_text=True)


def test_chosen_language_is_remembered_for_the_next_page(client, make):
    quarter = make.quarter()
    client.get("/?lang=tr")
    html = client.get(f"/quarters/{quarter.slug}").get_data(as_text=True)
    assert '<html lang="tr" dir="ltr">' in html
    assert "Buluşma yerleri" in html


def test_accept_language_is_the_first_guess(client):
    html = client.get("/", headers={"Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"}).get_data(
        as_text=True
    )
    assert '<html lang="uk" dir="ltr">' in html
    assert "Місця зустрічей у кварталах" in html


def test_chosen_language_wins_over_accept_language(client):
    client.get("/?lang=fa")
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in html


def test_unknown_language_falls_back_to_german(client):
    html = client.get("/?lang=xx", headers={"Accept-Language": "xx"}).get_data(as_text=True)
    assert '<html lang="de" dir="ltr">' in html
    assert "Treffpunkte in den Quartieren" in html


def test_language_switcher_links_this_page_in_every_language_keeping_its_query(client, make):
    quarter = make.quarter()
    html = client.get(f"/quarters/{quarter.slug}?lang=ar&view=week").get_data(as_text=True)
    for code in LANGUAGES:
        assert f'href="/quarters/{quarter.slug}?view=week&amp;lang={code}"' in html
    assert 'lang="ar" hreflang="ar" dir="rtl" aria-current="true"' in html


def test_error_pages_are_translated_and_offer_the_switcher(client):
    response = client.get("/nowhere?lang=uk")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Такої сторінки не існує." in html
    assert 'href="/nowhere?lang=de"' in html


def test_form_labels_and_validation_messages_are_translated(client, browser):
    client.get("/?lang=ar")
    response = browser.post("/auth/login", {"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert "كلمة المرور" in html
    assert "يرجى تصحيح الحقول المُعلَّمة." in html
    assert "هذا الحقل مطلوب" in html  # from WTForms' own Arabic catalogue


def test_language_names_in_the_switcher_are_marked_with_their_language(client):
    html = client.get("/?lang=de").get_data(as_text=True)
    assert '<a href="/?lang=ar" lang="ar" hreflang="ar" dir="rtl">العربية</a>' in html
    assert '<a href="/?lang=uk" lang="uk" hreflang="uk">Українська</a>' in html


@pytest.mark.parametrize(
    ("language", "date_text", "time_text"),
    [
        ("de", "Sonntag, 29. März 2026", "03:30"),
        ("en", "Sunday, 29 March 2026", "03:30"),
        ("ar", "الأحد، 29 مارس 2026", "3:30 ص"),
        ("uk", "неділя, 29 березня 2026\u202fр.", "03:30"),
        ("tr", "29 Mart 2026 Pazar", "03:30"),
    ],
)
def test_dates_and_times_are_formatted_by_babel_in_the_city_zone(
    app, language, date_text, time_text
):
    # 01:30 UTC on the last Sunday of March is 03:30 summer time in Berlin.
    starts_at = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    with app.test_request_context(f"/?lang={language}"):
        rendered = render_template_string(
            "{{ starts_at|local_date }}|{{ starts_at|local_time }}", starts_at=starts_at
        )
    assert rendered == f"{date_text}|{time_text}"


def test_opening_hours_use_the_locales_time_format_and_day_names(client, make):
    facility = make.facility(hours=((0, 4, "09:00", "21:00"),))
    english = client.get(f"/facilities/{facility.slug}?lang=en").get_data(as_text=True)
    assert "Monday" in english and "09:00–21:00" in english
    ukrainian = client.get(f"/facilities/{facility.slug}?lang=uk").get_data(as_text=True)
    assert "Понеділок" in ukrainian and "зачинено" in ukrainian
    arabic = client.get(f"/facilities/{facility.slug}?lang=ar").get_data(as_text=True)
    assert "الاثنين" in arabic and "9:00 ص–9:00 م" in arabic


def test_room_capacity_uses_the_plural_rules_of_the_language(client, make):
    facility = make.facility()
    make.room(facility, name="Small room", capacity=1)
    make.room(facility, name="Big room", capacity=3)
    german = client.get(f"/facilities/{facility.slug}?lang=de").get_data(as_text=True)
    assert re.search(r"Bis zu 1 Person(?!en)", german)
    assert "Bis zu 3 Personen" in german
    ukrainian = client.get(f"/facilities/{facility.slug}?lang=uk").get_data(as_text=True)
    assert "До 1 особи" in ukrainian and "До 3 осіб" in ukrainian


@pytest.fixture
def demo_city(session):
    from meetingplaces.demo import load_demo

    load_demo(session)
    session.commit()


PUBLIC_PAGES = (
    "/",
    "/quarters/nordstadt",
    "/quarters/nordstadt/calendar?view=month",
    "/facilities/alte-feuerwache",
    "/facilities/alte-feuerwache/calendar",
    "/organisations/sprachcafe-nordstadt",
    "/calendar",
    "/auth/login",
    "/auth/register",
    "/auth/forgot-password",
    "/bookings/guest/new",
)
SIGNED_IN_PAGES = {
    "manager@example.org": (
        "/manage/", "/bookings/", "/bookings/queue", "/bookings/agenda", "/events/",
        "/events/moderation", "/rounds/", "/invitations/", "/account/",
    ),
    "initiative@example.org": ("/bookings/new", "/events/new", "/bookings/feeds"),
}


def test_public_pages_of_the_demo_city_render_in_every_language(client, demo_city):
    for path in PUBLIC_PAGES:
        for language in LANGUAGES:
            separator = "&" if "?" in path else "?"
            response = client.get(f"{path}{separator}lang={language}")
            assert response.status_code == 200, (path, language)
            assert f'<html lang="{language}"' in response.get_data(as_text=True)


@pytest.mark.parametrize("email", list(SIGNED_IN_PAGES))
def test_signed_in_pages_render_in_every_language(browser, demo_city, email):
    from meetingplaces.demo import DEMO_PASSWORD

    browser.login(email, DEMO_PASSWORD)
    for path in SIGNED_IN_PAGES[email]:
        for language in LANGUAGES:
            response = browser.get(f"{path}?lang={language}")
            assert response.status_code == 200, (email, path, language)
            assert f'<html lang="{language}"' in response.get_data(as_text=True)


def test_city_texts_are_marked_german_on_pages_in_other_languages(client, make):
    facility = make.facility(description="Offener Treff für alle")
    arabic = client.get(f"/facilities/{facility.slug}?lang=ar").get_data(as_text=True)
    assert '<p class="place-text" lang="de" dir="ltr">Offener Treff für alle <span' in arabic
    german = client.get(f"/facilities/{facility.slug}?lang=de").get_data(as_text=True)
    assert '<p class="place-text">Offener Treff für alle</p>' in german


def test_mail_about_an_events_lost_booking_is_written_in_each_recipients_language(
        session, make, city):
    city.manager.preferred_language = "de"
    colleague = make.manager(city.quarter, preferred_language="tr")
    session.commit()
    booking = book(session, city, now=NOW)
    event = create_event(session, actor=city.manager, quarter=city.quarter, now=NOW,
                         title="Sprachcafé", category="cafe", booking=booking,
                         starts_at=local(2027, 3, 16, 18), ends_at=local(2027, 3, 16, 20))
    session.commit()
    cancel_booking(session, actor=city.member, booking=booking, reason="krank", now=NOW)
    session.commit()
    subjects = {m.recipient: m.subject for m in session.scalars(select(OutboxMessage))
                if m.subject.endswith(event.title)}
    assert subjects == {
        city.manager.email: "Buchung für die Veranstaltung abgesagt: Sprachcafé",
        colleague.email: "Etkinliğin rezervasyonu iptal edildi: Sprachcafé"}
