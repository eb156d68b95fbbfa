"""A series as wall-clock slots: the rule's dates from the first start, without the dates
left out, with single dates moved to other wall-clock times. Bookings and the Spielmobil
rounds store these slots; events expand their stored rule window by window (events.dates)."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from ..errors import InvalidInput
from ..i18n import day_text
from .rules import BOOKING_RULES, InvalidRecurrence, RuleLimits, rule_over


@dataclass(frozen=True)
class LocalSlot:
    """One date of a series as wall-clock times; `original_date` is the date the rule gave."""

    original_date: date
    local_start: datetime
    local_end: datetime

    @property
    def is_moved(self) -> bool:
        return self.local_start.date() != self.original_date


def expand(
    local_start: datetime,
    local_end: datetime,
    rule: str = "",
    *,
    exdates=(),
    moved: dict[date, tuple[datetime, datetime]] | None = None,
    limits: RuleLimits = BOOKING_RULES,
    zone: ZoneInfo | None = None,
) -> list[LocalSlot]:
    """The dates of a series as wall-clock slots: the rule's dates from `local_start` (at most
    `limits.max_dates`), without `exdates`, with single dates `moved` to other wall-clock times
    (keyed by the rule's date)."""
    duration = local_end - local_start
    if rule:
        starts = list(rule_over(rule, local_start, zone).xafter(
            local_start, count=limits.max_dates + 1, inc=True))
        if len(starts) > limits.max_dates:
            raise InvalidRecurrence(limits.too_many(limits.max_dates), field="rrule")
    else:
        starts = [local_start]
    skipped = {as_date(value, "exdates") for value in exdates}
    moved = moved or {}
    known = {start.date() for start in starts}
    for original in moved:
        if original not in known:
            raise InvalidInput(
                _("%(date)s is not a date of this series.", date=day_text(original)),
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
    """A date from a date, a date-time or ISO text; InvalidInput naming `field` otherwise."""
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
