"""QR codes for paper: a calendar's subscribe URL on a notice-board poster, drawn as inline SVG."""

import segno
from markupsafe import Markup


def qr_svg(url: str, title: str) -> Markup:
    """An inline SVG of url as a QR code, named by title for screen readers.

    Without a fixed size it scales to the CSS box (class "qr") and stays sharp in print; error
    level M and the four-module quiet zone keep it readable on a worn, photocopied poster.
    """
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(
        title=title, svgclass="qr", lineclass=None, omitsize=True, dark="#000", light="#fff"
    )
    # segno escapes the title; the rest is numbers and colours we chose.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704
