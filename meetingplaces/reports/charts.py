"""Charts of a report, drawn by pygal on the server as SVG images (no script runs: the page
shows them as <img> from a data: address, next to the table that carries the same numbers for
screen readers). In right-to-left languages categories and months run from the right."""

import base64
import re
from dataclasses import dataclass

import pygal
from flask_babel import gettext as _
from pygal.style import Style

from .tables import Table

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1b1b1b",
    foreground_strong="#000000",
    foreground_subtle="#5a5a5a",
    opacity="1",
    opacity_hover="1",
    colors=("#1f5fa8", "#d9822b", "#2e7d32", "#8e24aa", "#b71c1c", "#00838f"),
    font_family="DejaVu Sans, Noto Sans, Arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    title_font_size=16,
    value_font_size=12,
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    image: str  # data:image/svg+xml;base64,...
    table: Table


def _render(chart) -> str:
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _chart(kind, table: Table, columns: list[int], *, rtl: bool, stacked: bool = False,
           horizontal: bool = False, limit: int = 24) -> Chart | None:
    rows = [row for row in table.rows if any(row[c] for c in columns)][:limit]
    if not rows:
        return None  # the table alone says "nothing in this period"
    if rtl and not horizontal:
        rows = list(reversed(rows))
    config = dict(
        style=STYLE, js=[], width=900, height=420, legend_at_bottom=True,
        legend_at_bottom_columns=min(len(columns), 4), show_legend=len(columns) > 1,
        x_label_rotation=0 if horizontal else 30, truncate_label=28, print_values=False,
        title=table.title, margin=16, no_data_text=_("Nothing to show in this period"),
        # Right to left: bars of a horizontal chart grow from the right, like the page.
        inverse_y_axis=rtl and horizontal,
    )
    chart = kind(**config)
    chart.x_labels = [str(row[0]) for row in rows]
    for column in columns:
        chart.add(str(table.headers[column]), [row[column] or 0 for row in rows])
    return Chart(table.key, table.title, _render(chart), table)


def charts(found: list[Table], *, rtl: bool) -> list[Chart]:
    """The report's charts, each drawn from one of its tables."""
    by_key = {table.key: table for table in found}
    drawn = []
    plans = [
        ("room_use_months", pygal.Bar, [1, 2], {}),
        ("offered_category", pygal.HorizontalStackedBar, [3, 5, 6], {"horizontal": True}),
        ("attendance_month", pygal.StackedBar, [3, 4, 5, 6], {}),
        ("attendance_category", pygal.HorizontalBar, [2], {"horizontal": True}),
        ("spielmobil", pygal.Bar, [1, 2, 3, 4], {}),
        ("initiatives", pygal.HorizontalBar, [1], {"horizontal": True, "limit": 12}),
    ]
    for key, kind, columns, options in plans:
        if key in by_key:
            chart = _chart(kind, by_key[key], columns, rtl=rtl, **options)
            if chart is not None:
                drawn.append(chart)
    return drawn
