"""The city's wall clock and instants.

Times are entered and shown on the city's wall clock and stored as UTC instants. Turning a
wall-clock time into an instant is where daylight saving bites, and every door of the app
(booking, event and round forms, the JSON API) does it here, with one rule:

- the spring-forward hour (02:00-03:00 on the last Sunday of March in Europe/Berlin) does
  not exist: a time entered in it is refused with one message, naming the field;
- the autumn hour (02:00-03:00 on the last Sunday of October) exists twice: a time entered
  in it is the first, summer-time one unless `fold=1` says otherwise, and it is flagged so
  the caller can tell the user (fold_notice).

Dates that a stored repetition rule yields are not entered by anyone: rule_instant() reads
them as RFC 5545 does (a date in the gap moves forward by the gap's length, a date in the
fold is the first), so a weekly 02:30 series stays readable by every calendar.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from ..errors import InvalidInput
from ..i18n import day_text, time_text


class NonexistentLocalTime(InvalidInput):
    """A wall-clock time inside the spring-forward gap, e.g. 02:30 on the last Sunday of March."""


@dataclass(frozen=True)
class Instant:
    """A wall-clock time resolved to an aware UTC instant; `ambiguous` when the wall clock
    showed that time twice and `fold` chose one of them (0: the first, summer-time one)."""

    at: datetime
    ambiguous: bool = False


def to_instant(local: datetime, zone: ZoneInfo, *, field: str = "start") -> Instant:
    """Resolve an entered wall-clock time in `zone` to a UTC instant: NonexistentLocalTime in
    the spring gap, the `fold` it carries in the autumn hour (flagged as ambiguous)."""
    local = local.replace(tzinfo=None)
    aware = local.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local:
        raise NonexistentLocalTime(
            _(
                "%(time)s does not exist on %(date)s: the clocks go forward that night. "
                "Choose another time.",
                time=time_text(local),
                date=day_text(local),
            ),
            field=field,
        )
    other = local.replace(fold=1 - local.fold, tzinfo=zone)
    return Instant(aware.astimezone(UTC), other.utcoffset() != aware.utcoffset())


def entered(moment: datetime, zone: ZoneInfo, *, field: str = "start") -> datetime:
    """An entered time as an aware datetime on the city's clock. A naive wall-clock time goes
    through to_instant(); an aware one whose zone is a ZoneInfo is checked the same way (a
    `replace(tzinfo=zone)` in the gap names no real time); one with a fixed offset is an
    unambiguous instant already."""
    if moment.tzinfo is None:
        return to_instant(moment, zone, field=field).at.astimezone(zone)
    if isinstance(moment.tzinfo, ZoneInfo):
        to_instant(moment.replace(tzinfo=None), moment.tzinfo, field=field)
    return moment.astimezone(zone)


def to_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """The wall-clock time of an instant in `zone` (naive, with `fold` set in the autumn hour)."""
    return instant.astimezone(zone).replace(tzinfo=None)


def rule_instant(local: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock date a stored rule yields, as an aware datetime in `zone` (RFC 5545: in the
    gap the offset before it applies, so 02:30 is read as 03:30; in the fold the first)."""
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC).astimezone(zone)


def fold_notice(local: datetime, instant: datetime) -> str:
    """What to tell the user whose time fell into the autumn hour that happens twice."""
    return _(
        "%(time)s on %(date)s happens twice when the clocks go back; we took the first one, "
        "in summer time (%(utc)s UTC).",
        time=time_text(local), date=day_text(local),
        utc=instant.astimezone(UTC).strftime("%H:%M"),
    )


def fold_notices(*moments: datetime | None) -> list[str]:
    """fold_notice() for each aware time on a city clock (ZoneInfo) that the wall clock shows
    twice; nothing for the others."""
    notices = []
    for moment in moments:
        if moment is None or not isinstance(moment.tzinfo, ZoneInfo):
            continue
        local = moment.replace(tzinfo=None)
        if local.replace(fold=1 - local.fold, tzinfo=moment.tzinfo).utcoffset() \
                != moment.utcoffset():
            notices.append(fold_notice(local, moment))
    return notices
