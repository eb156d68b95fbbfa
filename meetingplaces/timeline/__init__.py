"""The one time core. Bookings, events and the Spielmobil rounds all keep time through it:

- clock.py   the city's wall clock <-> instants: a time entered in the spring-forward gap is
             refused (one message everywhere), one entered in the autumn fold is the first
             (summer-time) one and flagged so the caller can say so; dates a stored rule
             yields follow RFC 5545 instead (a gap date moves forward by the gap's length)
- rules.py   RRULE text: building the forms' rules, normalising with per-use limits
             (BOOKING_RULES, EVENT_RULES), UNTIL to UTC in one place, reading a rule over
             wall-clock starts
- series.py  expanding a series into wall-clock slots with dates left out and moved

Everything here is pure: no session, no request, no configuration; the zone is an argument.
"""

from .clock import (
    Instant,
    NonexistentLocalTime,
    entered,
    fold_notice,
    fold_notices,
    rule_instant,
    to_instant,
    to_local,
)
from .rules import (
    BOOKING_RULES,
    EVENT_RULES,
    InvalidRecurrence,
    RuleLimits,
    is_endless,
    monthly_nth_weekday_rule,
    normalise_rule,
    repeat_rule,
    rule_over,
    split_until,
    until_utc,
    weekly_rule,
)
from .series import LocalSlot, as_date, expand

__all__ = [
    "BOOKING_RULES",
    "EVENT_RULES",
    "Instant",
    "InvalidRecurrence",
    "LocalSlot",
    "NonexistentLocalTime",
    "RuleLimits",
    "as_date",
    "entered",
    "expand",
    "fold_notice",
    "fold_notices",
    "is_endless",
    "monthly_nth_weekday_rule",
    "normalise_rule",
    "repeat_rule",
    "rule_instant",
    "rule_over",
    "split_until",
    "to_instant",
    "to_local",
    "until_utc",
    "weekly_rule",
]
