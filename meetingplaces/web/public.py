"""Public pages: the city's quarters, a quarter's places and organisations, a facility's rooms,
an organisation's public profile. Only active things in active quarters are shown."""

from flask import Blueprint, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Facility, Quarter, Resource, ResourceKind
from ..models.types import utcnow
from ..organisations import organisations_in, public_organisation, public_profile
from ..places import closures_of

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    quarters = db.session.scalars(
        select(Quarter).where(Quarter.active).order_by(Quarter.city, Quarter.name)
    ).all()
    return render_template("public/home.html", quarters=quarters)


@bp.get("/quarters/<slug>")
def quarter(slug: str):
    quarter = db.session.scalar(
        select(Quarter).where(Quarter.slug == slug, Quarter.active)
    ) or abort(404)
    facilities = db.session.scalars(
        select(Facility)
        .where(Facility.quarter_id == quarter.id, Facility.active)
        .options(selectinload(Facility.opening_hours))
        .order_by(Facility.name)
    ).all()
    mobile = db.session.scalars(
        select(Resource)
        .where(
            Resource.quarter_id == quarter.id,
            Resource.kind == ResourceKind.MOBILE,
            Resource.active,
        )
        .order_by(Resource.name)
    ).all()
    organisations = [
        public_profile(organisation)
        for organisation in organisations_in(db.session, [quarter], only_active=True)
    ]
    return render_template(
        "public/quarter.html",
        quarter=quarter,
        facilities=facilities,
        mobile_resources=mobile,
        organisations=organisations,
    )


@bp.get("/facilities/<slug>")
def facility(slug: str):
    facility = db.session.scalar(
        select(Facility)
        .join(Facility.quarter)
        .where(Facility.slug == slug, Facility.active, Quarter.active)
        .options(selectinload(Facility.opening_hours), selectinload(Facility.resources))
    ) or abort(404)
    rooms = [room for room in facility.resources if room.active]
    closures = closures_of(db.session, facility=facility, now=utcnow(), include_rooms=True)
    return render_template(
        "public/facility.html", facility=facility, rooms=rooms, closures=closures
    )


@bp.get("/organisations/<slug>")
def organisation(slug: str):
    profile = public_organisation(db.session, slug) or abort(404)
    return render_template("public/organisation.html", organisation=profile)
