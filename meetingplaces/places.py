"""Setting up the places of a city: quarters, facilities with opening hours, resources, closures.

No request in sight: the web layer passes the session, the acting user where it matters, the
values of a validated form, the city's zone and the current time. Rules that a form cannot know
(unique slugs, opening hours as text, local times that do not exist) raise InvalidInput naming
the field, so the form can be shown again with everything typed still in it.
"""

import re
from datetime import datetime, time
from itertools import pairwise
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from .addresses import check_email
from .calendar import feeds
from .errors import InvalidInput
from .events import booking_changes
from .models import Closure, Facility, OpeningHours, Quarter, Resource, ResourceKind, User
from .models.types import utcnow
from .place_texts import apply_translations
from .policy import require_choice
from .slugs import claim_slug, flush_claiming_slug
from .timeline import to_instant
from .vocabulary import EQUIPMENT

WEEKDAYS = range(7)  # 0 = Monday, as in OpeningHours.weekday and date.weekday()
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})$")


# --- quarters ----------------------------------------------------------------------------------


def city_of(*things) -> str | None:
    """The city a page is about: that of the first quarter, facility, resource or event given
    (an instance serving Wuppertal and Göttingen names Göttingen on Göttingen's pages)."""
    for thing in things:
        quarter = thing if isinstance(thing, Quarter) else getattr(thing, "quarter", None)
        if isinstance(quarter, Quarter) and quarter.city:
            return quarter.city
    return None


def quarters_managed_by(session, user: User) -> list[Quarter]:
    """Admins look after every quarter, managers after theirs (active or not)."""
    query = select(Quarter).options(selectinload(Quarter.facilities))
    if not user.is_admin:
        query = query.where(Quarter.id.in_([quarter.id for quarter in user.managed_quarters]))
    return list(session.scalars(query.order_by(Quarter.city, Quarter.name)))


def public_quarters(session) -> list[Quarter]:
    return list(
        session.scalars(select(Quarter).where(Quarter.active).order_by(Quarter.city, Quarter.name))
    )


def public_quarter(session, slug: str) -> Quarter | None:
    return session.scalar(select(Quarter).where(Quarter.slug == slug, Quarter.active))


def save_quarter(session, quarter: Quarter, *, name: str, slug: str | None, city: str,
                 description: str, holiday_region: str | None,
                 translations: dict | None = None, now: datetime | None = None) -> Quarter:
    """Create or update a quarter; `translations` = {language: {"description": ...}}."""
    renamed_from = quarter.name if quarter.id is not None else None
    quarter.slug = claim_slug(session, Quarter, slug, name, quarter.id)
    session.add(quarter)
    quarter.name = name.strip()
    quarter.city = city.strip()
    quarter.description = description.strip()
    quarter.holiday_region = holiday_region or None
    apply_translations(quarter, translations)
    flush_claiming_slug(session, quarter)
    if renamed_from is not None and renamed_from != quarter.name:
        feeds.place_changed(session, now or utcnow(), quarter=quarter)  # the calendar's name
    return quarter


def set_active(session, thing: Quarter | Facility | Resource, active: bool,
               now: datetime | None = None) -> None:
    """Deactivated places vanish from public pages and cannot be booked; nothing is deleted.

    Their feeds move on: a quarter's events leave the city feed, a facility's feed is gone."""
    thing.active = active
    session.flush()
    kind = {Quarter: "quarter", Facility: "facility", Resource: "resource"}[type(thing)]
    feeds.bump(session, {f"{kind}:{thing.id}"} | ({"city"} if kind == "quarter" else set()),
               now or utcnow())


# --- opening hours -----------------------------------------------------------------------------


def parse_day_hours(text: str) -> list[tuple[time, time]]:
    """'09:00-13:00, 14:00-21:00' -> [(09:00, 13:00), (14:00, 21:00)]; empty text = closed."""
    spans = []
    for part in re.split(r"[,;]", text or ""):
        part = part.strip()
        if not part:
            continue
        match = _SPAN.match(part)
        if not match:
            raise InvalidInput(
                _("“%(part)s” is not a time span. Write the hours of a day like "
                  "09:00-13:00, 14:00-21:00, or leave the field empty when closed.", part=part)
            )
        opens = _time_of_day(match[1], match[2])
        closes = _time_of_day(match[3], match[4])
        if closes <= opens:
            raise InvalidInput(
                _("%(span)s: the closing time must be after the opening time.", span=part)
            )
        spans.append((opens, closes))
    spans.sort()
    for (_opens, earlier_closes), (later_opens, _closes) in pairwise(spans):
        if later_opens < earlier_closes:
            raise InvalidInput(_("The time spans of a day must not overlap."))
    return spans


def _time_of_day(hours: str, minutes: str) -> time:
    if int(hours) > 23 or int(minutes) > 59:
        raise InvalidInput(
            _("%(time)s is not a time of day (00:00 to 23:59).", time=f"{hours}:{minutes}")
        )
    return time(int(hours), int(minutes))


def day_hours_text(facility: Facility, weekday: int) -> str:
    """The text a manager edits for one weekday, the inverse of parse_day_hours."""
    return ", ".join(
        f"{span.opens_at:%H:%M}-{span.closes_at:%H:%M}" for span in facility.hours_on(weekday)
    )


def parse_week_hours(texts: dict[int, str]) -> dict[int, list[tuple[time, time]]]:
    """Parse every weekday; an error names the field of its day ("hours_0" for Monday)."""
    week = {}
    for weekday in WEEKDAYS:
        try:
            week[weekday] = parse_day_hours(texts.get(weekday, ""))
        except InvalidInput as error:
            raise InvalidInput(error.message, field=f"hours_{weekday}") from error
    return week


# --- facilities --------------------------------------------------------------------------------


def save_facility(session, facility: Facility, *, quarter: Quarter, hours: dict[int, str],
                  name: str, slug: str | None, address: str, latitude: float | None,
                  longitude: float | None, description: str, accessibility: str,
                  contact_email: str, contact_phone: str, website: str,
                  opening_notes: str = "", translations: dict | None = None,
                  actor=None, now: datetime | None = None) -> Facility:
    """Create or update a facility with its week of opening hours given as text per weekday,
    and its texts in further languages ({language: {field: text}}).

    A new name, address, position or accessibility text reaches the feeds of its events at
    once."""
    if actor is not None:
        require_choice(actor, "manage", quarter, "quarter_id")
    if (contact_email or "").strip():
        contact_email = check_email(contact_email, field="contact_email")
    week = parse_week_hours(hours)
    shown_before = _shown_in_feeds(facility) if facility.id is not None else None
    if (latitude is None) != (longitude is None):
        raise InvalidInput(
            _("Please give both latitude and longitude, or neither."),
            field="longitude" if longitude is None else "latitude",
        )
    facility.slug = claim_slug(session, Facility, slug, name, facility.id)
    session.add(facility)
    facility.quarter = quarter
    facility.name = name.strip()
    facility.address = address.strip()
    facility.latitude = latitude
    facility.longitude = longitude
    facility.description = description.strip()
    facility.opening_notes = opening_notes.strip()
    facility.accessibility = accessibility.strip()
    apply_translations(facility, translations)
    facility.contact_email = contact_email.strip()
    facility.contact_phone = contact_phone.strip()
    facility.website = website.strip()
    facility.opening_hours = [
        OpeningHours(weekday=weekday, opens_at=opens, closes_at=closes)
        for weekday, spans in week.items()
        for opens, closes in spans
    ]
    # A room is administered by the managers of its facility's quarter.
    for resource in facility.resources:
        resource.quarter = quarter
    flush_claiming_slug(session, facility)
    if shown_before is not None and shown_before != _shown_in_feeds(facility):
        feeds.place_changed(session, now or utcnow(), facility=facility)
    return facility


def _shown_in_feeds(facility: Facility) -> tuple:
    """What the feeds of its events show of a facility: LOCATION, GEO and, in DESCRIPTION,
    the accessibility text in each language."""
    return (facility.name, facility.address, facility.latitude, facility.longitude,
            facility.accessibility,
            tuple((t.language, t.accessibility) for t in facility.translations
                  if t.accessibility))


# --- resources ---------------------------------------------------------------------------------


def save_resource(session, resource: Resource, *, facility: Facility | None = None,
                  quarter: Quarter | None = None, name: str, slug: str | None,
                  description: str, capacity: int, equipment: list[str], step_free: bool,
                  approval_required: bool, setup_minutes: int, cleanup_minutes: int,
                  min_duration_minutes: int, max_duration_minutes: int, max_advance_days: int,
                  min_notice_hours: int, monthly_hours_per_organisation: int | None,
                  translations: dict | None = None, actor=None,
                  now: datetime | None = None) -> Resource:
    """Create or update a room (of `facility`) or a mobile resource (at home in `quarter`).

    Events held in a room follow its new name or facility (page and feeds), logged as a
    change by `actor`."""
    if max_duration_minutes < min_duration_minutes:
        raise InvalidInput(
            _("The longest booking cannot be shorter than the shortest."),
            field="max_duration_minutes",
        )
    if actor is not None and resource.kind == ResourceKind.MOBILE:
        require_choice(actor, "manage", quarter, "quarter_id")
    elif actor is not None:
        require_choice(actor, "edit", facility, "facility_id")
    now = now or utcnow()
    changed = (resource.id is not None and not resource.is_mobile
               and (resource.name != name.strip() or resource.facility is not facility))
    held = booking_changes.held_in_room(session, resource, now) if changed else []
    resource.slug = claim_slug(session, Resource, slug, name, resource.id)
    session.add(resource)
    if resource.kind == ResourceKind.MOBILE:
        resource.facility = None
        resource.quarter = quarter
    else:
        resource.kind = ResourceKind.ROOM
        resource.facility = facility
        resource.quarter = facility.quarter
    resource.name = name.strip()
    resource.description = description.strip()
    apply_translations(resource, translations)
    resource.capacity = capacity
    resource.equipment = [tag for tag in EQUIPMENT if tag in set(equipment)]
    resource.step_free = step_free
    resource.approval_required = approval_required
    resource.setup_minutes = setup_minutes
    resource.cleanup_minutes = cleanup_minutes
    resource.min_duration_minutes = min_duration_minutes
    resource.max_duration_minutes = max_duration_minutes
    resource.max_advance_days = max_advance_days
    resource.min_notice_hours = min_notice_hours
    resource.monthly_hours_per_organisation = monthly_hours_per_organisation
    flush_claiming_slug(session, resource)
    booking_changes.follow_room(session, resource, held, actor=actor, now=now)
    return resource


def facilities_of(session, quarter: Quarter, *, only_active: bool) -> list[Facility]:
    """A quarter's facilities with their opening hours and resources, loaded in one go."""
    query = (
        select(Facility)
        .where(Facility.quarter_id == quarter.id)
        .options(selectinload(Facility.opening_hours), selectinload(Facility.resources))
        .order_by(Facility.name)
    )
    if only_active:
        query = query.where(Facility.active)
    return list(session.scalars(query))


def public_facility(session, slug: str) -> Facility | None:
    """An active facility in an active quarter."""
    return session.scalar(
        select(Facility)
        .join(Facility.quarter)
        .where(Facility.slug == slug, Facility.active, Quarter.active)
        .options(selectinload(Facility.opening_hours), selectinload(Facility.resources))
    )


def mobile_resources_of(session, quarter: Quarter, *, only_active: bool) -> list[Resource]:
    """Mobile resources at home in a quarter, such as the Spielmobil."""
    query = select(Resource).where(
        Resource.quarter_id == quarter.id, Resource.kind == ResourceKind.MOBILE
    )
    if only_active:
        query = query.where(Resource.active)
    return list(session.scalars(query.order_by(Resource.name)))


def facilities_in(session, quarters: list[Quarter]) -> list[Facility]:
    return list(
        session.scalars(
            select(Facility)
            .where(Facility.quarter_id.in_([quarter.id for quarter in quarters]))
            .options(selectinload(Facility.quarter))
            .order_by(Facility.name)
        )
    )


# --- closures ----------------------------------------------------------------------------------


def save_closure(session, closure: Closure, *, zone: ZoneInfo, local_start: datetime,
                 local_end: datetime, reason: str, facility: Facility | None = None,
                 resource: Resource | None = None) -> Closure:
    """Create or update a closure of a facility (all its rooms) or of one resource.

    Times come as the city's wall clock and are stored as UTC instants.
    """
    starts_at = to_instant(local_start.replace(fold=0), zone, field="local_start").at
    ends_at = to_instant(local_end.replace(fold=0), zone, field="local_end").at
    if ends_at <= starts_at:
        raise InvalidInput(_("The end must be after the start."), field="local_end")
    if closure.id is None:
        closure.facility = facility
        closure.resource = resource
    closure.starts_at = starts_at
    closure.ends_at = ends_at
    closure.reason = reason.strip()
    session.add(closure)
    session.flush()
    return closure


def delete_closure(session, closure: Closure) -> None:
    session.delete(closure)
    session.flush()


def closures_of(session, *, facility: Facility | None = None, resource: Resource | None = None,
                now: datetime | None = None, include_rooms: bool = False) -> list[Closure]:
    """Closures of a facility (optionally with those of its rooms) or of a resource, by start;
    with `now`, only those not yet over."""
    if facility is not None:
        condition = Closure.facility_id == facility.id
        if include_rooms:
            rooms = select(Resource.id).where(Resource.facility_id == facility.id, Resource.active)
            condition = or_(condition, Closure.resource_id.in_(rooms))
    else:
        condition = Closure.resource_id == resource.id
    query = select(Closure).where(condition).options(selectinload(Closure.resource))
    if now is not None:
        query = query.where(Closure.ends_at > now)
    return list(session.scalars(query.order_by(Closure.starts_at)))
