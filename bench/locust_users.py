"""The users of bench/load.py, run by locust (headless): residents polling feeds and pages,
initiatives requesting bookings through the API, managers approving them and editing events.

Started by bench/load.py with BENCH_PLAN (a JSON file: tokens, slugs, ids) and BENCH_OUT
(where every request's outcome is written when locust stops). Each request is recorded with
its kind, status, time and latency, so that load.py can compute percentiles, count 5xx and
tell whether a 5xx came within a second of a database kill.
"""

import json
import os
import random
import time
import uuid
from datetime import date, timedelta

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["BENCH_PLAN"]).read())
RECORDS: list = []
CREATED: list = []  # (booking id, status) of every 201 the initiatives saw
APPROVED: list = []  # booking ids a manager's approve answered 200 for
REFUSALS: dict = {}  # the error messages of 4xx answers to booking requests, counted
PENDING: dict = {}  # quarter index -> bookings waiting for its manager


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None,
            exception=None, **_):
    status = getattr(response, "status_code", 0) if response is not None else 0
    RECORDS.append((name, status, time.time(), response_time, bool(exception)))


@events.quitting.add_listener
def _write(environment, **_):
    with open(os.environ["BENCH_OUT"], "w") as out:
        json.dump({"records": RECORDS, "created": CREATED, "approved": APPROVED,
                   "refusals": REFUSALS}, out)


class Resident(HttpUser):
    fixed_count = PLAN["residents"]
    wait_time = between(1, 3)

    @task(3)
    def quarter_feed(self):
        slug = random.choice(PLAN["quarters"])
        self.client.get(f"/quarters/{slug}/calendar.ics", name="feed")

    @task(2)
    def quarter_page(self):
        slug = random.choice(PLAN["quarters"])
        self.client.get(f"/quarters/{slug}/calendar", name="page")

    @task(1)
    def home(self):
        self.client.get("/", name="page")


class Initiative(HttpUser):
    fixed_count = PLAN["initiatives"]
    wait_time = between(1, 3)

    def on_start(self):
        self.member = PLAN["members"].pop()

    @task
    def request_booking(self):
        day = date.fromisoformat(PLAN["first_day"]) + timedelta(days=random.randrange(150))
        hour = random.choice((9, 11, 14, 16, 18))
        room = random.choice(PLAN["rooms"])
        body = {"resource_ids": [room],
                "organisation_id": self.member["organisation_id"],
                "starts_at": f"{day}T{hour:02d}:00", "ends_at": f"{day}T{hour + 1:02d}:30",
                "title": "Sprachkurs", "attendees": 8}
        headers = {"Authorization": f"Bearer {self.member['token']}",
                   "Idempotency-Key": uuid.uuid4().hex}
        # A client that lost its answer retries with the same key: it never books twice.
        for _attempt in range(3):
            with self.client.post("/api/v1/bookings", json=body, headers=headers,
                                  name="book", catch_response=True) as response:
                if response.status_code in (201, 409, 422):
                    response.success()
                if response.status_code == 201:
                    created = response.json()
                    CREATED.append((created["id"], created["status"]))
                    if created["status"] == "pending":
                        PENDING.setdefault(PLAN["room_quarters"][str(room)], []).append(
                            created["id"])
                    return
                if response.status_code in (409, 422):
                    message = f"{response.status_code} {response.json().get('error', '')}"
                    REFUSALS[message] = REFUSALS.get(message, 0) + 1
                    return
            time.sleep(0.5)


class Manager(HttpUser):
    fixed_count = PLAN["managers"]
    wait_time = between(1, 3)

    def on_start(self):
        self.quarter, token = PLAN["manager_tokens"].pop()
        self.headers = {"Authorization": f"Bearer {token}"}

    @task(2)
    def approve(self):
        waiting = PENDING.get(self.quarter)
        if not waiting:
            return
        booking_id = waiting.pop(0)
        with self.client.post(f"/api/v1/bookings/{booking_id}/approve", headers=self.headers,
                              name="approve", catch_response=True) as response:
            if response.status_code == 200:
                APPROVED.append(booking_id)
            if response.status_code in (200, 409):
                response.success()

    @task(1)
    def edit_event(self):
        event_id = random.choice(PLAN["events"][str(self.quarter)])
        self.client.patch(f"/api/v1/events/{event_id}", headers=self.headers, name="edit",
                          json={"title": f"Nachbarschaftscafé {random.randrange(1000)}"})
