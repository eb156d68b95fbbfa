"""Where a booking comes from: somebody asked for it, or the app keeps it on behalf of something
shown in its own right. Outside booking/ because it knows events and rounds, which the booking
domain does not."""

from sqlalchemy import exists

from .models.events import Event
from .models.rounds import RoundDate


def asked_for(booking_id):
    """A condition on a booking id: a booking somebody asked for, not one the app keeps on
    behalf of something shown in its own right (the van's booking of a round date, whose stop
    is listed and reminded instead; an event's hold of its room, events/held_rooms.py)."""
    return (~exists().where(RoundDate.booking_id == booking_id)
            & ~exists().where(Event.hold_id == booking_id))
