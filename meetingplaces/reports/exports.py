"""Downloads: a report's tables and the raw rows behind it (booked dates, event dates,
attendance) as CSV (UTF-8 with a byte order mark, so spreadsheet apps read umlauts and Arabic
right) or as XLSX (openpyxl). Attendance rows carry numbers and a short note, never names."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from ..events.vocabulary import CATEGORIES, label
from ..models import Facility, Organisation, Quarter, Resource
from ..models.bookings import Booking, Occurrence
from ..models.events import Event
from ..models.reports import ATTENDANCE_GROUPS, Attendance, EventDate
from .figures import LONGEST_DATE, Scope, _instant, event_filter, resource_filter
from .tables import Table

RAW_KINDS = ("bookings", "event-dates", "attendance")
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """A text cell that a spreadsheet would run as a formula is written as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cell(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else _safe(value)


def to_csv(tables: list[Table]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for index, table in enumerate(tables):
        if len(tables) > 1:
            if index:
                writer.writerow([])
            writer.writerow([table.title])
        writer.writerow(table.headers)
        writer.writerows([[_cell(v) for v in row] for row in table.rows])
    return (BOM + out.getvalue()).encode("utf-8")


def to_xlsx(tables: list[Table]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    used = set()
    for table in tables:
        name = table.title[:31]
        for bad in "[]:*?/\\":
            name = name.replace(bad, " ")
        while name in used:
            name = name[:28] + f" {len(used)}"
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append([str(h) for h in table.headers])
        for row in table.rows:
            sheet.append([_safe(v) for v in row])
        for column, header in enumerate(table.headers, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = max(12, len(str(header))
                                                                           + 2)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def raw_table(session, kind: str, scope: Scope, start: date, end: date, zone: ZoneInfo) -> Table:
    """The rows behind a report, one per booked date, event date or attendance record."""
    since, until = _instant(start, zone), _instant(end + timedelta(days=1), zone)
    if kind == "bookings":
        query = (select(Occurrence, Booking.title, Organisation.name, Resource.name,
                        Facility.name, Quarter.name)
                 .join(Booking, Booking.id == Occurrence.booking_id)
                 .join(Resource, Resource.id == Occurrence.resource_id)
                 .join(Quarter, Quarter.id == Resource.quarter_id)
                 .outerjoin(Facility, Facility.id == Resource.facility_id)
                 .outerjoin(Organisation, Organisation.id == Booking.organisation_id)
                 .where(Occurrence.starts_at >= since - LONGEST_DATE,
                        Occurrence.starts_at < until, Occurrence.ends_at > since,
                        *resource_filter(rooms_only=False, **scope.bounds))
                 .order_by(Occurrence.starts_at, Occurrence.id))
        if scope.organisation_id is not None:
            query = query.where(Booking.organisation_id == scope.organisation_id)
        rows = [[o.booking_id, title, organisation or "", resource, facility or "", quarter,
                 o.starts_at.astimezone(zone).replace(tzinfo=None),
                 o.ends_at.astimezone(zone).replace(tzinfo=None),
                 round((o.ends_at - o.starts_at).total_seconds() / 3600, 2), o.status]
                for o, title, organisation, resource, facility, quarter in session.execute(query)]
        return Table("bookings", _("Booked dates"),
                     [_("Booking"), _("Title"), _("Organisation"), _("Resource"),
                      _("Facility"), _("Quarter"), _("Starts"), _("Ends"), _("Hours"),
                      _("Status")], rows)
    if kind == "event-dates":
        place = aliased(Quarter)
        query = (select(EventDate, Event.id, Event.title, Event.category, Event.status,
                        place.name)
                 .join(Event, Event.id == EventDate.event_id)
                 .join(place, place.id == Event.quarter_id)
                 .where(EventDate.starts_at >= since, EventDate.starts_at < until,
                        *event_filter(**scope.bounds))
                 .order_by(EventDate.starts_at, EventDate.event_id))
        rows = [[event_id, title, label(CATEGORIES, category), quarter, d.original_date,
                 d.starts_at.astimezone(zone).replace(tzinfo=None),
                 d.ends_at.astimezone(zone).replace(tzinfo=None),
                 _("yes") if d.cancelled or status == "cancelled" else _("no"),
                 _("yes") if d.moved else _("no")]
                for d, event_id, title, category, status, quarter in session.execute(query)]
        return Table("event_dates", _("Event dates"),
                     [_("Event"), _("Title"), _("Category"), _("Quarter"), _("Date"),
                      _("Starts"), _("Ends"), _("Cancelled"), _("Moved")], rows)
    if kind == "attendance":
        query = (select(Attendance, Event.title, Event.category, Quarter.name)
                 .join(Event, Event.id == Attendance.event_id)
                 .join(Quarter, Quarter.id == Event.quarter_id)
                 .where(and_(Attendance.occurrence_date >= start,
                             Attendance.occurrence_date <= end), *event_filter(**scope.bounds))
                 .order_by(Attendance.occurrence_date, Attendance.event_id))
        rows = [[a.event_id, title, label(CATEGORIES, category), quarter, a.occurrence_date,
                 a.count, *[getattr(a, g) for g in ATTENDANCE_GROUPS], a.first_visit,
                 " ".join(a.languages or []), a.note]
                for a, title, category, quarter in session.execute(query)]
        return Table("attendance", _("Attendance"),
                     [_("Event"), _("Title"), _("Category"), _("Quarter"), _("Date"),
                      _("Came"), _("Children"), _("Young people"), _("Adults"), _("Seniors"),
                      _("First visit"), _("Languages heard"), _("Note")], rows)
    raise ValueError(kind)
