"""The house rules a request must keep, checked on the server with one clear message each.

Input is a list of planned occurrences (a date of a series on one resource, already resolved
to instants). Every check raises a typed error from booking.errors naming its form field.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
from babel.dates import format_skeleton
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..i18n import day_text, formatting_locale, moment_text
from ..models.bookings import ACTIVE_OCCURRENCE_STATUSES, Booking, Occurrence
from ..models.places import Closure, Resource
from ..timeline import LocalSlot, to_instant
from .errors import (
    DurationOutOfRange,
    EndBeforeStart,
    InClosure,
    InThePast,
    InvalidInput,
    OnPublicHoliday,
    OutsideOpeningHours,
    OverCapacity,
    OverQuota,
    ResourceUnavailable,
    TooFarAhead,
    TooShortNotice,
)

# No occurrence blocks a resource longer than this (buffers included). The bound lets a
# conflict check look back a fixed span in the index instead of over a resource's history.
LONGEST_BLOCK = timedelta(days=3)
TITLE_MAX = 200
LOCATION_MAX = 300
PURPOSE_MAX = 5000


@dataclass(frozen=True)
class Settings:
    """What the booking engine needs from the configuration: the city's zone and holiday
    region, and how long a waiting-list offer holds. Handed to every step that checks rules."""

    zone: ZoneInfo
    holiday_region: str = "NW"
    offer_hours: int = 24

    @classmethod
    def from_config(cls, config) -> "Settings":
        return cls(ZoneInfo(config["TIMEZONE"]), config.get("HOLIDAY_REGION", "NW"),
                   int(config.get("BOOKING_OFFER_HOURS", 24)))


@dataclass(frozen=True)
class PlannedOccurrence:
    """One date of a request on one resource, before it is stored."""

    resource: Resource
    original_date: date
    local_start: datetime
    local_end: datetime
    starts_at: datetime
    ends_at: datetime
    # True when the wall clock showed the start or end twice (autumn) and we took the first.
    ambiguous: bool = False

    @property
    def blocked_from(self) -> datetime:
        return self.starts_at - timedelta(minutes=self.resource.setup_minutes)

    @property
    def blocked_until(self) -> datetime:
        return self.ends_at + timedelta(minutes=self.resource.cleanup_minutes)


def plan(resources: list[Resource], slots: list[LocalSlot], zone: ZoneInfo):
    """Resolve wall-clock slots to instants on every resource; refuses nonexistent times and
    ends before starts. Returns (planned occurrences, notices about ambiguous times)."""
    planned, notices = [], []
    for slot in slots:
        if slot.local_end <= slot.local_start:
            raise EndBeforeStart(
                _("The end must be after the start (%(date)s).", date=_day(slot.local_start)),
                field="end",
            )
        start = to_instant(slot.local_start, zone, field="start")
        end = to_instant(slot.local_end, zone, field="end")
        for moment, instant in ((slot.local_start, start), (slot.local_end, end)):
            if instant.ambiguous:
                notices.append(
                    _(
                        "%(time)s on %(date)s happens twice when the clocks go back; "
                        "we booked the first one, in summer time (%(utc)s UTC).",
                        time=moment.strftime("%H:%M"),
                        date=_day(moment),
                        utc=instant.at.strftime("%H:%M"),
                    )
                )
        if end.at <= start.at:
            raise EndBeforeStart(
                _("The end must be after the start (%(date)s).", date=_day(slot.local_start)),
                field="end",
            )
        for resource in resources:
            planned.append(
                PlannedOccurrence(
                    resource, slot.original_date, slot.local_start, slot.local_end,
                    start.at, end.at, start.ambiguous or end.ambiguous,
                )
            )
    return planned, notices


def check_details(*, title: str, purpose: str, attendees, location: str,
                  resources: list[Resource]) -> None:
    """The request's own fields: present, within length, sensible."""
    if not resources:
        raise ResourceUnavailable(_("Choose at least one room or resource."), field="resource_ids")
    for resource in resources:
        if not resource.bookable:
            raise ResourceUnavailable(
                _("%(name)s cannot be booked at the moment.", name=resource.name),
                field="resource_ids",
            )
    if not title or not title.strip():
        raise InvalidInput(_("Give the booking a title."), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            _("The title may have at most %(count)d characters.", count=TITLE_MAX), field="title"
        )
    if len(purpose or "") > PURPOSE_MAX:
        raise InvalidInput(
            _("The purpose may have at most %(count)d characters.", count=PURPOSE_MAX),
            field="purpose",
        )
    if isinstance(attendees, bool) or not isinstance(attendees, int) or attendees < 1:
        raise InvalidInput(_("Say how many people are expected (at least 1)."), field="attendees")
    if len(location or "") > LOCATION_MAX:
        raise InvalidInput(
            _("The location may have at most %(count)d characters.", count=LOCATION_MAX),
            field="location",
        )
    if any(r.is_mobile for r in resources) and not (location or "").strip():
        raise InvalidInput(
            _("Say where the %(name)s will stand.", name=next(r for r in resources if r.is_mobile)
              .name),
            field="location",
        )


def check_capacity(resources: list[Resource], attendees: int) -> None:
    """Resources booked together hold their combined capacity (a course room plus childcare);
    a capacity of 0 means none was recorded."""
    if any(r.capacity == 0 for r in resources):
        return
    capacity = sum(r.capacity for r in resources)
    if attendees > capacity:
        raise OverCapacity(
            _("At most %(capacity)d people fit; you expect %(attendees)d.",
              capacity=capacity, attendees=attendees),
            field="attendees",
        )


def check_times(planned: list[PlannedOccurrence], *, now: datetime, settings: Settings) -> None:
    """Duration, notice, how far ahead, opening hours and public holidays, date by date."""
    for item in planned:
        resource = item.resource
        minutes = (item.ends_at - item.starts_at).total_seconds() / 60
        if minutes < resource.min_duration_minutes or minutes > resource.max_duration_minutes:
            raise DurationOutOfRange(
                _("%(name)s can be booked for %(min)d to %(max)d minutes.",
                  name=resource.name, min=resource.min_duration_minutes,
                  max=resource.max_duration_minutes),
                field="end",
            )
        if item.blocked_until - item.blocked_from > LONGEST_BLOCK:
            raise DurationOutOfRange(
                _("A booking can last at most %(days)d days.", days=LONGEST_BLOCK.days),
                field="end",
            )
        if item.starts_at < now:
            raise InThePast(
                _("%(date)s is in the past.", date=_moment(item.local_start)), field="start"
            )
        if item.starts_at - now < timedelta(hours=resource.min_notice_hours):
            raise TooShortNotice(
                _("%(name)s must be requested at least %(hours)d hours ahead.",
                  name=resource.name, hours=resource.min_notice_hours),
                field="start",
            )
        if item.starts_at - now > timedelta(days=resource.max_advance_days):
            raise TooFarAhead(
                _("%(name)s can be booked at most %(days)d days ahead (%(date)s is further).",
                  name=resource.name, days=resource.max_advance_days,
                  date=_day(item.local_start)),
                field="rrule" if item.original_date != planned[0].original_date else "start",
            )
        check_opening_hours(item)
        region = resource.quarter.holiday_region or settings.holiday_region
        holiday_name = public_holidays(region, item.local_start.year, holiday_language()).get(
            item.local_start.date())
        if holiday_name:
            raise OnPublicHoliday(
                _("%(date)s is a public holiday (%(holiday)s).",
                  date=_day(item.local_start), holiday=holiday_name),
                field="start",
            )



def keeps_times(item: PlannedOccurrence, *, now: datetime, settings: Settings) -> bool:
    """Whether one date passes check_times: for suggestions (a free slot, a room instead),
    where a refusal means only "not this one"."""
    try:
        check_times([item], now=now, settings=settings)
    except InvalidInput:
        return False
    return True

# The languages the holidays package names German holidays in, by our interface language.
HOLIDAY_LANGUAGES = {"de": "de", "en": "en_US", "uk": "uk"}


def holiday_language() -> str:
    """The language of holiday names in messages: the reader's where the holidays package
    has it; otherwise (ar, fa, tr) the official German name, the one on every local
    calendar and notice, rather than an English one the reader did not choose."""
    locale = get_locale()
    return HOLIDAY_LANGUAGES.get(locale.language if locale else "de", "de")


@functools.lru_cache(maxsize=64)
def public_holidays(region: str, year: int, language: str = "de") -> dict[date, str]:
    """The public holidays of a German state in a year, named in `language`. Fixed by law,
    so safe to keep per process; building them costs milliseconds that a request should not
    pay each time."""
    return dict(holidays.country_holidays("DE", subdiv=region, years=year,
                                          language=language))


def check_opening_hours(item: PlannedOccurrence) -> None:
    """The date lies inside one opening span of its facility's weekday."""
    facility = item.resource.facility
    if facility is None or not facility.opening_hours:
        return  # a mobile resource, or a facility whose hours were never recorded
    day = item.local_start.date()
    start, end = item.local_start.time(), item.local_end.time()
    if item.local_end.date() == day:
        for span in facility.hours_on(day.weekday()):
            if span.opens_at <= start and end <= span.closes_at:
                return
    raise OutsideOpeningHours(
        _("%(facility)s is not open the whole time on %(date)s (%(start)s–%(end)s).",
          facility=facility.name, date=_day(item.local_start),
          start=start.strftime("%H:%M"), end=end.strftime("%H:%M")),
        field="start",
    )


def check_closures(session, planned: list[PlannedOccurrence]) -> None:
    """No date may fall into a closure of its facility or its resource: one query for all."""
    for item, closure in closed(session, planned):
        raise InClosure(
            _("%(name)s is closed on %(date)s%(reason)s.",
              name=item.resource.name, date=_day(item.local_start),
              reason=f" ({closure.reason})" if closure.reason else ""),
            field="start",
        )


def closed(session, planned: list[PlannedOccurrence]) -> list[tuple[PlannedOccurrence, Closure]]:
    """The planned occurrences that fall into a closure of their facility or resource, each
    with (the first) such closure: one query for all."""
    if not planned:
        return []
    resource_ids = {item.resource.id for item in planned}
    facility_ids = {item.resource.facility_id for item in planned} - {None}
    first = min(item.starts_at for item in planned)
    last = max(item.ends_at for item in planned)
    closures = session.scalars(
        select(Closure).where(
            or_(Closure.resource_id.in_(resource_ids), Closure.facility_id.in_(facility_ids)),
            Closure.starts_at < last,
            Closure.ends_at > first,
        )
    ).all()
    found = []
    for item in planned:
        for closure in closures:
            applies = closure.resource_id == item.resource.id or (
                closure.facility_id is not None
                and closure.facility_id == item.resource.facility_id
            )
            if applies and closure.starts_at < item.ends_at and closure.ends_at > item.starts_at:
                found.append((item, closure))
                break
    return found


def check_quota(session, planned: list[PlannedOccurrence], *, organisation_id: int | None,
                zone: ZoneInfo) -> None:
    """The optional monthly hour quota of an organisation on a resource, counting its pending
    and confirmed dates already stored (call after removing rows that are being replaced)."""
    if organisation_id is None:
        return
    wanted: dict[tuple[int, int, int], float] = defaultdict(float)
    limited = {}
    for item in planned:
        quota = item.resource.monthly_hours_per_organisation
        if quota is None:
            continue
        key = (item.resource.id, item.local_start.year, item.local_start.month)
        wanted[key] += (item.ends_at - item.starts_at).total_seconds() / 3600
        limited[item.resource.id] = item.resource
    for (resource_id, year, month), hours in wanted.items():
        month_start = to_instant(datetime(year, month, 1), zone).at  # noqa: DTZ001
        next_month = datetime(year + month // 12, month % 12 + 1, 1)  # noqa: DTZ001
        month_end = to_instant(next_month, zone).at
        rows = session.execute(
            select(Occurrence.starts_at, Occurrence.ends_at)
            .join(Booking, Booking.id == Occurrence.booking_id)
            .where(
                Booking.organisation_id == organisation_id,
                Occurrence.resource_id == resource_id,
                Occurrence.status.in_(ACTIVE_OCCURRENCE_STATUSES),
                Occurrence.starts_at >= month_start,
                Occurrence.starts_at < month_end,
            )
        ).all()
        used = sum((end - start).total_seconds() for start, end in rows) / 3600
        resource = limited[resource_id]
        if used + hours > resource.monthly_hours_per_organisation + 1e-9:
            raise OverQuota(
                _("Your organisation may book %(name)s for %(quota)d hours a month; "
                  "%(month)s would come to %(hours)s hours.",
                  name=resource.name, quota=resource.monthly_hours_per_organisation,
                  month=format_skeleton("yMMMM", date(year, month, 1),
                                        locale=formatting_locale()), hours=f"{used + hours:g}"),
                field="start",
            )


def _day(local: datetime) -> str:
    return day_text(local)


def _moment(local: datetime) -> str:
    return moment_text(local)
