"""The API contract declared once: pydantic models validate every request and shape every
response, and spectree builds the OpenAPI 3.1 document from the same models and routes.

Conventions of every resource (README, "JSON API"):
- instants are `starts_at`/`ends_at`, ISO 8601 with the city's offset, beside `timezone`;
  input without an offset is the city's wall-clock time (the spring gap is refused);
- dates are `YYYY-MM-DD`, weekly times of day `HH:MM`; years 1900 to 2199;
- references are `<thing>_id` (integers from 1 to 2^31 - 1);
- lists are `{"items": [...], "next_cursor": ...}`, paged by `?limit=&cursor=`;
- errors are `{"error": ..., "fields": {field: [messages]}}` in the caller's language.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Annotated, Any

from flask import Response as FlaskResponse
from flask import abort, jsonify, request
from flask_babel import gettext as _
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError
from spectree import Response, SecurityScheme, SpecTree
from spectree.models import SecureType, SecuritySchemeData
from spectree.plugins.flask_plugin import FlaskPlugin

ID_MAX = 2**31 - 1
# Every id in a path; the API's boundary answers 404 for one out of range (never a 500).
ID_CONVERTER = "api_id"

# Text: no control characters; multi-line fields allow line breaks and tabs only.
SINGLE_LINE = r"^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$"
MULTI_LINE = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"

_YEAR = r"(19|2[01])\d\d"
DATE_PATTERN = rf"^{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
_CLOCK = r"([01]\d|2[0-3]):[0-5]\d"
TIME_PATTERN = rf"^{_CLOCK}$"
DATETIME_PATTERN = (rf"^{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T{_CLOCK}(:[0-5]\d)?"
                    r"(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?$")
CURSOR_PATTERN = r"^[0-9]{1,10}$"


def _matching(pattern: str, kind: str) -> Callable[[str], str]:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.match(value):
            raise PydanticCustomError(kind, kind)
        return value

    return check


def _to_date(value: str) -> date:
    _matching(DATE_PATTERN, "date_format")(value)
    try:
        return date.fromisoformat(value)
    except ValueError as error:  # 2027-02-30
        raise PydanticCustomError("date_format", "date_format") from error


def _to_time(value: str) -> time:
    return time.fromisoformat(_matching(TIME_PATTERN, "time_format")(value))


def _to_datetime(value: str) -> datetime:
    """A datetime, naive when the client sent the city's wall-clock time without an offset."""
    _matching(DATETIME_PATTERN, "datetime_format")(value)
    try:
        return datetime.fromisoformat(value)
    except ValueError as error:
        raise PydanticCustomError("datetime_format", "datetime_format") from error


Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Day = Annotated[str, AfterValidator(_to_date), Field(
    json_schema_extra={"pattern": DATE_PATTERN}, description="A date, YYYY-MM-DD")]
ClockTime = Annotated[str, AfterValidator(_to_time), Field(
    json_schema_extra={"pattern": TIME_PATTERN}, description="A local time of day, HH:MM")]
Moment = Annotated[str, AfterValidator(_to_datetime), Field(
    json_schema_extra={"pattern": DATETIME_PATTERN},
    description="ISO 8601 date and time; without an offset it is the city's wall-clock time")]
def _to_cursor(value: str) -> str:
    if not re.match(CURSOR_PATTERN, value) or int(value) > ID_MAX:
        raise PydanticCustomError("cursor", "cursor")
    return value


Cursor = Annotated[str, AfterValidator(_to_cursor), Field(
    json_schema_extra={"pattern": CURSOR_PATTERN},
    description="next_cursor of the previous page (opaque)")]


def Line(max_length: int, min_length: int = 0):  # noqa: N802  (a type factory)
    """One line of text: no line breaks or other control characters."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length,
                                pattern=SINGLE_LINE)]


def Paragraphs(max_length: int):  # noqa: N802
    """Multi-line text: line breaks and tabs, no other control characters."""
    return Annotated[str, Field(max_length=max_length, pattern=MULTI_LINE)]


class Input(BaseModel):
    """A request body or query: exact types (no "1" for 1), no unknown fields, no NaN."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


class Query(BaseModel):
    """Query parameters arrive as text; numbers are read from it."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Output(BaseModel):
    """A response: exactly the declared fields (a new field must be declared to be sent)."""

    model_config = ConfigDict(extra="forbid")


class PageQuery(Query):
    limit: int = Field(50, ge=1, le=200, description="At most this many items")
    cursor: Cursor | None = None


class ErrorBody(Output):
    """Every error: a message and the messages per field, in the caller's language."""

    model_config = ConfigDict(extra="allow")
    error: str
    fields: dict[str, list[str]] = Field(default_factory=dict)


def page(items: list, limit: int, cursor_of: Callable[[Any], Any]) -> dict:
    """The list envelope from up to limit + 1 fetched rows."""
    more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next_cursor": str(cursor_of(items[-1])) if more else None}


# --- errors -------------------------------------------------------------------------------------

def _messages() -> dict[str, Callable[[dict], str]]:
    """Pydantic's error types in words (gettext at request time: the caller's language)."""
    return {
        "missing": lambda c: _("This field is required."),
        "extra_forbidden": lambda c: _("This field is not known here."),
        "string_type": lambda c: _("This must be text."),
        "int_type": lambda c: _("Give a whole number."),
        "int_parsing": lambda c: _("Give a whole number."),
        "int_from_float": lambda c: _("Give a whole number."),
        "float_type": lambda c: _("Give a number."),
        "float_parsing": lambda c: _("Give a number."),
        "finite_number": lambda c: _("Give a number."),
        "bool_type": lambda c: _("Say true or false."),
        "bool_parsing": lambda c: _("Say true or false."),
        "list_type": lambda c: _("Give a list."),
        "dict_type": lambda c: _("Give an object."),
        "model_type": lambda c: _("Give an object."),
        "model_attributes_type": lambda c: _("Give an object."),
        "string_too_short": lambda c: _("This must not be empty."),
        "string_too_long": lambda c: _("At most %(count)d characters.",
                                       count=c.get("max_length", 0)),
        "string_pattern_mismatch": lambda c: _(
            "Line breaks and other control characters are not allowed here."),
        "greater_than_equal": lambda c: _("The smallest allowed value is %(limit)s.",
                                          limit=c.get("ge")),
        "less_than_equal": lambda c: _("The largest allowed value is %(limit)s.",
                                       limit=c.get("le")),
        "too_short": lambda c: _("Give at least %(count)d entries.", count=c.get("min_length", 1)),
        "too_long": lambda c: _("Give at most %(count)d entries.", count=c.get("max_length", 0)),
        "literal_error": lambda c: _("Choose one of: %(choices)s.",
                                     choices=c.get("expected", "")),
        "enum": lambda c: _("Choose one of: %(choices)s.", choices=c.get("expected", "")),
        "date_format": lambda c: _("Give a date as YYYY-MM-DD (years 1900 to 2199)."),
        "time_format": lambda c: _("Give a time as HH:MM."),
        "cursor": lambda c: _("This is not the cursor of a previous page."),
        "datetime_format": lambda c: _(
            "Give a date and time (ISO 8601), e.g. 2027-03-16T18:00 (years 1900 to 2199)."),
    }


def field_name(location: tuple) -> str:
    """('stops', 0, 'weekday') -> 'stops[0].weekday'."""
    name = ""
    for part in location:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "body"


def field_errors(errors: list[dict]) -> dict[str, list[str]]:
    messages = _messages()
    fields: dict[str, list[str]] = {}
    for error in errors:
        describe = messages.get(error["type"])
        message = describe(error.get("ctx") or {}) if describe else _("This value is not valid.")
        fields.setdefault(field_name(tuple(error["loc"])), []).append(message)
    return fields


def error_response(status: int, message: str, fields: dict | None = None, **details):
    response = jsonify({"error": message, "fields": fields or {}, **details})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="meetingplaces"'
    return response


def refuse(status: int, message: str, fields: dict | None = None):
    abort(error_response(status, message, fields))


def _validation_failed(req, resp, error, instance, model_adapter):
    """spectree's hook: a request that does not fit its model gets our error shape."""
    if error is not None:
        refuse(422, _("Please correct the marked fields."), field_errors(error.errors()))


# --- operations ---------------------------------------------------------------------------------

class _Plugin(FlaskPlugin):
    """spectree's Flask plugin, but an operation declared with `files` may answer with one of
    those files (a download) instead of its JSON model: that answer passes as it is."""

    def validate_response(self, resp, resp_model, skip_validation, force_resp_serialize):
        declared = OPERATIONS.get(request.endpoint)
        if declared is not None and isinstance(resp, FlaskResponse) \
                and resp.mimetype in declared.files:
            return resp, None
        return super().validate_response(resp, resp_model, skip_validation,
                                         force_resp_serialize)


spec = SpecTree(
    "flask",
    backend=_Plugin,
    mode="strict",
    title="meetingplaces API",
    version="1",
    openapi_version="3.1.0",
    description=(
        "Rooms, bookings, events and the Spielmobil of a city's quarters. Send an API token "
        "(account page) as `Authorization: Bearer <token>`. Every operation names the roles "
        "that may call it (`x-roles`); the domain decides case by case (a manager acts in "
        "their quarters, a member for their organisations)."),
    security_schemes=[SecurityScheme(name="bearer", data=SecuritySchemeData(
        type=SecureType.HTTP, scheme="bearer",
        description="An API token from the account page"))],
    security={"bearer": []},
    before=_validation_failed,
    validation_error_model=ErrorBody,
    annotations=False,
    page_templates={},
    # Plain model names: every model of the API has a name of its own.
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda parent, child: child,
)


@dataclass(frozen=True)
class Operation:
    roles: str
    token: bool
    writes: bool
    errors: tuple[int, ...]
    files: tuple[str, ...] = ()


OPERATIONS: dict[str, Operation] = {}


def operation(*, roles: str, token: bool = True, query=None, body=None, ok: int = 200,
              out=None, errors: dict[int, type] | None = None, tag: str,
              files: tuple[str, ...] = ()):
    """Declare an API operation: who may call it, what it reads and what it answers.
    The view reads the validated input from `request.context.query` / `.json`; `files` names
    the media types of an answer that is a download rather than JSON."""
    responses: dict[str, Any] = {f"HTTP_{ok}": out} if out else {}
    codes = [f"HTTP_{ok}"] if not out else []
    for status, model in (errors or {}).items():
        responses[f"HTTP_{status}"] = model

    def decorate(func):
        validated = spec.validate(
            query=query, json=body, resp=Response(*codes, **responses), tags=[tag],
            operation_id=func.__name__, force_resp_serialize=out is not None,
        )(func)
        OPERATIONS[f"api.{func.__name__}"] = Operation(
            roles=roles, token=token, writes=body is not None or ok == 204,
            errors=tuple(errors or ()), files=files)
        return validated

    return decorate


def path_date(value: str, field: str = "day") -> date:
    """A date in the path, by the same rule as every date in a body."""
    from ...errors import InvalidInput

    try:
        return _to_date(value)
    except PydanticCustomError as error:
        raise InvalidInput(_messages()["date_format"]({}), field=field) from error


def validated_body():
    return request.context.json


def validated_query():
    return request.context.query
