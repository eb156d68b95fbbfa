"""iCalendar feeds of the city, a quarter and a facility: stable URLs, filters, HTTP caching."""

from flask import Blueprint, Response, abort, current_app, request
from flask_babel import force_locale
from sqlalchemy import select

from ..calendar import feeds
from ..events.vocabulary import CATEGORIES, TARGET_GROUPS, TEXT_LANGUAGES, label
from ..extensions import db
from ..models import Facility, Quarter
from ..models.types import utcnow

bp = Blueprint("feeds", __name__)

MAX_AGE_SECONDS = 300
MEMO = "meetingplaces.feed_memo"


def feed_for(scope: str, name: str) -> feeds.Feed:
    """The Feed a request asks for; unknown filter values are a 400, not a silently empty feed."""
    category = request.args.get("category", "")
    audience = request.args.get("audience", "")
    language = request.args.get("lang", "de")
    if category and category not in CATEGORIES or audience and audience not in TARGET_GROUPS:
        abort(400)
    if language not in TEXT_LANGUAGES:
        language = "de"
    parts = [name]
    with force_locale(language):
        if category:
            parts.append(label(CATEGORIES, category))
        if audience:
            parts.append(label(TARGET_GROUPS, audience))
    return feeds.Feed(scope, " · ".join(parts), category, audience, language)


def serve(feed: feeds.Feed) -> Response:
    """200 with the stored body, or 304 when the client's copy is still the current version."""
    now = current_app.config.get("FIXED_NOW") or utcnow()
    version = feeds.current_version(db.session, feed, now)
    base_url = request.host_url
    etag = version.etag(feed, base_url)
    response = Response(mimetype="text/calendar")
    response.content_type = "text/calendar; charset=utf-8"
    response.set_etag(etag)
    response.last_modified = version.last_modified
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_SECONDS
    if request.if_none_match:
        unchanged = request.if_none_match.contains(etag)
    else:
        since = request.if_modified_since
        unchanged = since is not None and version.last_modified.replace(microsecond=0) <= since
    if unchanged:
        response.status_code = 304
        return response
    config = current_app.config
    served = feeds.serve(
        db.session, feed, version, now=now, base_url=base_url,
        memo=current_app.extensions.setdefault(MEMO, feeds.new_memo()),
        past_days=config["FEED_PAST_DAYS"], future_days=config["FEED_FUTURE_DAYS"],
        city_timezone=config["TIMEZONE"],
    )
    response.set_data(served.body)
    return response


@bp.get("/calendar.ics")
def city():
    return serve(feed_for("city", current_app.config["CITY_NAME"]))


@bp.get("/quarters/<slug>/calendar.ics")
def quarter(slug: str):
    quarter = db.session.scalar(
        select(Quarter).where(Quarter.slug == slug, Quarter.active)) or abort(404)
    return serve(feed_for(f"quarter:{quarter.id}", f"{quarter.name} ({quarter.city})"))


@bp.get("/facilities/<slug>/calendar.ics")
def facility(slug: str):
    facility = db.session.scalar(
        select(Facility).where(Facility.slug == slug, Facility.active)) or abort(404)
    return serve(feed_for(f"facility:{facility.id}", facility.name))
