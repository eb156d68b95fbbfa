"""A native speaker reviews a language page by page: `?lang=xx&show_msgid=1` shows each string's
msgid beside its translation, for logged-in admins only."""

import pytest

HEADING = "Meeting places in the quarters"


@pytest.fixture
def app_config(compiled_translations):
    return {"BABEL_TRANSLATION_DIRECTORIES": compiled_translations}


def beside(translated: str, msgid: str) -> str:
    return f"{translated} \u27e6\u2066{msgid}\u2069\u27e7"


def test_admin_sees_each_msgid_beside_its_translation_until_switching_it_off(browser, make):
    browser.login(make.admin().email)
    farsi = browser.get("/?lang=fa&show_msgid=1").get_data(as_text=True)
    assert beside("مکان‌های دیدار در محله‌ها", HEADING) in farsi
    assert 'href="/?show_msgid=0"' in farsi, "the page says how to end the mode"
    quarter = make.quarter(slug="nordstadt", name="Nordstadt")
    next_page = browser.get(f"/quarters/{quarter.slug}").get_data(as_text=True)
    assert "\u27e6\u2066Meeting places\u2069\u27e7" in next_page, "the mode is remembered"
    plain = browser.get("/?show_msgid=0").get_data(as_text=True)
    assert "\u27e6" not in plain and "مکان‌های دیدار در محله‌ها" in plain
    assert "review-mode" not in plain


def test_form_labels_and_placeholders_show_their_msgids_too(browser, make):
    browser.login(make.admin().email)
    html = browser.get("/manage/quarters/new?lang=uk&show_msgid=1").get_data(as_text=True)
    assert "\u27e6\u2066Name\u2069\u27e7" in html, "lazy form labels"


@pytest.mark.parametrize("who", ["manager", "anonymous"])
def test_nobody_but_an_admin_can_switch_it_on(browser, make, who):
    if who == "manager":
        browser.login(make.manager(make.quarter()).email)
    html = browser.get("/?lang=fa&show_msgid=1").get_data(as_text=True)
    assert "\u27e6" not in html and HEADING not in html


def test_the_link_that_ends_review_mode_stays_under_the_sites_path_prefix(browser, make):
    browser.login(make.admin().email)
    html = browser.get("/?lang=fa&show_msgid=1",
                       environ_overrides={"SCRIPT_NAME": "/mp"}).get_data(as_text=True)
    assert 'href="/mp/?show_msgid=0"' in html
