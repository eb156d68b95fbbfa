"""The Spielmobil round form on a phone (issue 15): it fits 360 px without sideways scrolling,
each stop's fields are named by their meaning and their stop, and axe finds nothing serious,
in German and in Arabic (right to left)."""

import pytest

from .test_journeys import log_in
from .test_pages import _describe, visit


@pytest.mark.parametrize("language", ["de", "ar"])
def test_round_form_fits_a_phone_and_names_each_stops_fields(page, axe, screenshot, language):
    log_in(page, "manager@example.org")
    visit(page, f"/rounds/new?lang={language}")
    assert page.evaluate("document.documentElement.dir") == ("rtl" if language == "ar"
                                                             else "ltr")
    # Another stop's row of fields, as a screen reader names it: its label, then its group.
    weekday = page.locator("#stops-1-weekday")
    label = page.locator("label[for='stops-1-weekday']").inner_text().strip()
    legend = weekday.evaluate("el => el.closest('fieldset').querySelector('legend').textContent")
    assert label and not label[-1].isdigit(), label
    assert legend.strip().endswith("2"), legend
    if language == "de":
        assert (label, legend.strip()) == ("Wochentag", "Station 2")
    page.fill("#stops-1-place_name", "Spielplatz Nordpark mit einem sehr langen Namen")
    screenshot(page, f"round-form-360-{language}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{width}px wide at 360px"
    violations = axe(page)
    assert not violations, _describe(violations)
