"""HTTP answers for calendars, shared by every view that serves one (public feeds, private
feeds, one event's file): validators that follow the body, 304, gzip. Not a blueprint."""

from datetime import UTC, datetime

from flask import Response, request
from werkzeug.http import http_date

from ..calendar import feeds

CACHE_CONTROL = "public, max-age=300"


def wants_gzip() -> bool:
    # The raw header first: most polls of a 304 send none, and parsing it costs.
    header = request.headers.get("Accept-Encoding")
    return bool(header) and "gzip" in header and request.accept_encodings["gzip"] > 0


def calendar_response(served: feeds.ServedFeed, *, cache_control: str,
                      headers: dict | None = None) -> Response:
    """A calendar with its validators: 304 when the client holds this very body, else the
    body, gzip'd when the client accepts it. Every feed and calendar file answers so."""
    gzipped = wants_gzip()
    # One body, two representations: the gzip'd one has its own tag (RFC 9110 8.8.3), and
    # either tag in If-None-Match means the client holds this body.
    etag = f'"{served.etag}-gzip"' if gzipped else f'"{served.etag}"'
    common = {"ETag": etag, "Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    if _unchanged(served):
        # Only the validator and the caching rule: a 304 carries no representation headers.
        return Response(status=304, headers=common)
    response = Response(served.gzipped() if gzipped else served.body,
                        content_type="text/calendar; charset=utf-8",
                        headers={**common, "Last-Modified": http_date(served.last_modified),
                                 **(headers or {})})
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    return response


def conditional_calendar(text: str, *, last_modified: datetime | None = None,
                         cache_control: str = CACHE_CONTROL, disposition: str = "") -> Response:
    """A calendar made for this request (one event, a private feed) with the same validators
    as the public feeds: the ETag follows the body, so a poll of an unchanged one is a 304."""
    served = feeds.ServedFeed(text.encode(), last_modified or datetime.now(UTC))
    headers = {"Content-Disposition": disposition} if disposition else {}
    return calendar_response(served, cache_control=cache_control, headers=headers)


def _unchanged(served: feeds.ServedFeed) -> bool:
    """If-None-Match decides when sent, else If-Modified-Since (RFC 9110 13.2.2).

    If-None-Match compares weakly, and our tags are hex digits in quotes: either tag of the
    body found in the header's list, with or without W/, is a match; no list parsing needed.
    """
    tags = request.headers.get("If-None-Match")
    if tags is not None:
        return tags.strip() == "*" or f'"{served.etag}"' in tags or \
            f'"{served.etag}-gzip"' in tags
    since = request.if_modified_since
    return since is not None and served.last_modified.replace(microsecond=0) <= since
