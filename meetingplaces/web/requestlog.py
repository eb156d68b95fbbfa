"""One log line per request and its id on the response (`X-Request-ID`).

Behind the city's proxy (PROXY_COUNT set) a sane `X-Request-ID` from nginx is taken over, so
nginx's access log and ours name the same request; otherwise each request gets a new id. The
line holds time, request id, method, path, status, duration and the user's id if one is known,
nothing else about the person: no query string, no path segment that looks like a token.
"""

import logging
import re
import time

from flask import Flask, current_app, g, request

from .. import logs

log = logging.getLogger("meetingplaces.requests")

HEADER = "X-Request-ID"
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
# A path segment this long and this random is a token or a digest, not a slug.
TOKEN_LIKE = re.compile(r"[A-Za-z0-9_-]{24,}(\.ics)?")
SECRET_ARGS = ("token", "secret", "key", "code")
STARTED = "meetingplaces.request_started"


def register(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(_forget)


def _start() -> None:
    incoming = request.headers.get(HEADER, "")
    trusted = current_app.config.get("PROXY_COUNT") and SANE_ID.fullmatch(incoming)
    logs.request_id.set(incoming if trusted else logs.new_request_id())
    g.setdefault(STARTED, time.perf_counter())


def _finish(response):
    rid = logs.request_id.get() or logs.new_request_id()
    response.headers[HEADER] = rid
    started = g.get(STARTED)
    duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
    status = response.status_code
    path = loggable_path()
    fields = {"request_id": rid, "method": request.method, "path": path, "status": status,
              "duration_ms": duration_ms, "user_id": _user_id()}
    log.log(logging.ERROR if status >= 500 else logging.INFO,
            "%s %s %s %sms", request.method, path, status, duration_ms, extra=fields)
    return response


def _forget(_error=None) -> None:
    logs.request_id.set(None)


def loggable_path() -> str:
    """request.path without secrets: token arguments of the matched route and anything that
    looks like a token are replaced by `…`; the query string is never part of it."""
    secrets = {str(value) for name, value in (request.view_args or {}).items()
               if any(word in name for word in SECRET_ARGS)}
    segments = [
        "…" if TOKEN_LIKE.fullmatch(segment) or any(s and s in segment for s in secrets)
        else segment
        for segment in request.path.split("/")
    ]
    return "/".join(segments)[:300]


def _user_id() -> int | None:
    """The id of a user this request already loaded (session or API token); never a query of
    its own, so a feed or a health check stays as cheap as it was."""
    for name in ("_login_user", "api_user"):
        user = g.get(name)
        if user is not None and getattr(user, "is_authenticated", False):
            return getattr(user, "id", None)
    return None
