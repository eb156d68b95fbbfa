"""The events JSON API: public occurrences, creating, editing, cancelling, single dates."""


from meetingplaces.models import ApiToken
from meetingplaces.models.people import token_digest

from .events_factories import event, ostersbaum_fixture, ostersbaum_manager_fixture  # noqa: F401


def token_for(session, user) -> dict:
    secret = ApiToken.new_secret()
    session.add(ApiToken(user=user, name="test", token_digest=token_digest(secret),
                         prefix=secret[:8]))
    session.commit()
    return {"Authorization": f"Bearer {secret}"}


WEEKLY = {"title": "Sprachcafé, offen; für alle", "category": "cafe",
          "starts_at": "2027-03-02T18:00:00", "ends_at": "2027-03-02T20:00:00",
          "rrule": "FREQ=WEEKLY;BYDAY=TU", "languages": ["de", "ar"]}


def weekly(quarter, **fields) -> dict:
    return {**WEEKLY, "quarter_id": quarter.id, **fields}


def test_public_listing_expands_repeating_events_in_local_time(client, session, manager,
                                                               quarter):
    client.post("/api/v1/events", json=weekly(quarter), headers=token_for(session, manager))
    response = client.get(f"/api/v1/events?quarter_id={quarter.id}&start_date=2027-03-20"
                          "&end_date=2027-04-10")
    assert response.status_code == 200
    starts = [o["starts_at"] for o in response.json["items"]]
    assert starts == ["2027-03-23T18:00:00+01:00", "2027-03-30T18:00:00+02:00",
                      "2027-04-06T18:00:00+02:00"]


def test_creating_needs_a_token(client, quarter):
    response = client.post("/api/v1/events", json=weekly(quarter))
    assert response.status_code == 401 and response.json["error"]


def test_manager_creates_and_edits_an_event(client, session, manager, quarter):
    headers = token_for(session, manager)
    created = client.post("/api/v1/events", json=weekly(quarter), headers=headers)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["status"] == "published" and body["sequence"] == 0
    edited = client.patch(f"/api/v1/events/{body['id']}", json={"title": "Neu"},
                          headers=headers)
    assert edited.status_code == 200
    assert edited.json["uid"] == body["uid"] and edited.json["sequence"] == 1
    assert client.get(f"/api/v1/events/{body['id']}").json["title"] == "Neu"


def test_bad_input_is_a_422_naming_the_field(client, session, manager, quarter):
    headers = token_for(session, manager)
    bad_end = weekly(quarter, ends_at="2027-03-02T17:00:00")
    response = client.post("/api/v1/events", json=bad_end, headers=headers)
    assert response.status_code == 422 and "ends_at" in response.json["fields"]
    bad_rule = weekly(quarter, rrule="FREQ=SECONDLY")
    response = client.post("/api/v1/events", json=bad_rule, headers=headers)
    assert response.status_code == 422 and "rrule" in response.json["fields"]
    response = client.post("/api/v1/events", json=weekly(quarter, starts_at="morgen"),
                           headers=headers)
    assert response.status_code == 422 and "starts_at" in response.json["fields"]
    response = client.post("/api/v1/events", json={**weekly(quarter), "quarter": "ostersbaum"},
                           headers=headers)
    assert response.status_code == 422 and "quarter" in response.json["fields"]


def test_another_quarters_manager_gets_403(client, session, make, manager, quarter):
    single = event(session, manager, quarter)
    headers = token_for(session, make.manager(make.quarter()))
    assert client.patch(f"/api/v1/events/{single.id}", json={"title": "x"},
                        headers=headers).status_code == 403
    assert client.delete(f"/api/v1/events/{single.id}", headers=headers).status_code == 403
    assert client.post(f"/api/v1/events/{single.id}/cancel", json={"reason": "Regen"},
                       headers=headers).status_code == 403
    response = client.post("/api/v1/events", json=weekly(quarter), headers=headers)
    assert response.status_code == 403


def test_members_proposal_is_not_listed_until_approved(client, session, make, quarter):
    organisation = make.organisation(quarter, slug="verein")
    headers = token_for(session, make.member(organisation))
    response = client.post("/api/v1/events",
                           json=weekly(quarter, organisation_id=organisation.id),
                           headers=headers)
    assert response.status_code == 201 and response.json["status"] == "proposed"
    listing = client.get(f"/api/v1/events?quarter_id={quarter.id}&start_date=2027-03-01"
                         "&end_date=2027-04-01")
    assert listing.json == {"items": [], "next_cursor": None}
    assert client.get(f"/api/v1/events/{response.json['id']}").status_code == 404
    assert client.get(f"/api/v1/events/{response.json['id']}",
                      headers=headers).status_code == 200


def test_single_dates_are_cancelled_and_moved(client, session, manager, quarter):
    headers = token_for(session, manager)
    created = client.post("/api/v1/events", json=weekly(quarter), headers=headers).json
    url = f"/api/v1/events/{created['id']}/occurrences"
    assert client.post(f"{url}/2027-03-30/cancel", json={"reason": "Regen"},
                       headers=headers).status_code == 200
    moved = client.post(f"{url}/2027-04-06/move", json={
        "starts_at": "2027-04-07T17:00:00+02:00", "ends_at": "2027-04-07T19:00:00+02:00"},
        headers=headers)
    assert moved.status_code == 200
    assert client.post(f"{url}/2027-04-07/cancel", json={"reason": "Regen"},
                       headers=headers).status_code == 404
    listing = client.get(f"/api/v1/events?quarter_id={quarter.id}&start_date=2027-03-28"
                         "&end_date=2027-04-10")
    occurrences = listing.json["items"]
    assert [(o["date"], o["cancelled"], o["moved"]) for o in occurrences] == [
        ("2027-03-30", True, False), ("2027-04-06", False, True)]
    assert occurrences[1]["starts_at"] == "2027-04-07T17:00:00+02:00"


def test_whole_event_cancelled_and_deleted(client, session, manager, quarter):
    headers = token_for(session, manager)
    created = client.post("/api/v1/events", json=weekly(quarter), headers=headers).json
    cancelled = client.post(f"/api/v1/events/{created['id']}/cancel", json={"reason": "Krank"},
                            headers=headers)
    assert cancelled.json["status"] == "cancelled"
    assert client.delete(f"/api/v1/events/{created['id']}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/events/{created['id']}").status_code == 404


def test_events_paths_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/events", "/events/{event_id}", "/events/{event_id}/cancel",
                 "/events/{event_id}/occurrences/{day}/cancel",
                 "/events/{event_id}/occurrences/{day}/move"):
        assert "/api/v1" + path in paths


def test_listing_gives_titles_in_the_asked_language_with_german_fallback(client, session,
                                                                         manager, quarter):
    body = weekly(quarter, translations={"ar": {"title": "مقهى اللغة", "description": ""}})
    client.post("/api/v1/events", json=body, headers=token_for(session, manager))
    url = f"/api/v1/events?quarter_id={quarter.id}&start_date=2027-03-01&end_date=2027-03-03"
    arabic = client.get(url, headers={"Accept-Language": "ar"}).json
    assert arabic["items"][0]["title"] == "مقهى اللغة"
    turkish = client.get(url, headers={"Accept-Language": "tr"}).json
    assert turkish["items"][0]["title"] == WEEKLY["title"]


def test_cancelling_an_event_or_one_date_without_a_reason_is_a_422(
        client, session, manager, quarter):
    headers = token_for(session, manager)
    created = client.post("/api/v1/events", json=weekly(quarter), headers=headers).json
    for url in (f"/api/v1/events/{created['id']}/cancel",
                f"/api/v1/events/{created['id']}/occurrences/2027-03-09/cancel"):
        response = client.post(url, headers=headers)
        assert response.status_code == 422, url
        assert list(response.json["fields"]) == ["reason"]
    assert client.get(f"/api/v1/events/{created['id']}").json["status"] == "published"


def test_the_event_shows_its_times_with_the_local_offset_and_zone(client, session, manager,
                                                                  quarter):
    headers = token_for(session, manager)
    body = client.post("/api/v1/events", json=weekly(quarter), headers=headers).json
    assert (body["starts_at"], body["timezone"]) == ("2027-03-02T18:00:00+01:00",
                                                     "Europe/Berlin")
    assert body["quarter_id"] == quarter.id


def test_a_time_in_the_spring_gap_is_refused_like_a_bookings(client, session, manager,
                                                             quarter):
    headers = token_for(session, manager)
    response = client.post("/api/v1/events", headers=headers, json=weekly(
        quarter, starts_at="2027-03-28T02:30", ends_at="2027-03-28T04:00", rrule=""))
    assert response.status_code == 422
    assert "starts_at" in response.json["fields"]
    assert "02:30" in response.json["error"]
