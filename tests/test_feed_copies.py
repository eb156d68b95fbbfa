"""A feed patched with only the changed events (calendar/feed_copies.py) is byte for byte the
feed built anew, whatever happened in between and however far behind a process's copy is."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from meetingplaces.calendar import feed_copies
from meetingplaces.events import (
    cancel_event,
    cancel_occurrence,
    delete_event,
    move_occurrence,
    update_event,
)
from meetingplaces.models.events import Event, FeedChange
from meetingplaces.places import save_quarter
from meetingplaces.web.feeds import COPIES

from .events_factories import (  # noqa: F401
    NOW,
    event,
    local,
    ostersbaum_fixture,
    ostersbaum_manager_fixture,
)

FEEDS = ("/quarters/ostersbaum/calendar.ics",
         "/quarters/ostersbaum/calendar.ics?lang=en&audience=children",
         "/quarters/ostersbaum/calendar.ics?category=sport",
         "/calendar.ics")


@pytest.fixture
def app_config():
    return {"FIXED_NOW": NOW}


def served(app, client, copies, url):
    """The feed as a process holding `copies` serves it."""
    app.extensions[COPIES] = copies
    response = client.get(url)
    assert response.status_code == 200
    return response.data, response.headers["ETag"]


def held(copies, feed_key):
    return next((copy for key, copy in copies.entries.items() if key[0] == feed_key), None)


def test_patched_feeds_equal_a_full_build_through_random_changes(app, client, session, manager,
                                                                 quarter):
    chance = random.Random(19)
    for n in range(8):
        event(session, manager, quarter, title=f"Treff {n}", starts_at=local(2027, 1, 10 + n, 18),
              ends_at=local(2027, 1, 10 + n, 20), rrule="FREQ=WEEKLY;COUNT=6" if n % 3 else "",
              target_groups=["children"] if n % 2 else ["everyone"])
    busy, lagging = feed_copies.Copies(), feed_copies.Copies()  # two processes
    now = NOW
    patched = 0

    def alive():
        return list(session.scalars(select(Event).where(Event.status != "cancelled")
                                    .order_by(Event.id)))

    for step in range(30):
        kind = ("title", "time", "groups", "new", "cancel", "delete", "date", "move", "rename",
                "day", "prune")[step % 11]
        target = chance.choice(alive())
        if kind == "title":
            update_event(session, target, actor=manager, now=now, title=f"Neu {step}")
        elif kind == "time":
            starts = local(2027, 1, 5, 10) + timedelta(days=chance.randrange(60))
            update_event(session, target, actor=manager, now=now, starts_at=starts,
                         ends_at=starts + timedelta(hours=1))
        elif kind == "groups":
            update_event(session, target, actor=manager, now=now, category="sport",
                         target_groups=[chance.choice(["children", "seniors"])])
        elif kind == "new":
            event(session, manager, quarter, now=now, title=f"Dazu {step}",
                  starts_at=local(2027, 2, 1, 9), ends_at=local(2027, 2, 1, 11))
        elif kind == "cancel":
            cancel_event(session, target, actor=manager, now=now, reason="Krank")
        elif kind == "delete":
            delete_event(session, target, actor=manager, now=now)
        elif kind in ("date", "move"):
            target = chance.choice([e for e in alive() if e.rrule and e.starts_at])
            day = target.starts_at.astimezone(local(2027, 1, 1).tzinfo) + timedelta(
                days=7 * chance.randrange(1, 4))
            if kind == "date":
                cancel_occurrence(session, target, day.date(), actor=manager, now=now,
                                  reason="Regen")
            else:
                move_occurrence(session, target, day.date(), actor=manager, now=now,
                                starts_at=day + timedelta(hours=1),
                                ends_at=day + timedelta(hours=2))
        elif kind == "rename":
            save_quarter(session, quarter, name=f"Ostersbaum {step}", slug="ostersbaum",
                         city="Wuppertal", description="", holiday_region=None, now=now)
        elif kind == "day":
            now += timedelta(days=8)  # the window moves: the first events drop out
            app.config["FIXED_NOW"] = now
        elif kind == "prune":
            update_event(session, target, actor=manager, now=now, title=f"Gekürzt {step}")
            session.execute(delete(FeedChange))  # the log no longer reaches the copies
        session.commit()
        before = held(busy, f"quarter:{quarter.id}|||de")
        for url in FEEDS:
            patched_body, patched_tag = served(app, client, busy, url)
            full_body, full_tag = served(app, client, feed_copies.Copies(), url)
            assert patched_body == full_body, (step, kind, url)
            assert patched_tag == full_tag, (step, kind, url)
            if step % 4 == 3:
                assert served(app, client, lagging, url) == (full_body, full_tag), (step, url)
        patched += before is not None and held(busy, f"quarter:{quarter.id}|||de") is before
    assert patched >= 10  # most steps were patches, not full builds
