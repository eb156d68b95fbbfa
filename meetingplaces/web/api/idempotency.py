"""`Idempotency-Key` for the API's creating routes: a repeat with the same key and body gets
the first answer (with `Idempotent-Replayed: true`) and creates nothing; the same key with
another body is refused with 422. Keys are per user. See web/once.py."""

from functools import wraps

from flask import Response, request
from flask_babel import gettext as _

from ..once import request_hash, reserve, run_reserved
from . import api_user
from .contract import refuse

HEADER = "Idempotency-Key"
KEY_MAX = 255


def idempotent(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not 0 < len(key) <= KEY_MAX or not key.isascii() or not key.isprintable():
            refuse(422, _("The Idempotency-Key must be 1 to 255 printable ASCII "
                              "characters."), {HEADER: [_("Not a valid key.")]})
        user = api_user()
        reservation = reserve(f"api:{user.id}", key, request_hash(request.get_data()))
        if reservation.record is not None:
            return run_reserved(reservation.record, view, *args, **kwargs)
        earlier = reservation.earlier
        if earlier.request_hash != request_hash(request.get_data()):
            refuse(422, _("This Idempotency-Key was used for another request."),
                       {HEADER: [_("Use a new key for a new request.")]})
        if earlier.status_code is None:
            refuse(409, _("The first request with this Idempotency-Key is still at "
                              "work. Try again in a moment."))
        response = Response(earlier.response_body, status=earlier.status_code,
                            content_type=earlier.content_type or "application/json")
        if earlier.location:
            response.headers["Location"] = earlier.location
        response.headers["Idempotent-Replayed"] = "true"
        return response

    return wrapper
