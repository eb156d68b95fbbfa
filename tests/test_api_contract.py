"""The API contract: the generated OpenAPI 3.1 document, JSON for every status under /api/v1,
errors in the caller's language, lists with cursors, and the input boundary (hostile input
to every route answers 4xx in the caller's language and stores nothing)."""

import json
import re

import pytest
from openapi_spec_validator import validate
from sqlalchemy import func, select

from meetingplaces.models.audit import AuditEntry
from meetingplaces.models.bookings import Booking
from meetingplaces.models.events import Event
from meetingplaces.models.rounds import Round

from .api_factories import NOW, api_world_fixture  # noqa: F401
from .booking_factories import token_for

UKRAINIAN = re.compile("[А-Яа-яІіЇїЄєҐґ]")


@pytest.fixture
def app_config(compiled_translations):
    return {"FIXED_NOW": NOW, "BABEL_TRANSLATION_DIRECTORIES": compiled_translations}


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


# --- the document ---------------------------------------------------------------------------

def test_the_generated_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_operation_says_which_roles_may_call_it_and_how_it_fails(document):
    seen = 0
    for path, method, operation in operations(document):
        seen += 1
        assert path.startswith("/api/v1/")
        assert operation["x-roles"] and operation["x-roles"] in operation["description"]
        assert operation["security"], path
        assert {"400", "404", "422"} <= set(operation["responses"]), (method, path)
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]["$ref"]
                assert schema.endswith(("ErrorBody", "ConflictBody", "ClashBody")), schema
    assert seen >= 25


def test_the_creating_operations_take_an_idempotency_key(document):
    creating = {(method, path) for path, method, operation in operations(document)
                if "201" in operation["responses"]}
    assert creating == {("post", "/api/v1/bookings"), ("post", "/api/v1/events"),
                        ("post", "/api/v1/rounds")}
    for method, path in creating:
        names = [p["name"] for p in document["paths"][path][method]["parameters"]]
        assert "Idempotency-Key" in names, path


def test_anonymous_operations_are_the_public_lists_and_events(document):
    public = {(method, path) for path, method, operation in operations(document)
              if {} in operation["security"]}
    assert public == {("get", f"/api/v1/{name}") for name in (
        "quarters", "facilities", "organisations", "events")} | {
        ("get", "/api/v1/events/{event_id}")}


def test_the_booking_schema_declares_every_field_the_api_sends(client, document, api_world):
    booking_id = api_world.ids["booking_id"]
    body = client.get(f"/api/v1/bookings/{booking_id}", headers=api_world.headers["member"]).json
    declared = document["components"]["schemas"]["BookingOut"]
    assert set(body) == set(declared["properties"]) == set(declared["required"])
    assert declared["additionalProperties"] is False


# --- JSON for every status -----------------------------------------------------------------

def test_an_unknown_api_path_is_a_json_404_while_pages_stay_html(client):
    response = client.get("/api/v1/nothing/here")
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert response.json == {"error": "Hier gibt es nichts.", "fields": {}}
    assert client.get("/nothing/here").mimetype == "text/html"


def test_a_wrong_method_is_a_json_405_naming_the_allowed_ones(client):
    response = client.put("/api/v1/quarters")
    assert response.status_code == 405 and response.json["error"]
    assert "GET" in response.headers["Allow"]


def test_a_body_over_the_limit_is_a_json_413(client, api_world):
    response = client.post("/api/v1/bookings", headers=api_world.headers["member"],
                           data=b'{"title": "' + b"x" * 300_000 + b'"}',
                           content_type="application/json")
    assert response.status_code == 413 and response.json["error"]


def test_a_server_error_is_a_json_500(app, client):
    def fails():
        raise RuntimeError("boom")

    app.add_url_rule("/api/v1/test-fails", "test_fails", fails)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/api/v1/test-fails", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert response.json == {
        "error": "Something went wrong on our side. Please try again later.", "fields": {}}


def test_broken_or_deeply_nested_json_is_a_400(client, api_world):
    headers = api_world.headers["member"]
    for raw in ("{", "[" * 1000 + "]" * 1000, '{"a":' * 50 + "1" + "}" * 50):
        response = client.post("/api/v1/bookings", headers=headers, data=raw,
                               content_type="application/json")
        assert response.status_code == 400, raw[:20]
        assert response.json["error"]


def test_a_missing_token_is_401_before_the_body_is_read(client):
    response = client.post("/api/v1/bookings", json={"nonsense": True})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_cancelling_anything_without_a_body_is_the_same_422(client, api_world):
    ids = api_world.ids
    headers = api_world.headers["admin"]
    for url in (f"/api/v1/bookings/{ids['booking_id']}/cancel",
                f"/api/v1/events/{ids['event_id']}/cancel",
                f"/api/v1/events/{ids['event_id']}/occurrences/2027-03-25/cancel",
                f"/api/v1/rounds/{ids['round_id']}/dates/2027-04-06/cancel"):
        response = client.post(url, headers=headers)
        assert response.status_code == 422, url
        assert list(response.json["fields"]) == ["reason"], url
        assert response.json["error"] == "Bitte korrigieren Sie die markierten Felder.", url


# --- the caller's language -----------------------------------------------------------------

def test_errors_speak_the_accept_language(client, api_world):
    headers = {**api_world.headers["member"], "Accept-Language": "ar"}
    response = client.post("/api/v1/bookings", headers=headers, json={})
    assert response.status_code == 422
    assert response.json["fields"]["starts_at"] == ["هذا الحقل مطلوب."]


def test_errors_speak_the_callers_language_without_accept_language(client, session, make):
    user = make.user(preferred_language="uk")
    response = client.post("/api/v1/bookings", headers=token_for(session, user), json={})
    assert UKRAINIAN.search(response.json["error"])
    assert all(UKRAINIAN.search(messages[0]) for messages in response.json["fields"].values())


def test_domain_refusals_are_translated_too(client, api_world):
    headers = {**api_world.headers["member"], "Accept-Language": "en"}
    response = client.post("/api/v1/bookings", headers=headers, json={
        "resource_ids": [api_world.ids["resource_id"]], "starts_at": "2027-03-28T02:30",
        "ends_at": "2027-03-28T04:00", "title": "Kurs", "attendees": 3})
    assert response.status_code == 422
    assert response.json["fields"]["starts_at"] == [
        "02:30 does not exist on 28 Mar 2027: the clocks go forward that night. "
        "Choose another time."]


# --- lists ---------------------------------------------------------------------------------

def test_lists_are_paged_by_cursor_without_gaps_or_repeats(client, make, api_world):
    for index in range(4):
        make.organisation(api_world.quarter, name=f"Initiative {index}")
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/organisations?limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).json
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 5


def test_the_public_lists_need_no_token(client, api_world):
    quarters = client.get("/api/v1/quarters").json["items"]
    assert [q["id"] for q in quarters] == [api_world.quarter.id]
    assert quarters[0]["timezone"] == "Europe/Berlin"
    facilities = client.get(f"/api/v1/facilities?quarter_id={api_world.quarter.id}").json
    assert [f["quarter_id"] for f in facilities["items"]] == [api_world.quarter.id]
    assert client.get("/api/v1/facilities?quarter_id=0").status_code == 422


def test_bookings_are_listed_as_mine_or_as_my_quarters(client, make, session, api_world):
    mine = client.get("/api/v1/bookings", headers=api_world.headers["member"]).json
    assert len(mine["items"]) == 2 and mine["items"][0]["id"] > mine["items"][1]["id"]
    assert mine["items"][0]["purpose"] is not None and mine["items"][0]["history"] is None
    quarters = client.get("/api/v1/bookings?scope=quarters",
                          headers=api_world.headers["manager"]).json
    assert {b["id"] for b in quarters["items"]} >= {b["id"] for b in mine["items"]}
    refused = client.get("/api/v1/bookings?scope=quarters", headers=api_world.headers["member"])
    assert refused.status_code == 403 and "scope" in refused.json["fields"]
    stranger = token_for(session, make.manager(make.quarter()))
    other = client.get("/api/v1/bookings?scope=quarters", headers=stranger).json
    assert other["items"] == []
    first = client.get("/api/v1/bookings?limit=1", headers=api_world.headers["member"]).json
    assert first["next_cursor"] is not None and len(first["items"]) == 1


def test_rounds_are_listed_for_their_managers_only(client, api_world):
    managed = client.get("/api/v1/rounds", headers=api_world.headers["manager"]).json
    assert [r["id"] for r in managed["items"]] == [api_world.ids["round_id"]]
    assert managed["items"][0]["stops"][0]["start_time"] == "15:00"
    member = client.get("/api/v1/rounds", headers=api_world.headers["member"]).json
    assert member == {"items": [], "next_cursor": None}


# --- the input boundary: every route, every hostile input -----------------------------------

DEEP = "deep JSON"
HOSTILE = {
    "NUL byte": "Kurs\x00",
    "huge id": 2**40,
    "year 9999": "9999-12-31T10:00",
    "year 0001": "0001-01-01",
    "too long text": "x" * 20_000,
    "HTML and script": "<script>alert(1)</script>\r\n<img src=x onerror=alert(1)>",
    DEEP: None,
}


def _resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


SKIP = object()
YEARS = ("year 9999", "year 0001")


def _hostile_value(document, schema, kind):
    """The hostile input in the shape of the field, so that it reaches the field's check;
    SKIP where the field cannot carry it (a year where no date is expected)."""
    schema = _resolve(document, schema)
    if "anyOf" in schema:
        schema = _resolve(document, next(s for s in schema["anyOf"] if s.get("type") != "null"))
    kind_of_field = schema.get("type")
    value = HOSTILE[kind]
    if kind_of_field == "array":
        item = _hostile_value(document, schema.get("items", {}), kind)
        return SKIP if item is SKIP else [item]
    if kind in YEARS:
        pattern = schema.get("pattern", "")
        if kind_of_field != "string" or "\\d\\d-" not in pattern:
            return SKIP
        return value if "T" in pattern else value[:10]
    if kind_of_field == "integer":
        return value if isinstance(value, int) else SKIP
    if kind_of_field == "object":
        return {"de": {"title": value}} if isinstance(value, str) else SKIP
    if kind_of_field in ("boolean", "number"):
        return SKIP
    return value if isinstance(value, str) else SKIP


def hostile_request(document, path, operation, kind, ids):
    """(url, query, body, carried): `carried` says whether any input carries the hostile
    value (else the request would be a legitimate one and is not sent)."""
    carried = False
    url = path
    for name, value in ids.items():
        if "{" + name + "}" not in url:
            continue
        if kind == "huge id" and name.endswith("_id"):
            value, carried = HOSTILE[kind], True
        if kind in YEARS and name == "day":
            value, carried = HOSTILE[kind][:10], True
        url = url.replace("{" + name + "}", str(value))
    query = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and kind != DEEP:
            value = _hostile_value(document, parameter["schema"], kind)
            if value is not SKIP:
                query[parameter["name"]], carried = value, True
    body = None
    if "requestBody" in operation:
        schema = _resolve(document, operation["requestBody"]["content"]["application/json"][
            "schema"])
        if kind == DEEP:
            body, carried = '{"title": ' + "[" * 500 + "]" * 500 + "}", True
        else:
            fields = {name: _hostile_value(document, field, kind)
                      for name, field in schema["properties"].items()}
            fields = {name: value for name, value in fields.items() if value is not SKIP}
            carried = carried or bool(fields)
            body = json.dumps(fields)
    return url, query, body, carried


def _stored(session):
    session.expire_all()
    return [session.scalar(select(func.count()).select_from(model))
            for model in (Booking, Event, Round, AuditEntry)]


def test_hostile_input_to_every_route_is_a_4xx_in_the_callers_language(
        client, session, document, api_world):
    before = _stored(session)
    answered = 0
    for path, method, operation in operations(document):
        for kind in HOSTILE:
            url, query, body, carried = hostile_request(document, path, operation, kind,
                                                        api_world.ids)
            if not carried:
                continue
            for role in ("admin", "member", "anonymous"):
                headers = {**api_world.headers[role], "Accept-Language": "uk"}
                response = client.open(url, method=method.upper(), query_string=query,
                                       data=body, content_type="application/json",
                                       headers=headers)
                where = f"{method.upper()} {url} {kind} as {role}: {response.status_code}"
                assert 400 <= response.status_code < 500, where
                assert response.mimetype == "application/json", where
                assert UKRAINIAN.search(response.json["error"]), (where, response.json)
                answered += 1
    assert answered > 300
    assert _stored(session) == before


def test_a_stored_title_with_html_comes_back_as_text_not_markup(client, api_world):
    headers = api_world.headers["member"]
    response = client.post("/api/v1/bookings", headers=headers, json={
        "resource_ids": [api_world.ids["resource_id"]], "starts_at": "2027-03-19T10:00",
        "ends_at": "2027-03-19T11:00", "title": "<script>alert(1)</script>", "attendees": 3})
    assert response.status_code == 201, response.json
    assert response.mimetype == "application/json"
    assert response.json["title"] == "<script>alert(1)</script>"
