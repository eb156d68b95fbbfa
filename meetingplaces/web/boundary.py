"""The request boundary of the HTML pages: what a request may carry before any view sees it.

- Requests naming a host other than BASE_URL's (and ALLOWED_HOSTS) are refused (400).
- A NUL byte or another control character in the path, a query or a form value is refused with
  a message (400); line breaks and tabs pass in form values, where the forms decide
  (forms.boundary: only multi-line fields keep them).
- A date in a query (`?start=9999-12-31`) must lie between MIN_YEAR and MAX_YEAR.
- `<int:...>` in a URL takes only what the databases store (up to 2^31 - 1); more is a 404.
The JSON API checks its own input and answers in JSON (web/api); it is left alone here.
"""

import re

from flask import current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from ..links import is_allowed_host
from .health import PATHS as HEALTH_PATHS

# Integer primary keys are 32-bit on PostgreSQL and in our SQLite tables by convention.
MAX_ID = 2**31 - 1
MIN_YEAR, MAX_YEAR = 1900, 2199
# C0 controls and DEL; C1 controls; lone surrogates cannot be stored or encoded.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
ISO_DATE = re.compile(r"^\s*([+-]?\d{4,})-\d{1,2}-\d{1,2}")


class RefusedInput(BadRequest):
    """A 400 whose description is a message for the person (in their language)."""


class BoundedIntConverter(IntegerConverter):
    """`<int:id>` without a max accepts only ids the database can hold; larger ones are 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=MAX_ID if max is None else max, signed=signed)


def install(app) -> None:
    """Before the blueprints: the converter is read when their rules are added."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(check_request)


def _is_api() -> bool:
    return request.path.startswith("/api/")


def check_request():
    # A load balancer probes each node's health under the node's own address.
    if request.path not in HEALTH_PATHS and not is_allowed_host(request.host, current_app.config):
        raise RefusedInput(_("This site is not served under this address."))
    if _is_api():
        return
    if CONTROL_OR_BREAK.search(request.path):
        raise RefusedInput(_("The address contains control characters."))
    for key, value in request.args.items(multi=True):
        if CONTROL_OR_BREAK.search(key) or CONTROL_OR_BREAK.search(value):
            raise RefusedInput(_("The address contains control characters."))
        _check_year(value)
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in request.form.items(multi=True):
            if "\x00" in key or "\x00" in value or CONTROL.search(key):
                raise RefusedInput(_("The form contains control characters, such as a NUL "
                                     "byte. Please remove them and send it again."))


def _check_year(value: str) -> None:
    match = ISO_DATE.match(value)
    if match and not MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:
        raise RefusedInput(_("Please enter a date between the years %(first)d and %(last)d.",
                             first=MIN_YEAR, last=MAX_YEAR))
