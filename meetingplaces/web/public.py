"""Public pages: the city's quarters, a quarter's facilities, a facility's rooms."""

from flask import Blueprint, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Facility, Quarter, Resource

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
        select(Resource).where(
            Resource.quarter_id == quarter.id, Resource.kind == "mobile", Resource.active
        )
    ).all()
    return render_template(
        "public/quarter.html", quarter=quarter, facilities=facilities, mobile_resources=mobile
    )


@bp.get("/facilities/<slug>")
def facility(slug: str):
    facility = db.session.scalar(
        select(Facility)
        .where(Facility.slug == slug, Facility.active)
        .options(selectinload(Facility.opening_hours), selectinload(Facility.resources))
    ) or abort(404)
    rooms = [room for room in facility.resources if room.active]
    return render_template("public/facility.html", facility=facility, rooms=rooms)
