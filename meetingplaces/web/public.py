"""Public pages: the city's quarters, a quarter's places and organisations, a facility's rooms,
an organisation's public profile. Only active things in active quarters are shown."""

from flask import Blueprint, abort, current_app, render_template, send_from_directory, url_for

from ..events.text import localised
from ..extensions import db
from ..models import OrganisationStatus
from ..models.types import utcnow
from ..organisations import organisations_in, public_organisation, public_profile
from ..places import (
    closures_of,
    facilities_of,
    mobile_resources_of,
    public_facility,
    public_quarter,
    public_quarters,
)
from .clock import now
from .subscribe import next_dates, subscribe_links, visitor_language

bp = Blueprint("public", __name__)


FAVICON_MAX_AGE = 365 * 24 * 3600


@bp.get("/favicon.ico")
def favicon():
    """Browsers and feed readers ask for /favicon.ico whatever the page links; it changes
    next to never, so it may be kept for a year."""
    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=FAVICON_MAX_AGE)


@bp.get("/")
def home():
    return render_template("public/home.html", quarters=public_quarters(db.session))


def _programme(endpoint: str, calendar_endpoint: str, slug: str, **scope) -> dict:
    """A place's next dates and its feed, for the subscribe box on its own page."""
    language = visitor_language()
    return {
        "upcoming": next_dates(db.session, now(), **scope),
        "subscribe": subscribe_links(endpoint, slug=slug),
        "calendar_url": url_for(calendar_endpoint, slug=slug),
        "title_of": lambda event: localised(event, language)[0],
    }


@bp.get("/quarters/<slug>")
def quarter(slug: str):
    quarter = public_quarter(db.session, slug) or abort(404)
    organisations = organisations_in(db.session, [quarter], status=OrganisationStatus.ACTIVE)
    return render_template(
        "public/quarter.html",
        **_programme("feeds.quarter", "calendar.quarter", slug, quarter_id=quarter.id),
        quarter=quarter,
        facilities=facilities_of(db.session, quarter, only_active=True),
        mobile_resources=mobile_resources_of(db.session, quarter, only_active=True),
        organisations=[public_profile(organisation) for organisation in organisations],
    )


@bp.get("/facilities/<slug>")
def facility(slug: str):
    facility = public_facility(db.session, slug) or abort(404)
    return render_template(
        "public/facility.html",
        **_programme("feeds.facility", "calendar.facility", slug, facility_id=facility.id),
        facility=facility,
        rooms=[room for room in facility.resources if room.active],
        closures=closures_of(db.session, facility=facility, now=utcnow(), include_rooms=True),
    )


@bp.get("/organisations/<slug>")
def organisation(slug: str):
    profile = public_organisation(db.session, slug) or abort(404)
    return render_template("public/organisation.html", organisation=profile)
