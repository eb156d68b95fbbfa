"""iCalendar feeds of the city, a quarter and a facility: stable URLs, filters, HTTP caching."""

from datetime import datetime

from flask import Blueprint, Response, abort, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import force_locale
from werkzeug.http import http_date

from .. import links
from ..calendar import feeds
from ..events.vocabulary import CATEGORIES, TARGET_GROUPS, TEXT_LANGUAGES, label
from ..extensions import db, limiter
from .clock import now

bp = Blueprint("feeds", __name__)

CACHE_CONTROL = "public, max-age=300"
MEMO = "meetingplaces.feed_memo"


@limiter.request_filter
def _feeds_are_not_rate_limited() -> bool:
    """Calendar apps poll feeds all day, and a shelter's residents share one address; a
    repeated poll costs one indexed lookup (304), so a per-address limit would only hurt them."""
    return request.blueprint == bp.name


FEED_PLACES = ("quarters", "facilities")


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


def serve(feed: feeds.Feed, version: feeds.Version, now: datetime) -> Response:
    """200 with the stored body, or 304 when the client's copy is still the current version."""
    # BASE_URL (or, without it, the request's host); not request.host_url, whose IRI decoding
    # is the dearest part of a 304.
    base_url = links.base_url()
    etag = f'"{version.etag(feed, base_url)}"'
    if _unchanged(etag, version):
        # Only the validator and the caching rule: a 304 carries no representation headers.
        return Response(status=304, headers={"ETag": etag, "Cache-Control": CACHE_CONTROL})
    config = current_app.config
    served = feeds.serve(
        db.session, feed, version, now=now, base_url=base_url,
        memo=current_app.extensions.setdefault(MEMO, feeds.FeedMemo()),
        past_days=config["FEED_PAST_DAYS"], future_days=config["FEED_FUTURE_DAYS"],
        city_timezone=config["TIMEZONE"],
    )
    return Response(served.body, content_type="text/calendar; charset=utf-8", headers={
        "ETag": etag, "Last-Modified": http_date(version.last_modified),
        "Cache-Control": CACHE_CONTROL})


def _unchanged(etag: str, version: feeds.Version) -> bool:
    """If-None-Match decides when sent, else If-Modified-Since (RFC 9110 13.2.2).

    If-None-Match compares weakly, and our tags are hex digits in quotes: the quoted tag found
    in the header's list, with or without W/, is a match; no list parsing needed.
    """
    tags = request.headers.get("If-None-Match")
    if tags is not None:
        return tags.strip() == "*" or etag in tags
    since = request.if_modified_since
    return since is not None and version.last_modified.replace(microsecond=0) <= since


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
