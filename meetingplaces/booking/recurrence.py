"""Series of dates in the city's local time.

A weekly course at 18:00 stays at 18:00 across the clock changes, so rules are expanded over
wall-clock (naive local) datetimes and only then turned into instants. Turning a wall-clock
time into an instant is where daylight saving bites: the spring-forward hour does not exist
and is refused, the autumn hour exists twice and is resolved to its first (summer-time)
occurrence, and the caller is told.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr
from flask_babel import gettext as _

from ..errors import InvalidInput

# A bound on how many dates one request may create, against runaway rules.
MAX_DATES = 260
ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY"}
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class InvalidRecurrence(InvalidInput):
    """The repetition rule cannot be read, or repeats without end."""


class NonexistentLocalTime(InvalidInput):
    """A wall-clock time inside the spring-forward gap, e.g. 02:30 on the last Sunday of March."""


@dataclass(frozen=True)
class LocalSlot:
    """One date of a series as wall-clock times; `original_date` is the date the rule gave."""

    original_date: date
    local_start: datetime
    local_end: datetime

    @property
    def is_moved(self) -> bool:
        return self.local_start.date() != self.original_date


@dataclass(frozen=True)
class Instant:
    """A wall-clock time resolved to an aware UTC instant; `ambiguous` when the wall clock
    showed that time twice and we chose the first (summer-time) one."""

    at: datetime
    ambiguous: bool = False


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


def normalise_rule(text: str) -> str:
    """Check an RRULE (with or without the "RRULE:" prefix) and return it in canonical form.

    Only daily, weekly and monthly rules with an end (UNTIL or COUNT) are accepted; "" means a
    single date.
    """
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:"):]
    if not text:
        return ""
    parts = {}
    for part in text.upper().split(";"):
        name, sep, value = part.partition("=")
        if not sep or not value or name in parts:
            raise InvalidRecurrence(_("The repetition rule cannot be read."), field="rrule")
        parts[name] = value
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise InvalidRecurrence(
            _("Repeat daily, weekly or monthly."), field="rrule"
        )
    if "DTSTART" in parts:
        raise InvalidRecurrence(_("The first date comes from the start time."), field="rrule")
    if ("UNTIL" in parts) == ("COUNT" in parts):
        raise InvalidRecurrence(
            _("Say either until which date or how many times the booking repeats."),
            field="rrule",
        )
    canonical = ";".join(f"{name}={value}" for name, value in parts.items())
    _parse(canonical, datetime(2000, 1, 1))  # noqa: DTZ001 (a wall-clock probe)
    return canonical


def _parse(rule_text: str, local_start: datetime) -> rrule:
    """dateutil's rrule over naive wall-clock times; UNTIL as a date includes that whole day."""
    parts = dict(part.split("=", 1) for part in rule_text.split(";"))
    until = parts.pop("UNTIL", None)
    try:
        parsed = rrulestr(";".join(f"{k}={v}" for k, v in parts.items()), dtstart=local_start)
        if until is not None:
            parsed = parsed.replace(until=_until_as_wall_clock(until))
    except (ValueError, TypeError) as error:
        raise InvalidRecurrence(
            _("The repetition rule cannot be read."), field="rrule"
        ) from error
    return parsed


def _until_as_wall_clock(value: str) -> datetime:
    # UNTIL is read as a date in the city's calendar: the series runs up to and including
    # that day, whether the client sent a date, a local or a UTC date-time.
    return datetime.combine(datetime.strptime(value[:8], "%Y%m%d").date(), time.max)  # noqa: DTZ007


def expand(
    local_start: datetime,
    local_end: datetime,
    rule: str = "",
    *,
    exdates=(),
    moved: dict[date, tuple[datetime, datetime]] | None = None,
) -> list[LocalSlot]:
    """The dates of a series as wall-clock slots: the rule's dates from `local_start`, without
    `exdates`, with single dates `moved` to other wall-clock times (keyed by the rule's date)."""
    duration = local_end - local_start
    if rule:
        starts = list(_parse(rule, local_start).xafter(local_start, count=MAX_DATES + 1, inc=True))
        if len(starts) > MAX_DATES:
            raise InvalidRecurrence(
                _("A series may have at most %(count)d dates.", count=MAX_DATES), field="rrule"
            )
    else:
        starts = [local_start]
    skipped = {as_date(value, "exdates") for value in exdates}
    moved = moved or {}
    known = {start.date() for start in starts}
    for original in moved:
        if original not in known:
            raise InvalidInput(
                _("%(date)s is not a date of this series.", date=original.isoformat()),
                field="moved",
            )
    slots = []
    for start in starts:
        original = start.date()
        if original in skipped:
            continue
        if original in moved:
            new_start, new_end = moved[original]
            slots.append(LocalSlot(original, new_start, new_end))
        else:
            slots.append(LocalSlot(original, start, start + duration))
    return slots


def as_date(value, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise InvalidInput(
            _("%(value)s is not a date (YYYY-MM-DD).", value=str(value)[:40]), field=field
        ) from error


def to_instant(local: datetime, zone: ZoneInfo, *, field: str = "start") -> Instant:
    """Resolve a wall-clock time in `zone` to a UTC instant.

    Nonexistent times (in the spring-forward gap) raise NonexistentLocalTime; ambiguous times
    (the autumn hour) take `local.fold` (0, the default, is the first, summer-time occurrence)
    and are flagged so the caller can say which one was meant.
    """
    local = local.replace(tzinfo=None)
    aware = local.replace(tzinfo=zone)
    round_trip = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != local:
        raise NonexistentLocalTime(
            _(
                "%(time)s does not exist on %(date)s: the clocks go forward that night. "
                "Choose another time.",
                time=local.strftime("%H:%M"),
                date=local.date().isoformat(),
            ),
            field=field,
        )
    other = local.replace(fold=1 - local.fold, tzinfo=zone)
    ambiguous = other.utcoffset() != aware.utcoffset()
    return Instant(aware.astimezone(UTC), ambiguous)


def to_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """The wall-clock time of an instant in `zone` (naive, with `fold` set in the autumn hour)."""
    return instant.astimezone(zone).replace(tzinfo=None)
