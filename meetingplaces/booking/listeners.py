"""Who follows a booking beyond the booking engine: after each step (a request, a decision, a
change, a cancellation, an offer from the waiting list) the booking functions tell each
listener the app registered, in the same transaction.

The mails (booking.notifications), the waiting list (booking.waiting) and the events held in
a booked room (events.booking_changes) all listen here, so the engine imports none of them
and none of them imports the engine back: the steps stay "check, write, tell".

Why a listener list and not a call after each step: a booking changes through many doors
(its page, the guest link, the JSON API, the Spielmobil rounds, and whatever comes next), and
one forgotten call would leave a mail unsent or an event naming a room it no longer holds.
Why on the app and not in a module global or a process-wide signal: create_app() registers
the listeners like its blueprints, with the settings they need (zone, signing key, link
builder) as arguments, so every app and every worker has the same list and nothing happens at
import time.

A listener is a plain function `listener(session, subject, change)`; it must not commit.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

EXTENSION = "meetingplaces.booking_listeners"


@dataclass(frozen=True)
class BookingChange:
    """What one step did to a booking: `action` ("requested", "guest_requested",
    "guest_confirmed", "approved", "rejected", "cancelled", "changed", "restored", and
    "hold_freed": an event's hold let dates go, which only the waiting list hears of), who
    did it and when; the spans of the dates it touched as they were before, and the
    resources its pending and confirmed dates used before (all its resources when none
    was); the local dates it decided; the blocked spans it freed, as (resource id, from,
    until); whether a change was confirmed at once."""

    action: str
    actor: object
    now: datetime
    spans: tuple[tuple[datetime, datetime], ...] = ()
    resources_before: tuple = ()
    dates: tuple[str, ...] = ()
    freed: tuple[tuple[int, datetime, datetime], ...] = ()
    confirmed: bool = True


@dataclass(frozen=True)
class SlotOffered:
    """The waiting list offered a freed slot to a waiting request (the subject)."""

    now: datetime
    resource_names: str
    action: str = "offered"


Listener = Callable[[object, object, object], None]


def listen(app, listener: Listener, actions: Iterable[str] | None = None) -> None:
    """Register `listener` for the steps named in `actions` (every step when None)."""
    listeners = app.extensions.setdefault(EXTENSION, [])
    if all(known is not listener for known, _ in listeners):
        listeners.append((listener, None if actions is None else frozenset(actions)))


def tell(session, subject, change: BookingChange | SlotOffered) -> None:
    for listener, actions in current_app.extensions.get(EXTENSION, ()):
        if actions is None or change.action in actions:
            listener(session, subject, change)
