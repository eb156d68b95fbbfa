"""JSON API: quarters, facilities, organisations and bookable resources (lists), and when a
resource is busy. Thin: read the validated query, select, answer."""

from datetime import datetime, timedelta
from typing import Annotated

from flask_babel import gettext as _
from pydantic import Field
from sqlalchemy import select

from ...booking.conflicts import busy_intervals
from ...errors import InvalidInput, NotFound
from ...extensions import db
from ...models import Facility, Organisation, Quarter, Resource
from ...models.people import OrganisationStatus
from ...place_texts import translations_of
from . import bp
from .contract import (
    ID_CONVERTER,
    Day,
    Id,
    Output,
    PageQuery,
    Query,
    operation,
    page,
    validated_query,
)
from .times import day_start, local, timezone_name

AVAILABILITY_MAX_DAYS = 62


def _after(statement, model, cursor: str | None, limit: int):
    """Keyset paging by id: the rows after the cursor, one more than asked for."""
    if cursor is not None:
        statement = statement.where(model.id > int(cursor))
    return list(db.session.scalars(statement.order_by(model.id).limit(limit + 1)))


# --- quarters -----------------------------------------------------------------------------------

# A place's texts in further languages, by language code (German is the text itself).
PlaceTexts = Annotated[dict[str, dict[str, str]], Field(
    description="The texts in further languages, by language code (German is the text "
                "itself); a reader falls back to German for what is missing")]

class QuarterOut(Output):
    id: int
    slug: str
    name: str
    city: str
    description: str
    timezone: str
    translations: PlaceTexts


class QuarterPage(Output):
    items: list[QuarterOut]
    next_cursor: str | None


@bp.get("/quarters")
@operation(roles="anyone, also without a token", token=False, query=PageQuery, out=QuarterPage,
           tag="places")
def quarters_list():
    """Active quarters."""
    query = validated_query()
    rows = _after(select(Quarter).where(Quarter.active.is_(True)), Quarter, query.cursor,
                  query.limit)
    return page([{"id": q.id, "slug": q.slug, "name": q.name, "city": q.city,
                  "description": q.description, "timezone": timezone_name(),
                  "translations": translations_of(q)} for q in rows],
                query.limit, lambda item: item["id"])


# --- facilities ---------------------------------------------------------------------------------

class FacilityQuery(PageQuery):
    quarter_id: Id | None = None


class FacilityOut(Output):
    id: int
    slug: str
    name: str
    quarter_id: int
    address: str
    latitude: float | None
    longitude: float | None
    description: str
    opening_notes: str
    accessibility: str
    website: str
    translations: PlaceTexts


class FacilityPage(Output):
    items: list[FacilityOut]
    next_cursor: str | None


@bp.get("/facilities")
@operation(roles="anyone, also without a token", token=False, query=FacilityQuery,
           out=FacilityPage, tag="places")
def facilities_list():
    """Active facilities, of one quarter with `quarter_id`."""
    query = validated_query()
    statement = select(Facility).where(Facility.active.is_(True))
    if query.quarter_id is not None:
        statement = statement.where(Facility.quarter_id == query.quarter_id)
    rows = _after(statement, Facility, query.cursor, query.limit)
    return page([{"id": f.id, "slug": f.slug, "name": f.name, "quarter_id": f.quarter_id,
                  "address": f.address, "latitude": f.latitude, "longitude": f.longitude,
                  "description": f.description, "opening_notes": f.opening_notes,
                  "accessibility": f.accessibility, "website": f.website,
                  "translations": translations_of(f)} for f in rows],
                query.limit, lambda item: item["id"])


# --- organisations ------------------------------------------------------------------------------

class OrganisationQuery(PageQuery):
    quarter_id: Id | None = None


class OrganisationOut(Output):
    id: int
    slug: str
    name: str
    kind: str
    quarter_id: int
    description: str
    languages: list[str]
    public_contact: str | None = Field(description="Only when the organisation shows it")
    translations: PlaceTexts


class OrganisationPage(Output):
    items: list[OrganisationOut]
    next_cursor: str | None


@bp.get("/organisations")
@operation(roles="anyone, also without a token", token=False, query=OrganisationQuery,
           out=OrganisationPage, tag="places")
def organisations_list():
    """Active organisations (initiatives, associations, churches), of one home quarter with
    `quarter_id`."""
    query = validated_query()
    statement = select(Organisation).where(Organisation.status == OrganisationStatus.ACTIVE)
    if query.quarter_id is not None:
        statement = statement.where(Organisation.quarter_id == query.quarter_id)
    rows = _after(statement, Organisation, query.cursor, query.limit)
    return page([{"id": o.id, "slug": o.slug, "name": o.name, "kind": o.kind,
                  "quarter_id": o.quarter_id, "description": o.description,
                  "languages": list(o.languages or []),
                  "public_contact": o.public_contact if o.show_contact_publicly else None,
                  "translations": translations_of(o)}
                 for o in rows],
                query.limit, lambda item: item["id"])


# --- resources ----------------------------------------------------------------------------------

class ResourceQuery(PageQuery):
    quarter_id: Id | None = None
    facility_id: Id | None = None


class ResourceOut(Output):
    id: int
    slug: str
    name: str
    kind: str = Field(description="room or mobile")
    facility_id: int | None
    quarter_id: int
    capacity: int
    approval_required: bool
    step_free: bool
    equipment: list[str]
    setup_minutes: int
    cleanup_minutes: int


class ResourcePage(Output):
    items: list[ResourceOut]
    next_cursor: str | None


@bp.get("/resources")
@operation(roles="any account with a token", query=ResourceQuery, out=ResourcePage,
           tag="bookings")
def resources_list():
    """Bookable resources: rooms and mobile resources such as the Spielmobil."""
    query = validated_query()
    statement = select(Resource).where(Resource.active.is_(True))
    if query.quarter_id is not None:
        statement = statement.where(Resource.quarter_id == query.quarter_id)
    if query.facility_id is not None:
        statement = statement.where(Resource.facility_id == query.facility_id)
    rows = _after(statement, Resource, query.cursor, query.limit)
    return page([{"id": r.id, "slug": r.slug, "name": r.name, "kind": r.kind,
                  "facility_id": r.facility_id, "quarter_id": r.quarter_id,
                  "capacity": r.capacity, "approval_required": r.approval_required,
                  "step_free": r.step_free, "equipment": list(r.equipment or []),
                  "setup_minutes": r.setup_minutes, "cleanup_minutes": r.cleanup_minutes}
                 for r in rows],
                query.limit, lambda item: item["id"])


class AvailabilityQuery(Query):
    start_date: Day
    end_date: Day = Field(description="The last day asked for (included)")


class BusyInterval(Output):
    starts_at: datetime
    ends_at: datetime
    blocked_starts_at: datetime = Field(description="With the resource's setup time")
    blocked_ends_at: datetime = Field(description="With the resource's cleanup time")
    status: str = Field(description="pending or confirmed")


class Availability(Output):
    resource_id: int
    starts_at: datetime
    ends_at: datetime
    timezone: str
    busy: list[BusyInterval]


@bp.get(f"/resources/<{ID_CONVERTER}:resource_id>/availability")
@operation(roles="any account with a token", query=AvailabilityQuery, out=Availability,
           tag="bookings")
def resource_availability(resource_id: int):
    """When a resource is taken (confirmed) or asked for (pending) between two days; never
    whose bookings they are."""
    query = validated_query()
    resource = db.session.get(Resource, resource_id)
    if resource is None or not resource.active:
        raise NotFound(_("There is no such resource."))
    if query.end_date < query.start_date:
        raise InvalidInput(_("The end must be after the start."), field="end_date")
    if query.end_date - query.start_date >= timedelta(days=AVAILABILITY_MAX_DAYS):
        raise InvalidInput(
            _("Ask for at most %(days)d days at a time.", days=AVAILABILITY_MAX_DAYS),
            field="end_date")
    starts_at = day_start(query.start_date)
    ends_at = day_start(query.end_date + timedelta(days=1))
    return {
        "resource_id": resource.id,
        "starts_at": local(starts_at),
        "ends_at": local(ends_at),
        "timezone": timezone_name(),
        "busy": [
            {"starts_at": local(o.starts_at), "ends_at": local(o.ends_at),
             "blocked_starts_at": local(o.blocked_from), "blocked_ends_at": local(o.blocked_until),
             "status": o.status}
            for o in busy_intervals(db.session, [resource.id], starts_at, ends_at)
        ],
    }

