"""The rounds API: create a season (201 or 409 with every clash), read it, cancel or move a date."""

import pytest

from . import rounds_factories
from .booking_factories import token_for
from .rounds_factories import NOW

spielmobil = rounds_factories.spielmobil


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


def season(city, **overrides):
    body = {
        "resource_id": city.van.id, "name": "Spielmobil 2027",
        "season_start": "2027-04-05", "season_end": "2027-05-28", "travel_minutes": 30,
        "stops": [
            {"weekday": 1, "start_time": "15:00", "end_time": "17:00",
             "place_name": "Wichlinghauser Markt", "address": "Markt 1",
             "quarter_id": city.wichlinghausen.id, "staff_needed": 2},
            {"weekday": 1, "start_time": "17:30", "end_time": "19:00",
             "place_name": "Heckinghauser Platz", "address": "Platz 1",
             "quarter_id": city.heckinghausen.id,
             "latitude": 51.261, "longitude": 7.204},
        ],
        "skip_periods": [{"start_date": "2027-04-12", "end_date": "2027-04-16",
                          "reason": "Osterferien"}],
    }
    body.update(overrides)
    return body


def test_creating_a_round_answers_201_with_its_dates(client, session, spielmobil):
    headers = token_for(session, spielmobil.manager)
    response = client.post("/api/v1/rounds", json=season(spielmobil), headers=headers)
    assert response.status_code == 201, response.json
    body = response.json
    days = {d["date"] for d in body["dates"]}
    assert "2027-04-06" in days and "2027-04-13" not in days
    assert len(body["dates"]) == 2 * 7
    assert {d["status"] for d in body["dates"]} == {"planned"}
    again = client.get(f"/api/v1/rounds/{body['id']}", headers=headers)
    assert again.status_code == 200 and again.json["dates"] == body["dates"]


def test_a_clashing_round_answers_409_listing_every_clash(client, session, spielmobil):
    headers = token_for(session, spielmobil.manager)
    stops = season(spielmobil)["stops"]
    stops[1] = {**stops[1], "start_time": "17:10"}
    stops.append({**stops[0], "weekday": 3, "place_name": "A"})
    stops.append({**stops[0], "weekday": 3, "start_time": "16:00", "end_time": "18:00",
                  "place_name": "B"})
    response = client.post("/api/v1/rounds", json=season(spielmobil, stops=stops),
                           headers=headers)
    assert response.status_code == 409
    assert sorted(c["kind"] for c in response.json["clashes"]) == ["overlap", "travel"]
    assert client.get("/api/v1/rounds/1", headers=headers).status_code == 404


def test_cancel_and_move_a_date_keep_the_stop_uid(client, session, spielmobil):
    headers = token_for(session, spielmobil.manager)
    created = client.post("/api/v1/rounds", json=season(spielmobil), headers=headers).json
    heck = next(s for s in created["stops"] if s["place_name"] == "Heckinghauser Platz")
    cancelled = client.post(f"/api/v1/rounds/{created['id']}/dates/2027-04-20/cancel",
                            json={"reason": "Regen", "stop_id": heck["id"]}, headers=headers)
    assert cancelled.status_code == 200
    assert [(d["status"], d["event_id"]) for d in cancelled.json["items"]] == [
        ("cancelled", heck["event_id"])]
    moved = client.post(f"/api/v1/rounds/{created['id']}/dates/2027-04-27/move",
                        json={"stop_id": heck["id"], "starts_at": "2027-04-28T16:00",
                              "ends_at": "2027-04-28T18:00"}, headers=headers)
    assert moved.status_code == 200, moved.json
    assert moved.json["status"] == "moved" and moved.json["event_id"] == heck["event_id"]
    assert moved.json["starts_at"] == "2027-04-28T16:00:00+02:00"
    ambiguous = client.post(f"/api/v1/rounds/{created['id']}/dates/2027-05-04/move",
                            json={"starts_at": "2027-05-05T16:00", "ends_at": "2027-05-05T18:00"},
                            headers=headers)
    assert ambiguous.status_code == 422
    no_reason = client.post(f"/api/v1/rounds/{created['id']}/dates/2027-05-04/cancel",
                            json={}, headers=headers)
    assert no_reason.status_code == 422 and "reason" in no_reason.json["fields"]


def test_a_cancelled_date_is_restored_while_the_van_is_free(client, session, spielmobil):
    headers = token_for(session, spielmobil.manager)
    created = client.post("/api/v1/rounds", json=season(spielmobil), headers=headers).json
    heck = next(s for s in created["stops"] if s["place_name"] == "Heckinghauser Platz")
    day = f"/api/v1/rounds/{created['id']}/dates/2027-04-20"
    client.post(f"{day}/cancel", json={"reason": "Regen", "stop_id": heck["id"]},
                headers=headers)
    member = token_for(session, spielmobil.member)
    assert client.post(f"{day}/restore", json={}, headers=member).status_code == 403
    restored = client.post(f"{day}/restore", json={"stop_id": heck["id"]}, headers=headers)
    assert restored.status_code == 200, restored.json
    assert [(d["status"], d["event_id"]) for d in restored.json["items"]] == [
        ("planned", heck["event_id"])]
    again = client.post(f"{day}/restore", json={"stop_id": heck["id"]}, headers=headers)
    assert again.status_code == 409


def test_others_cannot_plan_or_change_rounds(client, session, spielmobil):
    manager = token_for(session, spielmobil.manager)
    created = client.post("/api/v1/rounds", json=season(spielmobil), headers=manager).json
    member = token_for(session, spielmobil.member)
    assert client.post("/api/v1/rounds", json=season(spielmobil),
                       headers=member).status_code == 403
    assert client.get(f"/api/v1/rounds/{created['id']}", headers=member).status_code == 403
    assert client.post(f"/api/v1/rounds/{created['id']}/dates/2027-04-20/cancel",
                       json={"reason": "x"}, headers=member).status_code == 403
    assert client.post("/api/v1/rounds", json=season(spielmobil)).status_code == 401


def test_bad_input_names_the_field(client, session, spielmobil):
    headers = token_for(session, spielmobil.manager)
    response = client.post("/api/v1/rounds", json=season(spielmobil, season_end="gestern"),
                           headers=headers)
    assert response.status_code == 422 and "season_end" in response.json["fields"]
    response = client.post("/api/v1/rounds", json=season(spielmobil, stops=[{"weekday": 9}]),
                           headers=headers)
    assert response.status_code == 422
    assert {"stops[0].weekday", "stops[0].start_time"} <= set(response.json["fields"])


def test_the_rounds_paths_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/rounds", "/api/v1/rounds/{round_id}",
            "/api/v1/rounds/{round_id}/dates/{day}/cancel",
            "/api/v1/rounds/{round_id}/dates/{day}/move",
            "/api/v1/rounds/{round_id}/dates/{day}/restore"} <= set(paths)
