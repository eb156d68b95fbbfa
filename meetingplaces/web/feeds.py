"""iCalendar feeds of the city, a quarter and a facility: stable URLs, filters, HTTP caching."""

from datetime import datetime

from flask import Blueprint, Response, abort, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import force_locale
from sqlalchemy import select

from .. import links
from ..calendar import feed_copies, feeds
from ..events.vocabulary import CATEGORIES, TARGET_GROUPS, TEXT_LANGUAGES, label
from ..extensions import db, limiter
from ..models import Resource
from ..rounds import resource_scope
from .clock import now
from .ics_responses import CACHE_CONTROL, calendar_response

bp = Blueprint("feeds", __name__)

COPIES = "meetingplaces.feed_copies"


@limiter.request_filter
def _feeds_are_not_rate_limited() -> bool:
    """Calendar apps poll feeds all day, and a shelter's residents share one address; a
    repeated poll costs one indexed lookup (304), so a per-address limit would only hurt them."""
    return request.blueprint == bp.name


FEED_PLACES = ("quarters", "facilities", "resources")


def is_public_feed(path: str) -> bool:
    """Whether a path is one of this blueprint's feeds, known before Flask matches the
    request to a view (the session is opened first)."""
    parts = path.split("/")
    return path == "/calendar.ics" or (
        len(parts) == 4 and parts[1] in FEED_PLACES and parts[3] == "calendar.ics")


class SessionInterface(SecureCookieSessionInterface):
    """Public feeds are the same for everyone: their requests neither read nor set the session
    cookie, which a calendar app does not send anyway and which a 304 should not pay for."""

    def open_session(self, app, request):
        if is_public_feed(request.path):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if not is_public_feed(request.path):
            super().save_session(app, session, response)


def listens() -> bool:
    return current_app.config["FEED_VERSION_NOTIFICATIONS"]


def feed_for(scope: str, name: str) -> feeds.Feed:
    """The Feed a request asks for; unknown filter values are a 400, not a silently empty feed."""
    args = request.args if request.query_string else {}
    category, audience = args.get("category", ""), args.get("audience", "")
    language = args.get("lang", "de")
    if category and category not in CATEGORIES or audience and audience not in TARGET_GROUPS:
        abort(400)
    if language not in TEXT_LANGUAGES:
        language = "de"
    if category or audience:
        with force_locale(language):
            labels = [label(CATEGORIES, category) if category else "",
                      label(TARGET_GROUPS, audience) if audience else ""]
        name = " · ".join(part for part in (name, *labels) if part)
    return feeds.Feed(scope, name, category, audience, language)


def copies() -> feed_copies.Copies:
    """This app's copies of served feeds in this process, made on first use."""
    found = current_app.extensions.get(COPIES)
    return found if found is not None else current_app.extensions.setdefault(
        COPIES, feed_copies.Copies())


def serve(feed: feeds.Feed, version: feeds.Version, now: datetime) -> Response:
    """200 with the stored body, or 304 when the client's copy is still the same body."""
    # BASE_URL (or, without it, the request's host); not request.host_url, whose IRI decoding
    # is the dearest part of a 304.
    base_url = links.base_url()
    config = current_app.config
    served = feeds.serve(
        db.session, feed, version, now=now, base_url=base_url,
        copies=copies(),
        past_days=config["FEED_PAST_DAYS"], future_days=config["FEED_FUTURE_DAYS"],
        city_timezone=config["TIMEZONE"],
    )
    return calendar_response(served, cache_control=CACHE_CONTROL)


@bp.get("/calendar.ics")
def city():
    moment = now()
    version = feeds.current_version(db.engine, "city", moment, listen=listens())
    return serve(feed_for("city", current_app.config["CITY_NAME"]), version, moment)


def _place_feed(kind: str, slug: str) -> Response:
    moment = now()
    found = feeds.find_scope(db.engine, kind, slug, moment, listen=listens())
    if found is None:
        abort(404)
    scope, name, version = found
    return serve(feed_for(scope, name), version, moment)


@bp.get("/quarters/<slug>/calendar.ics")
def quarter(slug: str):
    return _place_feed("quarter", slug)


@bp.get("/facilities/<slug>/calendar.ics")
def facility(slug: str):
    return _place_feed("facility", slug)


@bp.get("/resources/<slug>/calendar.ics")
def van(slug: str):
    """The Spielmobil's public calendar: every stop and extra date of its rounds."""
    resource = db.session.scalar(select(Resource).where(
        Resource.slug == slug, Resource.kind == "mobile", Resource.active)) or abort(404)
    moment = now()
    scope = resource_scope(resource.id)
    version = feeds.current_version(db.engine, scope, moment, listen=listens())
    return serve(feed_for(scope, resource.name), version, moment)
