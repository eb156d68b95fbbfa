"""Place texts in the visitor's language: a quarter's, a facility's, a room's and an
organisation's description, a facility's opening notes and accessibility, on pages, in feeds and
on posters; German where no translation exists, marked as German."""

import re

import icalendar
import pytest
from sqlalchemy import select

from meetingplaces.errors import InvalidInput
from meetingplaces.models import Facility, FacilityTranslation, Quarter
from meetingplaces.place_texts import PLACE_LANGUAGES, LocalText, apply_translations, text_in

from .events_factories import NOW, event, local
from .manage_factories import facility_form, organisation_form, quarter_form

GERMAN_ACCESS = "Eingang stufenlos, Aufzug in alle Etagen."
ARABIC_ACCESS = "المدخل بدون درج، ومصعد إلى كل الطوابق."


@pytest.fixture
def app_config(compiled_translations):
    return {"FIXED_NOW": NOW, "BABEL_TRANSLATION_DIRECTORIES": compiled_translations}


@pytest.fixture
def quarter(make, session):
    quarter = make.quarter(slug="nordstadt", name="Nordstadt",
                           description="Innenstadtnahes Quartier in Elberfeld.")
    apply_translations(quarter, {"ar": {"description": "حي قريب من وسط المدينة في إلبرفيلد."}})
    session.commit()
    return quarter


@pytest.fixture
def facility(make, session, quarter):
    facility = make.facility(quarter, slug="alte-feuerwache", name="Alte Feuerwache",
                             description="Soziales Zentrum mit Café.",
                             opening_notes="Das Café öffnet um 14 Uhr.",
                             accessibility=GERMAN_ACCESS)
    apply_translations(facility, {"ar": {"description": "مركز اجتماعي فيه مقهى.",
                                         "accessibility": ARABIC_ACCESS}})
    session.commit()
    return facility


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def paragraph_with(html: str, text: str) -> str:
    """The opening tag of the element that holds `text`."""
    match = re.search(r"<(p|span|div)\b([^>]*)>" + re.escape(text), html)
    assert match, f"{text!r} not on the page"
    return match.group(0)


# --- the domain ---------------------------------------------------------------------------------


def test_a_text_is_read_in_the_visitors_language_and_else_in_german(facility):
    assert text_in(facility, "description", "ar") == LocalText("مركز اجتماعي فيه مقهى.", "ar")
    german = text_in(facility, "opening_notes", "ar")
    assert (german.text, german.language) == ("Das Café öffnet um 14 Uhr.", "de")
    assert german.is_fallback("ar") and not text_in(facility, "description", "ar").is_fallback("ar")
    assert text_in(facility, "accessibility", "uk").language == "de"


def test_emptying_every_text_of_a_language_removes_its_translation(session, facility):
    apply_translations(facility, {"ar": {"description": "", "accessibility": " "}})
    session.commit()
    assert session.scalars(select(FacilityTranslation)).all() == []


def test_an_unknown_language_or_field_is_refused(facility):
    with pytest.raises(InvalidInput):
        apply_translations(facility, {"xx": {"description": "?"}})
    with pytest.raises(InvalidInput):
        apply_translations(facility, {"ar": {"name": "اسم"}})
    with pytest.raises(InvalidInput):
        apply_translations(facility, {"ar": {"description": "x" * 5001}})


# --- pages --------------------------------------------------------------------------------------


def test_quarter_page_in_arabic_shows_the_arabic_texts_unmarked(client, facility):
    html = page(client, "/quarters/nordstadt?lang=ar")
    assert paragraph_with(html, "حي قريب من وسط المدينة") == (
        '<p class="place-text">حي قريب من وسط المدينة')
    assert ARABIC_ACCESS in html and GERMAN_ACCESS not in html
    assert "Innenstadtnahes" not in html


def test_quarter_page_in_ukrainian_falls_back_to_german_marked_as_german(client, facility):
    html = page(client, "/quarters/nordstadt?lang=uk")
    assert paragraph_with(html, "Innenstadtnahes Quartier") == (
        '<p class="place-text" lang="de" dir="ltr">Innenstadtnahes Quartier')
    hint = re.search(r'Innenstadtnahes Quartier in Elberfeld\. <span class="lang-hint" '
                     r'lang="uk" dir="ltr">\(([^)]+)\)</span>', html)
    assert hint and hint.group(1) == "німецькою мовою"
    assert GERMAN_ACCESS in html and ARABIC_ACCESS not in html


def test_german_visitors_read_the_german_text_without_a_hint(client, facility):
    html = page(client, "/quarters/nordstadt?lang=de")
    assert '<p class="place-text">Innenstadtnahes Quartier in Elberfeld.</p>' in html
    assert "lang-hint" not in html


def test_facility_page_falls_back_field_by_field(client, facility, make, session):
    room = make.room(facility, name="Seminarraum", description="Kursraum im 1. OG.")
    apply_translations(room, {"uk": {"description": "Навчальна кімната на другому поверсі."}})
    session.commit()
    arabic = page(client, "/facilities/alte-feuerwache?lang=ar")
    assert "مركز اجتماعي فيه مقهى." in arabic and ARABIC_ACCESS in arabic
    assert paragraph_with(arabic, "Das Café öffnet") == (
        '<p class="place-text" lang="de" dir="ltr">Das Café öffnet')
    assert paragraph_with(arabic, "Kursraum im 1. OG.").endswith(
        'lang="de" dir="ltr">Kursraum im 1. OG.')
    assert 'lang="ar" dir="rtl">(باللغة الألمانية)</span>' in arabic
    assert "Seminarraum" in arabic, "a room's name stays"
    ukrainian = page(client, "/facilities/alte-feuerwache?lang=uk")
    assert '<p class="place-text">Навчальна кімната на другому поверсі.</p>' in ukrainian
    assert paragraph_with(ukrainian, GERMAN_ACCESS).endswith('lang="de" dir="ltr">' + GERMAN_ACCESS)


def test_organisation_page_shows_its_translated_description(client, make, session, quarter):
    organisation = make.organisation(quarter, slug="sprachcafe", name="Sprachcafé Nordstadt",
                                     description="Deutsch üben bei Kaffee.")
    apply_translations(organisation, {"ar": {"description": "تدرّب على الألمانية مع القهوة."}})
    session.commit()
    assert "تدرّب على الألمانية مع القهوة." in page(client, "/organisations/sprachcafe?lang=ar")
    ukrainian = page(client, "/organisations/sprachcafe?lang=uk")
    assert paragraph_with(ukrainian, "Deutsch üben").endswith('lang="de" dir="ltr">Deutsch üben')
    assert "тренуйтеся" not in ukrainian.lower()


# --- editing ------------------------------------------------------------------------------------


def test_manager_edits_translations_and_the_form_shows_them_again(browser, make, session, quarter,
                                                                 facility):
    browser.login(make.manager(quarter).email)
    data = facility_form(quarter, name="Alte Feuerwache", slug="alte-feuerwache",
                         description="Soziales Zentrum.", accessibility=GERMAN_ACCESS,
                         opening_notes="Café ab 14 Uhr.", hours_0="09:00-21:00",
                         description_uk="Соціальний центр.",
                         opening_notes_tr="Kafe 14:00'te açılır.",
                         accessibility_ar=ARABIC_ACCESS, description_ar="")
    response = browser.post(f"/manage/facilities/{facility.id}/edit", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    saved = {t.language: (t.description, t.opening_notes, t.accessibility)
             for t in session.get(Facility, facility.id).translations}
    assert saved == {"ar": ("", "", ARABIC_ACCESS), "tr": ("", "Kafe 14:00'te açılır.", ""),
                     "uk": ("Соціальний центр.", "", "")}
    form = page(browser, f"/manage/facilities/{facility.id}/edit")
    textarea = re.search(r'<textarea[^>]*id="accessibility_ar"[^>]*>', form).group(0)
    assert 'lang="ar"' in textarea and 'dir="rtl"' in textarea and ARABIC_ACCESS in form
    assert "Соціальний центр." in form and "<details" in form


def test_a_too_long_translation_is_refused_and_everything_typed_is_kept(browser, make, quarter):
    browser.login(make.manager(quarter).email)
    response = browser.post(f"/manage/quarters/{quarter.id}/edit", quarter_form(
        name="Nordstadt", slug="nordstadt", description="Quartier.",
        description_tr="Mahalle.", description_fa="ک" * 5001))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="description_fa-error"' in html and "Mahalle." in html and " open>" in html


def test_organisation_admin_translates_the_description(browser, client, make, session, quarter):
    organisation = make.organisation(quarter, slug="sprachcafe", name="Sprachcafé Nordstadt")
    admin = make.member(organisation, role="admin")
    browser.login(admin.email)
    response = browser.post("/account/organisations/sprachcafe", {
        "name": "Sprachcafé Nordstadt", "description": "Jeden Dienstag.",
        "description_fa": "هر سه‌شنبه.", "public_contact": "", "private_contact_email": "",
        "private_contact_phone": ""})
    assert response.status_code == 302
    assert "هر سه‌شنبه." in page(client, "/organisations/sprachcafe?lang=fa")


def test_managers_organisation_form_keeps_the_translations(browser, make, session, quarter):
    organisation = make.organisation(quarter, slug="sprachcafe", name="Sprachcafé Nordstadt")
    apply_translations(organisation, {"en": {"description": "Every Tuesday."}})
    session.commit()
    browser.login(make.manager(quarter).email)
    form = page(browser, f"/manage/organisations/{organisation.id}/edit")
    assert "Every Tuesday." in form
    response = browser.post(f"/manage/organisations/{organisation.id}/edit", organisation_form(
        quarter, name="Sprachcafé Nordstadt", slug="sprachcafe", description_en="Tuesdays."))
    assert response.status_code == 302
    session.expire_all()
    assert [t.description for t in organisation.translations] == ["Tuesdays."]


# --- feeds and posters --------------------------------------------------------------------------


def _description(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    [component] = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    return str(component["DESCRIPTION"])


def test_feed_carries_the_accessibility_in_the_asked_language_else_german(client, session, make,
                                                                          quarter, facility):
    manager = make.manager(quarter)
    event(session, manager, quarter, title="Sprachcafé", facility=facility,
          starts_at=local(2027, 1, 12, 18), ends_at=local(2027, 1, 12, 20))
    arabic = _description(client, "/quarters/nordstadt/calendar.ics?lang=ar")
    assert ARABIC_ACCESS in arabic and GERMAN_ACCESS not in arabic
    ukrainian = _description(client, "/facilities/alte-feuerwache/calendar.ics?lang=uk")
    assert f"Доступність (німецькою мовою): {GERMAN_ACCESS}" in ukrainian
    assert f"Barrierefreiheit: {GERMAN_ACCESS}" in _description(
        client, "/quarters/nordstadt/calendar.ics")


def test_a_new_translation_reaches_the_feed_at_once(browser, client, session, make, quarter,
                                                    facility):
    manager = make.manager(quarter)
    event(session, manager, quarter, title="Sprachcafé", facility=facility)
    assert GERMAN_ACCESS in _description(client, "/quarters/nordstadt/calendar.ics?lang=uk")
    browser.login(manager.email)
    response = browser.post(f"/manage/facilities/{facility.id}/edit", facility_form(
        quarter, name="Alte Feuerwache", slug="alte-feuerwache", accessibility=GERMAN_ACCESS,
        accessibility_uk="Вхід без сходинок."))
    assert response.status_code == 302
    assert "Вхід без сходинок." in _description(client, "/quarters/nordstadt/calendar.ics?lang=uk")


def test_posters_show_place_texts_per_language(client, facility):
    arabic = page(client, "/facilities/alte-feuerwache/poster?lang=ar")
    assert ARABIC_ACCESS in arabic and GERMAN_ACCESS not in arabic
    assert paragraph_with(arabic, "Das Café öffnet").endswith('lang="de" dir="ltr">Das Café öffnet')
    ukrainian = page(client, "/quarters/nordstadt/poster?lang=uk")
    assert paragraph_with(ukrainian, "Innenstadtnahes").endswith(
        'lang="de" dir="ltr">Innenstadtnahes')
    assert "(німецькою мовою)" in ukrainian
    assert "حي قريب من وسط المدينة" in page(client, "/quarters/nordstadt/poster?lang=ar")


# --- the demo city ------------------------------------------------------------------------------


def test_demo_places_are_translated_into_every_interface_language(app, session):
    from meetingplaces.demo import load_demo

    load_demo(session)
    session.commit()
    nordstadt = session.scalar(select(Quarter).where(Quarter.slug == "nordstadt"))
    ostersbaum = session.scalar(select(Quarter).where(Quarter.slug == "ostersbaum"))
    feuerwache = session.scalar(select(Facility).where(Facility.slug == "alte-feuerwache"))
    for thing in (nordstadt, ostersbaum, feuerwache, *feuerwache.resources):
        for language in PLACE_LANGUAGES:
            for field in thing.TRANSLATED_FIELDS:
                if getattr(thing, field):
                    local = text_in(thing, field, language)
                    assert local.language == language, (thing, field, language)
                    assert local.text != getattr(thing, field)


def test_event_page_marks_a_german_description_and_shows_the_places_access(client, session,
                                                                          make, quarter,
                                                                          facility):
    created = event(session, make.manager(quarter), quarter, title="Sprachcafé",
                    description="Deutsch üben bei Tee.", facility=facility,
                    translations={"ar": {"title": "مقهى اللغة", "description": ""}})
    html = page(client, f"/events/{created.id}?lang=ar")
    assert "<h1>مقهى اللغة</h1>" in html
    assert '<div class="event-description" lang="de" dir="ltr"><p>Deutsch üben bei Tee.</p>' in html
    assert '<p class="lang-hint" lang="ar" dir="rtl">(باللغة الألمانية)</p>' in html
    assert ARABIC_ACCESS in html
    ukrainian = page(client, f"/events/{created.id}?lang=uk")
    assert '<h1 lang="de" dir="ltr">Sprachcafé</h1>' in ukrainian


def test_the_json_api_gives_the_places_texts_in_every_language(client, facility):
    [quarter] = client.get("/api/v1/quarters").json["items"]
    assert quarter["translations"] == {"ar": {"description": "حي قريب من وسط المدينة في إلبرفيلد."}}
    [item] = client.get("/api/v1/facilities").json["items"]
    assert item["opening_notes"] == "Das Café öffnet um 14 Uhr."
    assert item["translations"]["ar"] == {"description": "مركز اجتماعي فيه مقهى.",
                                          "opening_notes": "", "accessibility": ARABIC_ACCESS}
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]["FacilityOut"]
    assert "translations" in schema["properties"] and "opening_notes" in schema["properties"]


def test_a_new_description_alone_leaves_the_feeds_events_as_they_are(browser, session, make,
                                                                     quarter, facility):
    manager = make.manager(quarter)
    created = event(session, manager, quarter, title="Sprachcafé", facility=facility)
    sequence = created.sequence
    browser.login(manager.email)
    response = browser.post(f"/manage/facilities/{facility.id}/edit", facility_form(
        quarter, name="Alte Feuerwache", slug="alte-feuerwache", address=facility.address,
        accessibility=GERMAN_ACCESS, accessibility_ar=ARABIC_ACCESS, description="Neu.",
        description_uk="Нове.", hours_0="08:00-22:00"))
    assert response.status_code == 302
    session.expire_all()
    assert created.sequence == sequence, "a text the feeds do not show changes no SEQUENCE"
