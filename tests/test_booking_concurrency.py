"""Twenty requests for one slot at the same moment leave exactly one confirmed booking, whether
they race in threads of one process or in separate processes."""

import multiprocessing
import threading

import pytest
from sqlalchemy import func, select

from meetingplaces import create_app
from meetingplaces.extensions import db
from meetingplaces.models.bookings import Occurrence

from .booking_factories import NOW, SETTINGS, city_fixture, local  # noqa: F401  (city is a fixture)

RACERS = 20


def request_slot(ids: dict, barrier) -> str:
    """One racer: in its own app context and session, request the contested slot."""
    from meetingplaces.booking import request_booking
    from meetingplaces.booking.errors import BookingConflict
    from meetingplaces.models import Organisation, Resource, User

    session = db.session
    try:
        user = session.get(User, ids["user"])
        organisation = session.get(Organisation, ids["organisation"])
        room = session.get(Resource, ids["room"])
        session.commit()
        barrier.wait(timeout=60)
        request_booking(session, actor=user, organisation=organisation, resources=[room],
                        local_start=local(2027, 3, 16, 18), local_end=local(2027, 3, 16, 20),
                        title="Wettlauf", attendees=5, now=NOW, settings=SETTINGS)
        session.commit()
        return "confirmed"
    except BookingConflict:
        return "conflict"
    finally:
        session.remove()


def _thread_racer(app, ids, barrier, results):
    with app.app_context():
        results.append(request_slot(ids, barrier))


def _process_racer(url, options, ids, barrier, results):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options,
                      "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        results.put(request_slot(ids, barrier))
        db.engine.dispose()


def _ids(city):
    return {"user": city.member.id, "organisation": city.organisation.id, "room": city.room.id}


def confirmed_count(session, room) -> int:
    session.rollback()  # end the read snapshot taken before the racers wrote
    return session.scalar(select(func.count()).select_from(Occurrence).where(
        Occurrence.resource_id == room.id, Occurrence.status == "confirmed"))


def test_twenty_threads_racing_for_one_slot_leave_one_booking(app, session, city):
    ids, barrier, results = _ids(city), threading.Barrier(RACERS), []
    threads = [threading.Thread(target=_thread_racer, args=(app, ids, barrier, results))
               for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results) == ["confirmed"] + ["conflict"] * (RACERS - 1)
    assert confirmed_count(session, city.room) == 1


@pytest.mark.slow
def test_twenty_processes_racing_for_one_slot_leave_one_booking(session, city, database):
    if database["kind"] != "postgresql":
        pytest.skip("separate server processes are a PostgreSQL deployment")
    spawn = multiprocessing.get_context("spawn")
    ids, barrier, results = _ids(city), spawn.Barrier(RACERS), spawn.Queue()
    processes = [
        spawn.Process(target=_process_racer,
                      args=(database["url"], database["options"], ids, barrier, results))
        for _ in range(RACERS)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert sorted(outcomes) == ["confirmed"] + ["conflict"] * (RACERS - 1)
    assert confirmed_count(session, city.room) == 1
