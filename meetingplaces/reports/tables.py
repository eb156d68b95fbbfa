"""A report as tables: what the page shows under each chart, what screen readers read, and
what the CSV and XLSX exports hold. Cells are raw numbers and dates; the page formats them."""

from dataclasses import dataclass
from datetime import date

from babel.dates import format_skeleton
from flask_babel import gettext as _

from ..events.vocabulary import CATEGORIES, TARGET_GROUPS, label
from ..vocabulary import SPOKEN_LANGUAGES
from .figures import Report


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: list
    rows: list
    public: bool = False  # aggregate numbers only: may be shown on the public summary


def hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def share(booked: int, opening: int) -> float | None:
    return round(100 * booked / opening, 1) if opening else None


def month_label(month: date) -> str:
    from ..i18n import formatting_locale

    return format_skeleton("yMMM", month, locale=formatting_locale())



def tables(report: Report) -> list[Table]:
    found = [_summary(report)]
    found.append(Table("room_use_months", _("Room use per month"),
                       [_("Month"), _("Booked hours"), _("Opening hours"), _("Share (%)")],
                       [[month_label(m), hours(b), hours(o), share(b, o)]
                        for m, (b, o) in sorted(report.room_months.items())], public=True))
    found.append(Table("rooms", _("Room use per room"),
                       [_("Quarter"), _("Facility"), _("Room"), _("Booked hours"),
                        _("Opening hours"), _("Share (%)"), _("Dates booked")],
                       [[r["quarter"], r["facility"], r["name"], hours(r["booked_minutes"]),
                         hours(r["open_minutes"]), r["share"], r["dates"]]
                        for r in report.rooms]))
    if any(r["months"] for r in report.rooms):  # built with detail=True (the downloads)
        found.append(Table("rooms_by_month", _("Room use per room and month"),
                           [_("Room"), _("Facility"), _("Month"), _("Booked hours"),
                            _("Opening hours"), _("Share (%)")],
                           [[r["name"], r["facility"], month_label(m), hours(b), hours(o),
                             share(b, o)]
                            for r in report.rooms for m, (b, o, _d) in r["months"].items()]))
    offered_headers = [_("Events"), _("Dates"), _("Held"), _("Of these moved"),
                       _("Cancelled"), _("Still to come")]

    def offered_rows(items, labels):
        return [[label(labels, code) if labels else str(SPOKEN_LANGUAGES.get(code, code)),
                 v["events"], v["dates"], v["held"], v["moved"], v["cancelled"], v["upcoming"]]
                for code, v in items]

    found.append(Table("offered_category", _("Offered by category"),
                       [_("Category"), *offered_headers],
                       offered_rows(report.offered["category"], CATEGORIES), public=True))
    found.append(Table("offered_target_group", _("Offered by target group"),
                       [_("Target group"), *offered_headers],
                       offered_rows(report.offered["target_group"], TARGET_GROUPS),
                       public=True))
    found.append(Table("offered_language", _("Offered by language"),
                       [_("Language"), *offered_headers],
                       offered_rows(report.offered["language"], None), public=True))
    group_headers = [_("Dates recorded"), _("Came"), _("Children"), _("Young people"),
                     _("Adults"), _("Seniors"), _("First visit")]

    def attendance_row(values):
        return [values["dates"], values["count"], values["children"], values["youth"],
                values["adults"], values["seniors"], values["first_visit"]]

    found.append(Table("attendance_category", _("Who came, by category"),
                       [_("Category"), *group_headers],
                       [[label(CATEGORIES, code), *attendance_row(v)]
                        for code, v in report.attendance["by_category"]], public=True))
    found.append(Table("attendance_month", _("Who came, by month"),
                       [_("Month"), *group_headers],
                       [[month_label(m), *attendance_row(v)]
                        for m, v in report.attendance["by_month"]], public=True))
    found.append(Table("languages_heard", _("Languages heard"),
                       [_("Language"), _("Dates")],
                       [[str(SPOKEN_LANGUAGES.get(code, code)), n]
                        for code, n in report.attendance["languages"]], public=True))
    if report.spielmobil:
        found.append(Table("spielmobil", _("Spielmobil stops per quarter"),
                           [_("Quarter"), _("Planned"), _("Held"), _("Cancelled"),
                            _("Children reached"), _("Visitors")],
                           [[name, v["planned"], v["held"], v["cancelled"], v["children"],
                             v["visitors"]] for name, v in report.spielmobil["quarters"]],
                           public=True))
        found.append(Table("spielmobil_reasons", _("Why Spielmobil stops were cancelled"),
                           [_("Reason"), _("Stops")],
                           [[reason or _("No reason given"), n]
                            for reason, n in report.spielmobil["reasons"]]))
    found.append(Table("initiatives", _("Initiatives and organisations"),
                       [_("Organisation"), _("Booked hours"), _("Dates booked"), _("Events")],
                       [[r["name"], hours(r["booked_minutes"]), r["dates"], r["events"]]
                        for r in report.initiatives["rows"]]))
    found.append(Table("new_organisations", _("New organisations"),
                       [_("Organisation"), _("Registered on")],
                       [[name, day] for name, day in report.initiatives["new"]]))
    return found


def _summary(report: Report) -> Table:
    summary = report.summary()
    rows = [
        [_("Booked hours (rooms)"), summary["booked_hours"]],
        [_("Opening hours (rooms)"), summary["opening_hours"]],
        [_("Events"), summary["events"]],
        [_("Event dates"), summary["event_dates"]],
        [_("Event dates held"), summary["event_dates_held"]],
        [_("Event dates moved"), summary["event_dates_moved"]],
        [_("Event dates cancelled"), summary["event_dates_cancelled"]],
        [_("People who came"), summary["attendance_total"]],
        [_("Dates with attendance recorded"), summary["attendance_dates"]],
        [_("First visits"), summary["attendance_first_visits"]],
    ]
    if report.spielmobil:
        rows += [[_("Spielmobil stops planned"), summary["spielmobil_stops_planned"]],
                 [_("Spielmobil stops held"), summary["spielmobil_stops_held"]],
                 [_("Spielmobil stops cancelled"), summary["spielmobil_stops_cancelled"]],
                 [_("Children reached by the Spielmobil"), summary["spielmobil_children"]]]
    rows += [[_("Active organisations"), summary["organisations_active"]],
             [_("New organisations"), summary["organisations_new"]]]
    return Table("summary", _("Summary"), [_("Figure"), _("Value")], rows, public=True)
