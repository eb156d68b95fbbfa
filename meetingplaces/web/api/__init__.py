"""The JSON API at /api/v1: bearer-token auth, JSON errors, the OpenAPI document.

Areas add their routes to `bp` in their own module here and their paths to OPENAPI_PATHS.
"""

from flask import Blueprint, abort, g, jsonify, request
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from ...errors import DomainError
from ...extensions import csrf, db
from ...models import ApiToken, User
from ...models.people import token_digest
from ..after_response import touch_token_later

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

OPENAPI_PATHS: dict = {
    "/me": {
        "get": {
            "summary": "The caller: who the token belongs to and the organisations they act for",
            "responses": {
                "200": {"description": "The caller",
                        "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Me"}}}},
                "401": {"description": "No token, or a revoked one",
                        "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        }
    },
}
OPENAPI_SCHEMAS: dict = {
    "Me": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "email": {"type": "string", "format": "email"},
            "organisations": {"type": "array", "items": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "slug": {"type": "string"},
                               "name": {"type": "string"},
                               "role": {"type": "string", "enum": ["member", "admin"]}},
                "required": ["id", "slug", "name", "role"],
            }},
        },
        "required": ["id", "name", "email", "organisations"],
    },
    "Error": {
        "type": "object",
        "properties": {
            "error": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "array",
                                                                  "items": {"type": "string"}}},
        },
        "required": ["error"],
    }
}


def token_user(header: str | None) -> User | None:
    """The active user whose unrevoked token is in `Authorization: Bearer <token>`."""
    if not header or not header.startswith("Bearer "):
        return None
    digest = token_digest(header.removeprefix("Bearer ").strip())
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_digest == digest, ApiToken.revoked_at.is_(None))
    )
    if token is None or not token.user.active:
        return None
    touch_token_later(token)
    return token.user


@bp.before_request
def _authenticate():
    g.api_user = token_user(request.headers.get("Authorization"))


def api_user(required: bool = True) -> User | None:
    """The caller; 401 when a token is required and none (or a revoked one) was sent."""
    if required and g.api_user is None:
        abort(401)
    return g.api_user


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise_json(422, "The request body must be a JSON object.")
    return body


def raise_json(status: int, message: str, fields: dict | None = None):
    response = jsonify({"error": message, **({"fields": fields} if fields else {})})
    response.status_code = status
    abort(response)


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    return jsonify(error.as_json()), error.status


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    if error.response is not None:
        return error.response
    response = jsonify({"error": error.description or error.name})
    response.status_code = error.code or 500
    if error.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="meetingplaces"'
    return response


@bp.get("/me")
def me():
    user = api_user()
    return jsonify({
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "organisations": [
            {"id": m.organisation.id, "slug": m.organisation.slug, "name": m.organisation.name,
             "role": m.role}
            for m in user.memberships if m.organisation.is_active
        ],
    })


@bp.get("/openapi.json")
def openapi():
    return jsonify({
        "openapi": "3.1.0",
        "info": {"title": "meetingplaces API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": OPENAPI_SCHEMAS,
        },
        "security": [{"bearer": []}],
        "paths": OPENAPI_PATHS,
    })


from . import bookings, events, reports, rounds  # noqa: E402,F401  (routes register on bp)
