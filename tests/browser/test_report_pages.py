"""The report pages in real Chromium: accessible in German and Arabic, and the yearly report of
a quarter prints on A4 pages."""

import re

import pytest

from .test_manage_pages import _describe, log_in


@pytest.mark.parametrize("language", ["de", "ar"])
def test_report_page_with_charts_has_no_serious_violation(page, axe, screenshot, language):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "admin@example.org")
    page.goto(f"/reports/?scope=quarter:heckinghausen&lang={language}")
    assert page.locator("figure.report-chart img").count() >= 3
    assert page.locator("figure.report-chart table").count() >= 3
    violations = axe(page)
    assert not violations, f"{page.url}\n{_describe(violations)}"
    screenshot(page, f"report-{language}")


@pytest.mark.parametrize("language", ["de", "ar"])
def test_public_figures_and_attendance_form_have_no_serious_violation(page, axe, language):
    page.goto(f"/quarters/heckinghausen/figures?lang={language}")
    assert not axe(page), _describe(axe(page))
    log_in(page)
    page.goto(f"/attendance/?lang={language}")
    assert not axe(page), _describe(axe(page))
    page.locator("main table a").first.click()
    page.fill("#count", "3")
    page.fill("#children", "5")
    page.locator("main form.form button[type=submit]").click()  # not the language offer
    # The groups' sum is checked as a whole: the message heads the form, the numbers stay.
    assert page.locator(".form-errors[role=alert]").is_visible()
    assert page.input_value("#count") == "3" and page.input_value("#children") == "5"
    violations = axe(page)
    assert not violations, f"{page.url}\n{_describe(violations)}"


def test_yearly_report_prints_on_a4_pages(page):
    log_in(page)
    page.goto("/reports/")
    page.get_by_role("link", name=re.compile("Heckinghausen")).first.click()
    assert "/reports/yearly/heckinghausen/" in page.url
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf)
    boxes = {tuple(round(float(n)) for n in box.split())
             for box in re.findall(rb"/MediaBox\s*\[\s*([\d.\s]+?)\s*\]", pdf)}
    # Six sections, each starting on its own page; A4 is 595 x 842 points.
    assert len(pages) >= 6
    assert boxes == {(0, 0, 595, 842)}
