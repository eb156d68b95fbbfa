"""The QR code helper for printed posters."""

import xml.etree.ElementTree as ET

from meetingplaces.qr import qr_svg


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314  (our own output, not untrusted input)


URL = "https://meetingplaces.example.org/feeds/quarters/nordstadt.ics?token=abc&lang=ar"


def test_qr_code_is_an_inline_svg_named_for_screen_readers():
    svg = qr_svg(URL, "Subscribe to the calendar")
    root = parse(svg)
    assert root.tag == "svg"
    assert root.get("role") == "img" and root.get("class") == "qr"
    assert root.find("title").text == "Subscribe to the calendar"


def test_qr_code_scales_with_css_instead_of_a_fixed_size():
    root = parse(qr_svg(URL, "QR"))
    assert root.get("width") is None and root.get("height") is None
    size = root.get("viewBox").split()
    assert size[:2] == ["0", "0"] and size[2] == size[3]


def test_qr_code_draws_dark_modules_on_a_white_ground():
    root = parse(qr_svg(URL, "QR"))
    paths = root.findall("path")
    assert any(p.get("stroke") == "#000" and len(p.get("d")) > 100 for p in paths)
    assert any(p.get("fill") == "#fff" or p.get("stroke") == "#fff" for p in paths)


def test_different_urls_give_different_codes():
    assert qr_svg(URL, "QR") != qr_svg(URL.replace("nordstadt", "ostersbaum"), "QR")


def test_title_is_escaped():
    svg = str(qr_svg(URL, '<script>alert("x")</script>'))
    assert "<script>" not in svg
    assert parse(svg).find("title").text == '<script>alert("x")</script>'
