"""Place texts in real Chromium: the demo's Nordstadt in Arabic leaves no German paragraph;
a place without a translation shows German marked as German; axe stays at 0 serious or
critical, also with the open "Translations" section of the facility form."""

import re

import pytest

from .test_manage_pages import log_in, open_facility
from .test_pages import _describe, visit

GERMAN_PARAGRAPHS = "main p[lang='de'], main li[lang='de'], main div[lang='de'], .lang-hint"
# A contact (e-mail address, phone, link) is no German paragraph, even where it is marked so.
CONTACT = re.compile(r"^\S+@\S+$|^https?://\S+$|^[+\d][\d /-]+$")


@pytest.mark.parametrize("path", ["/quarters/nordstadt", "/facilities/alte-feuerwache",
                                  "/organisations/sprachcafe-nordstadt",
                                  "/quarters/nordstadt/poster"])
def test_demo_nordstadt_in_arabic_leaves_no_german_paragraph(page, axe, screenshot, path):
    visit(page, f"{path}?lang=ar")
    screenshot(page, "place-texts-" + path.strip("/").replace("/", "-") + "-ar")
    german = [text for text in page.locator(GERMAN_PARAGRAPHS).all_inner_texts()
              if not CONTACT.match(text.strip())]
    assert german == []
    texts = page.locator("main .place-text").all_inner_texts()
    assert texts, "the place texts are shown"
    assert all(any("\u0600" <= c <= "\u06ff" for c in text) for text in texts), texts
    assert not axe(page), _describe(axe(page))


def test_nordstadt_reads_arabic_descriptions_of_the_quarter_and_the_alte_feuerwache(page):
    visit(page, "/quarters/nordstadt?lang=ar")
    main = page.locator("main").inner_text()
    assert "حيّ في إلبرفيلد قريب من وسط المدينة" in main
    assert "مركز اجتماعي ومقصد لكثير من سكان الحيّ" in main
    assert "Innenstadtnahes" not in main and "Soziales Zentrum" not in main


def test_an_untranslated_place_is_german_marked_as_german(page, axe):
    visit(page, "/quarters/uellendahl?lang=uk")
    hint = page.locator(".lang-hint").first
    assert hint.inner_text() == "(німецькою мовою)"
    assert hint.get_attribute("lang") == "uk"
    assert page.locator("main p.place-text[lang='de']").count() >= 1
    assert not axe(page), _describe(axe(page))


def test_facility_form_with_its_translations_open_has_no_serious_violation(page, axe):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page)
    open_facility(page)
    page.goto(page.url + ("&" if "?" in page.url else "?") + "lang=ar")
    details = page.locator("details.translations")
    assert details.get_attribute("open") is not None, "filled translations open the section"
    assert page.get_attribute("#description_fa", "dir") == "rtl"
    assert page.get_attribute("#description_uk", "lang") == "uk"
    assert "مركز اجتماعي" in page.input_value("#description_ar")
    assert not axe(page), _describe(axe(page))


@pytest.mark.parametrize("language", ["en", "fa", "uk", "tr"])
def test_demo_nordstadt_leaves_no_german_paragraph_in_the_other_languages(page, language):
    for path in ("/quarters/nordstadt", "/facilities/alte-feuerwache"):
        visit(page, f"{path}?lang={language}")
        german = [text for text in page.locator(GERMAN_PARAGRAPHS).all_inner_texts()
                  if not CONTACT.match(text.strip())]
        assert german == [], (path, german)
        assert page.locator("main .place-text").count() >= 2
