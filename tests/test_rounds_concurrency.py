"""Requests for the Spielmobil that race for one time: at most one is confirmed, whether the
manager approves them in parallel or saves a round over them."""

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from meetingplaces.extensions import db
from meetingplaces.models.bookings import Occurrence

from . import rounds_factories
from .booking_factories import SETTINGS
from .rounds_factories import NOW
from .test_rounds_changes import request_van

spielmobil = rounds_factories.spielmobil
RACERS = 6
BERLIN = ZoneInfo("Europe/Berlin")


def approve_in_own_session(app, manager_id, booking_id, barrier, results):
    from meetingplaces.booking import approve_booking, booking_by_id
    from meetingplaces.errors import Conflict
    from meetingplaces.models import User

    with app.app_context():
        session = db.session
        try:
            manager = session.get(User, manager_id)
            booking = booking_by_id(session, booking_id)
            session.commit()
            barrier.wait(timeout=60)
            approve_booking(session, actor=manager, booking=booking, now=NOW, settings=SETTINGS)
            session.commit()
            results.append("confirmed")
        except Conflict:
            results.append("conflict")
        finally:
            session.remove()


def test_parallel_approvals_of_requests_for_one_time_confirm_at_most_one(app, session,
                                                                        spielmobil):
    day = date(2027, 4, 21)
    ids = [request_van(session, spielmobil, day).id for _ in range(RACERS)]
    barrier = threading.Barrier(RACERS)
    results: list[str] = []
    threads = [threading.Thread(target=approve_in_own_session,
                                args=(app, spielmobil.manager.id, booking_id, barrier, results))
               for booking_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results) == ["confirmed"] + ["conflict"] * (RACERS - 1)
    session.rollback()  # read what the racers committed, not an older snapshot
    confirmed = session.scalar(select(func.count()).select_from(Occurrence).where(
        Occurrence.resource_id == spielmobil.van.id, Occurrence.status == "confirmed",
        Occurrence.starts_at >= datetime(2027, 4, 21, tzinfo=BERLIN)))
    assert confirmed == 1
