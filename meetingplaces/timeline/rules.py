"""Repetition rules (RFC 5545 RRULE text): built from the forms' choices, normalised with the
limits of each use, read over wall-clock starts.

A weekly course at 18:00 stays at 18:00 across the clock changes, so a rule runs over naive
wall-clock starts (DTSTART;TZID in iCalendar terms) and only its dates become instants.

UNTIL is the one part that names a moment. A series runs up to and including its UNTIL's
local day; bookings keep it as that date, timed events as the UTC end of that day (RFC 5545
demands UTC next to DTSTART;TZID). until_utc() is the one conversion to UTC, rule_over() the
one reading back onto the wall clock.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr
from flask_babel import gettext as _
from icalendar.prop import vDDDTypes, vRecur

from ..errors import InvalidInput

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class InvalidRecurrence(InvalidInput):
    """The repetition rule cannot be read, breaks the limits of its use, or repeats without
    end where an end is required."""


@dataclass(frozen=True)
class RuleLimits:
    """What one use of repetition allows, and how it words a refusal."""

    frequencies: frozenset[str]
    end_required: bool  # UNTIL or COUNT
    max_dates: int  # a bound on one series, against runaway rules
    until_as_date: bool  # keep UNTIL as the local date (else the UTC end of that day)
    unreadable: Callable[[], str]
    wrong_frequency: Callable[[], str]
    count_and_until: Callable[[], str]
    too_many: Callable[[int], str]


# A booking holds rooms: at most 260 dates (five years of weeks) and always an end.
BOOKING_RULES = RuleLimits(
    frequencies=frozenset({"DAILY", "WEEKLY", "MONTHLY"}),
    end_required=True,
    max_dates=260,
    until_as_date=True,
    unreadable=lambda: _("The repetition rule cannot be read."),
    wrong_frequency=lambda: _("Repeat daily, weekly or monthly."),
    count_and_until=lambda: _(
        "Say either until which date or how many times the booking repeats."),
    too_many=lambda count: _("A series may have at most %(count)d dates.", count=count),
)
# An event only appears in calendars: yearly too, endless allowed, at most 1,000 counted dates.
EVENT_RULES = RuleLimits(
    frequencies=frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}),
    end_required=False,
    max_dates=1000,
    until_as_date=False,
    unreadable=lambda: _("This is not a valid repetition rule (RRULE)."),
    wrong_frequency=lambda: _("Events repeat daily, weekly, monthly or yearly."),
    count_and_until=lambda: _("Give either a number of dates or an end date, not both."),
    too_many=lambda count: _("At most %(count)d dates.", count=count),
)


# --- the forms' rules -------------------------------------------------------------------------


def weekly_rule(*, interval: int = 1, until: date | None = None, count: int | None = None) -> str:
    """RRULE text for "every `interval` weeks on the first date's weekday"."""
    return _with_end(f"FREQ=WEEKLY;INTERVAL={interval}", until, count)


def monthly_nth_weekday_rule(
    nth: int, weekday: int, *, until: date | None = None, count: int | None = None
) -> str:
    """RRULE text for "every month on the nth weekday" (nth -1 = last; weekday 0 = Monday)."""
    return _with_end(f"FREQ=MONTHLY;BYDAY={nth}{WEEKDAY_CODES[weekday]}", until, count)


def repeat_rule(repeat: str, first_date: date, *, interval: int = 1, until: date | None = None,
                count: int | None = None) -> str:
    """RRULE text for the booking form's choices: "weekly" (every `interval` weeks), "monthly"
    (the first date's nth weekday, its fifth read as the last) or "monthly_last" (the last such
    weekday); "" for a single date. A series needs exactly one end: a date or a count."""
    if not repeat:
        return ""
    if until is not None and count is not None:
        raise InvalidInput(_("Give either an end date or a number of dates, not both."),
                           field="count")
    if until is None and count is None:
        raise InvalidInput(_("Say until which date or how many times the booking repeats."),
                           field="until")
    if repeat == "weekly":
        return weekly_rule(interval=interval or 1, until=until, count=count)
    nth = -1 if repeat == "monthly_last" else (first_date.day - 1) // 7 + 1
    return monthly_nth_weekday_rule(-1 if nth == 5 else nth, first_date.weekday(), until=until,
                                    count=count)


def _with_end(rule: str, until: date | None, count: int | None) -> str:
    if until is not None:
        return f"{rule};UNTIL={until:%Y%m%d}"
    if count is not None:
        return f"{rule};COUNT={count}"
    return rule


# --- normalising ------------------------------------------------------------------------------


def normalise_rule(text: str, *, limits: RuleLimits, zone: ZoneInfo, all_day: bool = False,
                   field: str = "rrule") -> str:
    """Check an RRULE (with or without the "RRULE:" prefix) against `limits` and return it in
    canonical form: upper case, parts in the order given, UNTIL as the local date (bookings,
    all-day events) or as the UTC end of that local day (timed events). "" is a single date."""
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:"):]
    if not text:
        return ""
    parts: dict[str, str] = {}
    for part in text.upper().split(";"):
        name, sep, value = part.partition("=")
        if not sep or not name or not value or name in parts:
            raise InvalidRecurrence(limits.unreadable(), field=field)
        parts[name] = value
    if "DTSTART" in parts:
        raise InvalidRecurrence(_("The first date comes from the start time."), field=field)
    try:
        recur = vRecur.from_ical(";".join(f"{k}={v}" for k, v in parts.items()))
    except (ValueError, TypeError) as error:
        raise InvalidRecurrence(limits.unreadable(), field=field) from error
    if parts.get("FREQ") not in limits.frequencies:
        raise InvalidRecurrence(limits.wrong_frequency(), field=field)
    if "COUNT" in parts and "UNTIL" in parts:
        raise InvalidRecurrence(limits.count_and_until(), field=field)
    if limits.end_required and "COUNT" not in parts and "UNTIL" not in parts:
        raise InvalidRecurrence(limits.count_and_until(), field=field)
    if "COUNT" in parts and not 1 <= int(recur["COUNT"][0]) <= limits.max_dates:
        raise InvalidRecurrence(limits.too_many(limits.max_dates), field=field)
    if "UNTIL" in parts:
        last_day = _until_day(recur["UNTIL"][0], zone)
        parts["UNTIL"] = (f"{last_day:%Y%m%d}" if limits.until_as_date or all_day
                          else f"{until_utc(last_day, zone):%Y%m%dT%H%M%SZ}")
    canonical = ";".join(f"{name}={value}" for name, value in parts.items())
    try:
        # dateutil is stricter than icalendar about some parts, so let it judge too.
        rule_over(canonical, datetime(2000, 1, 1), zone)  # noqa: DTZ001 (a wall-clock probe)
    except InvalidRecurrence as error:
        raise InvalidRecurrence(limits.unreadable(), field=field) from error
    return canonical


def until_utc(last_day: date, zone: ZoneInfo) -> datetime:
    """The UTC moment a series ends whose last local day is `last_day` (the end of that day),
    as RFC 5545 wants UNTIL next to a DTSTART with TZID."""
    return datetime.combine(last_day, time(23, 59, 59), zone).astimezone(UTC)


def _until_day(until: date | datetime, zone: ZoneInfo) -> date:
    """The local day an UNTIL names: a date as it is; a date-time (UTC, with an offset or
    floating) as the city's day it falls on."""
    if not isinstance(until, datetime):
        return until
    if until.tzinfo is None:
        return until.date()
    return until.astimezone(zone).date()


def split_until(rule_text: str, zone: ZoneInfo) -> tuple[str, date | None]:
    """The rule without its UNTIL, and the local day the UNTIL names (None without one)."""
    parts = [part for part in (rule_text or "").split(";") if part]
    until = next((p.removeprefix("UNTIL=") for p in parts if p.startswith("UNTIL=")), "")
    rest = ";".join(p for p in parts if not p.startswith("UNTIL="))
    return rest, (_until_day(vDDDTypes.from_ical(until), zone) if until else None)


# --- reading ----------------------------------------------------------------------------------


def rule_over(rule_text: str, local_start: datetime, zone: ZoneInfo | None = None) -> rrule:
    """dateutil's rule over naive wall-clock starts from `local_start`; the series runs up to
    and including its UNTIL's local day (a UTC UNTIL is read in `zone`)."""
    parts = dict(part.split("=", 1) for part in rule_text.split(";") if "=" in part)
    until = parts.pop("UNTIL", None)
    try:
        parsed = rrulestr(";".join(f"{k}={v}" for k, v in parts.items()), dtstart=local_start)
        if until is not None:
            day = _until_day(vDDDTypes.from_ical(until), zone or UTC)
            parsed = parsed.replace(until=datetime.combine(day, time.max))
    except (ValueError, TypeError) as error:
        raise InvalidRecurrence(_("The repetition rule cannot be read."), field="rrule") from error
    return parsed


def is_endless(rule_text: str) -> bool:
    parts = {part.split("=", 1)[0] for part in (rule_text or "").split(";")}
    return bool(rule_text) and not {"COUNT", "UNTIL"} & parts
