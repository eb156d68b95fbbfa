"""The JSON API at /api/v1: bearer-token auth, the input boundary, JSON errors for every status,
and the OpenAPI 3.1 document generated from the operations declared in contract.py.

Areas add their routes to `bp` in their own module here (bookings, events, rounds, places).
"""

import copy
import re

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter

from ...errors import DomainError
from ...extensions import csrf, db
from ...models import ApiToken, Organisation, User
from ...models import Membership as MembershipRow
from ...models.people import token_digest
from ..after_response import touch_token_later
from .contract import (
    DATE_PATTERN,
    ID_MAX,
    OPERATIONS,
    ErrorBody,
    Output,
    error_response,
    operation,
    refuse,
    spec,
)

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)


class IdConverter(BaseConverter):
    """Any digits: the boundary answers 404 for an id out of range, for every method alike
    (a converter refusing the value would turn some methods' answer into a 405)."""

    regex = r"\d+"
    part_isolating = True

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


@bp.record_once
def _register_converter(state):
    state.app.url_map.converters["api_id"] = IdConverter

# The API's own input boundary (the app-wide MAX_CONTENT_LENGTH is larger).
MAX_BODY_BYTES = 256 * 1024
MAX_JSON_DEPTH = 20
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def token_user(header: str | None) -> User | None:
    """The active user whose unrevoked token is in `Authorization: Bearer <token>`."""
    if not header or not header.startswith("Bearer "):
        return None
    digest = token_digest(header.removeprefix("Bearer ").strip())
    # Token, user, memberships and their organisations in one statement: every API call
    # starts here, and most ask what the caller may do for which organisation.
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_digest == digest, ApiToken.revoked_at.is_(None))
        .options(joinedload(ApiToken.user).joinedload(User.memberships)
                 .joinedload(MembershipRow.organisation).lazyload(Organisation.translations))
    )
    if token is None or not token.user.active:
        return None
    touch_token_later(token)
    return token.user


def is_api_request() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


def json_too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Nesting deeper than `limit`, counted before parsing (a parser would recurse)."""
    depth = 0
    for match in _BRACKETS.finditer(_STRINGS.sub(b"", raw)):
        depth += 1 if match.group() in (b"[", b"{") else -1
        if depth > limit:
            return True
    return False


@bp.before_request
def _boundary():
    """Who calls, and whether the body is a JSON document we are willing to read."""
    g.api_user = token_user(request.headers.get("Authorization"))
    op = OPERATIONS.get(request.endpoint or "")
    if any(not 1 <= value <= ID_MAX for name, value in (request.view_args or {}).items()
           if name.endswith("_id")):
        refuse(404, _("There is nothing here."))
    if op is not None and op.token and g.api_user is None:
        refuse(401, _("Send a valid API token (Authorization: Bearer …)."))
    if request.method not in BODY_METHODS:
        return
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        refuse(413, _("The request is too large."))
    request.max_content_length = MAX_BODY_BYTES
    raw = request.get_data(cache=True)
    if not raw.strip():
        return
    if not request.is_json:
        refuse(415, _("Send the body as JSON (Content-Type: application/json)."))
    if json_too_deep(raw):
        refuse(400, _("The JSON body is nested too deeply."))
    try:
        request.get_json()
    except HTTPException:
        refuse(400, _("The body is not valid JSON."))


def api_user(required: bool = True) -> User | None:
    """The caller (the boundary already refused a missing token where one is required)."""
    if required and g.api_user is None:
        refuse(401, _("Send a valid API token (Authorization: Bearer …)."))
    return g.api_user


HTTP_MESSAGES = {
    400: lambda: _("The request could not be read."),
    401: lambda: _("Send a valid API token (Authorization: Bearer …)."),
    403: lambda: _("You may not do this."),
    404: lambda: _("There is nothing here."),
    405: lambda: _("This method is not allowed here."),
    413: lambda: _("The request is too large."),
    415: lambda: _("Send the body as JSON (Content-Type: application/json)."),
    429: lambda: _("Too many requests. Please wait a moment."),
    500: lambda: _("Something went wrong on our side. Please try again later."),
}


def http_error_json(error: HTTPException):
    """Any HTTP status under /api/v1 as our JSON error (also unknown paths and methods)."""
    if error.response is not None and error.response.mimetype == "application/json":
        return error.response
    status = error.code or 500
    message = HTTP_MESSAGES.get(status, HTTP_MESSAGES[500 if status >= 500 else 400])()
    response = error_response(status, message)
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


# The domain names some fields as the web forms do; the API names them by its conventions.
API_FIELD_NAMES = {"start": "starts_at", "end": "ends_at", "quarter": "quarter_id",
                   "facility": "facility_id", "organisation": "organisation_id",
                   "booking": "booking_id", "original_date": "day"}


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    db.session.rollback()  # a refusal stores nothing, not even half
    field = API_FIELD_NAMES.get(error.field, error.field)
    fields = {field: [error.message]} if field else {}
    return error_response(error.status, error.message, fields, **error.details)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    db.session.rollback()
    return http_error_json(error)


# --- the caller and the document ----------------------------------------------------------------

class Membership(Output):
    organisation_id: int
    slug: str
    name: str
    role: str


class Me(Output):
    id: int
    name: str
    email: str
    language: str
    is_admin: bool
    is_spielmobil_staff: bool
    managed_quarter_ids: list[int]
    organisations: list[Membership]


@bp.get("/me")
@operation(roles="any account with a token", out=Me, tag="accounts")
def me():
    """The caller: who the token belongs to, the quarters they manage, their organisations."""
    user = api_user()
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "language": user.preferred_language,
        "is_admin": user.is_admin,
        "is_spielmobil_staff": user.is_spielmobil_staff,
        "managed_quarter_ids": [q.id for q in user.managed_quarters],
        "organisations": [
            {"organisation_id": m.organisation.id, "slug": m.organisation.slug,
             "name": m.organisation.name, "role": m.role}
            for m in user.memberships if m.organisation.is_active
        ],
    }


ERROR_DESCRIPTIONS = {
    400: "The body is not JSON, or nested too deeply",
    401: "No token, or a revoked one",
    403: "The caller's role does not allow it",
    404: "No such thing (also ids out of range)",
    409: "A conflict with the stored state",
    413: "The body is larger than 256 KiB",
    415: "A body that is not JSON",
    422: "Invalid input; `fields` names each field with its messages",
}
_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
# The creating operations (201) take an Idempotency-Key (web/api/idempotency.py): a repeat
# with the same key and body gets the first answer and creates nothing.
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "A key of your choice for this request (1-255 printable ASCII characters): "
                   "sent again with the same body, the first answer comes back and nothing "
                   "is created twice; with another body it is a 422.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
}
_PATH_PARAMETER_SCHEMAS = {"day": {"type": "string", "pattern": DATE_PATTERN}}


def _document() -> dict:
    """spectree's document with what it cannot know: roles, token rules, error statuses."""
    document = copy.deepcopy(spec.spec)
    document["info"]["description"] = spec.config.description
    for path, item in document["paths"].items():
        for method, op in item.items():
            declared = OPERATIONS[f"api.{op['operationId']}"]
            op["x-roles"] = declared.roles
            op["description"] = "\n\n".join(
                text for text in ((op.get("description") or "").strip(),
                                  f"Who may call it: {declared.roles}.") if text)
            op["security"] = [{"bearer": []}] if declared.token else [{}, {"bearer": []}]
            statuses = {400, 404, 413, 415, 422} if method in ("post", "patch", "put",
                                                               "delete") else {400, 404, 422}
            statuses |= {401, 403} | set(declared.errors)
            if "201" in op["responses"]:
                op.setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY))
                op["responses"]["201"]["headers"] = {"Idempotent-Replayed": {
                    "description": "true when this is the stored answer to an earlier "
                                   "request with the same Idempotency-Key",
                    "schema": {"type": "string", "enum": ["true"]}}}
            if declared.files:  # a download beside (or instead of) the JSON answer
                answer = op["responses"].setdefault("200", {"description": "OK"})
                answer.setdefault("content", {}).update({
                    media: {"schema": {"type": "string", "format": "binary"}}
                    for media in declared.files})
            if declared.writes:
                statuses.add(409)
            for status in sorted(statuses):
                op["responses"].setdefault(str(status), {
                    "description": ERROR_DESCRIPTIONS.get(status, "Error"),
                    "content": {"application/json": {"schema": _ERROR_REF}},
                })
            for parameter in op.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] in _PATH_PARAMETER_SCHEMAS:
                    parameter["schema"] = dict(_PATH_PARAMETER_SCHEMAS[parameter["name"]])
                if parameter["in"] == "path" and parameter["name"].endswith("_id"):
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
                if not parameter.get("description"):
                    parameter.pop("description", None)
                schema = parameter["schema"]
                if parameter["in"] == "query" and "anyOf" in schema:
                    # An optional query parameter is absent, never null.
                    kinds = [k for k in schema.pop("anyOf") if k.get("type") != "null"]
                    schema.pop("default", None)
                    schema.update(kinds[0] if len(kinds) == 1 else {"anyOf": kinds})
        document["paths"][path] = item
    return document


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of this API, generated from the operations in code."""
    document = current_app.extensions.get("meetingplaces.openapi")
    if document is None:
        document = current_app.extensions["meetingplaces.openapi"] = _document()
    return jsonify(document)


__all__ = ["ErrorBody", "api_user", "bp", "http_error_json", "is_api_request"]

from . import bookings, events, places, reports, rounds  # noqa: E402,F401  (routes on bp)
