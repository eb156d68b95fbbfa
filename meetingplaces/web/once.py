"""Creating requests that take effect once: the client names each creation with a key (the
API's Idempotency-Key header, a form's hidden one-time field); a repeat of the same key gets
the first answer and creates nothing.

The key is reserved in the request's own transaction, before the view runs, so it commits
with the creation or not at all: a refusal or a crash leaves the key free for a retry. The
answer is stored right after the view. PostgreSQL: a racing repeat waits on the unique key
until the first commits; SQLite: the write lock serialises them.
"""

import hashlib
import secrets
import time
from dataclasses import dataclass
from functools import wraps

from flask import Response, flash, make_response, redirect, request
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import delete, event, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import IdempotencyKey

WAIT_FOR_FIRST_SECONDS = 10.0
FORM_FIELD = "submission_key"


@dataclass
class Reservation:
    """Either this request's own new key (`record`), or the earlier request's (`earlier`)."""

    record: IdempotencyKey | None = None
    earlier: IdempotencyKey | None = None


def request_hash(body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(),
                 request.query_string, body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _find(scope: str, key: str) -> IdempotencyKey | None:
    return db.session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.scope == scope, IdempotencyKey.key == key))


def reserve(scope: str, key: str, digest: str) -> Reservation:
    """Reserve the key in the request's transaction, or find the earlier request's answer,
    waiting a moment while that request is still at work."""
    deadline = time.monotonic() + WAIT_FOR_FIRST_SECONDS
    while True:
        earlier = _find(scope, key)
        if earlier is None:
            record = IdempotencyKey(scope=scope, key=key, request_hash=digest)
            try:
                with db.session.begin_nested():
                    db.session.add(record)
            except IntegrityError:  # a racing repeat committed first: read its answer
                db.session.rollback()
                continue
            return Reservation(record=record)
        if earlier.status_code is not None or earlier.request_hash != digest \
                or time.monotonic() > deadline:
            return Reservation(earlier=earlier)
        db.session.rollback()  # let the first request finish; SQLite: free the write lock
        time.sleep(0.1)


COMMITS = "meetingplaces.commits"


@event.listens_for(Session, "after_commit")
def _count_commits(session) -> None:
    session.info[COMMITS] = session.info.get(COMMITS, 0) + 1


def settle(record: IdempotencyKey, response, committed: bool) -> None:
    """After the view: keep the answer of a view that committed its creation; free the key
    when it refused or created nothing (as a request's end would roll it back)."""
    key_id = record.id
    if response.status_code >= 400 or not committed:
        db.session.rollback()
        statement = delete(IdempotencyKey).where(IdempotencyKey.id == key_id,
                                                 IdempotencyKey.status_code.is_(None))
    else:
        statement = update(IdempotencyKey).where(IdempotencyKey.id == key_id).values(
            status_code=response.status_code,
            response_body=response.get_data(as_text=True) if not response.is_streamed else "",
            content_type=response.content_type or "",
            location=response.headers.get("Location", "")[:2000])
    for attempt in range(3):
        try:
            db.session.execute(statement)
            db.session.commit()
            return
        except DBAPIError:
            db.session.rollback()
            if attempt == 2:
                raise
            time.sleep(0.2)


def run_reserved(record: IdempotencyKey, view, *args, **kwargs):
    """Run the view with the key reserved; roll the reservation back with any exception."""
    commits = db.session().info.get(COMMITS, 0)
    try:
        response = make_response(view(*args, **kwargs))
    except BaseException:
        db.session.rollback()
        raise
    settle(record, response, committed=db.session().info.get(COMMITS, 0) > commits)
    return response


# --- forms ------------------------------------------------------------------------------------


def once_field() -> Markup:
    """The hidden field that makes one rendering of a form create at most one thing."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        FORM_FIELD, secrets.token_hex(16))


def submitted_once(view):
    """For the POST of a creating form: a second submission of the same rendering (a double
    click, a reload, a retry after a lost connection) leads to what the first one made."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.form.get(FORM_FIELD, "") if request.method == "POST" else ""
        if len(key) != 32 or not all(c in "0123456789abcdef" for c in key):
            return view(*args, **kwargs)
        reservation = reserve(f"form:{request.path}"[:200], key, request_hash(b""))
        if reservation.record is not None:
            return run_reserved(reservation.record, view, *args, **kwargs)
        earlier = reservation.earlier
        if earlier.location:
            flash(_("This form was sent twice; it was saved once."), "info")
            return redirect(earlier.location, code=303)
        if earlier.status_code is not None:  # a page, not a redirect: show it again
            return Response(earlier.response_body, status=earlier.status_code,
                            content_type=earlier.content_type or "text/html")
        flash(_("This form is still being saved. Please look in a moment."), "info")
        return redirect(request.script_root + request.path, code=303)  # below a path too

    return wrapper
