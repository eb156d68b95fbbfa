"""Who follows a booking beyond the booking engine: after a change, cancellation or rejection,
the booking functions tell each listener the app registered, in the same transaction.

Why a listener list and not a call after each of them: a booking changes through many doors
(its page, the guest link, the JSON API, the Spielmobil rounds, and whatever comes next), and
one forgotten call would leave an event's page and feed naming a room it no longer holds;
views also stay at "read, call one domain function, answer". Why not an import: the booking
engine must not know the events that use it (the events import the booking, never the
reverse). Why on the app and not in a module global or a process-wide signal: create_app()
registers the listeners like its blueprints, so every app and every worker has the same list
and nothing happens at import time.

A listener is a plain function `listener(session, booking, change)`; it must not commit.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

EXTENSION = "meetingplaces.booking_listeners"


@dataclass(frozen=True)
class BookingChange:
    """What one step did to a booking: `action` ("changed", "cancelled", "rejected"), who did
    it and when, the spans of the dates it touched as they were before, and the resources its
    pending and confirmed dates used before (all its resources when none was)."""

    action: str
    actor: object
    now: datetime
    spans: tuple[tuple[datetime, datetime], ...]
    resources_before: tuple


Listener = Callable[[object, object, BookingChange], None]


def listen(app, listener: Listener) -> None:
    """Register `listener` for every booking change made in this app."""
    listeners = app.extensions.setdefault(EXTENSION, [])
    if listener not in listeners:
        listeners.append(listener)


def tell(session, booking, change: BookingChange) -> None:
    for listener in current_app.extensions.get(EXTENSION, ()):
        listener(session, booking, change)
