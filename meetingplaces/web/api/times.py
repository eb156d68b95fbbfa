"""Times at the API's edge: the city's zone, wall-clock input, offsets in every answer."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app

from ...timeline import to_instant


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def timezone_name() -> str:
    return current_app.config["TIMEZONE"]


def local(instant: datetime | None) -> datetime | None:
    """An instant as the city's wall-clock time with its offset (what every answer shows)."""
    return instant.astimezone(zone()) if instant is not None else None


def wall_clock(moment: datetime) -> datetime:
    """Input as the city's wall-clock time (naive): an offset, when given, is converted."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(zone()).replace(tzinfo=None)


def instant(moment: datetime, field: str) -> datetime:
    """Input as an aware instant; a wall-clock time in the spring gap is refused with the same
    message as bookings, an autumn-fold time is the first (summer-time) one."""
    if moment.tzinfo is not None:
        return moment
    return to_instant(moment, zone(), field=field).at.astimezone(zone())


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), zone())
