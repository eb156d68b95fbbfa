"""Booking rooms and the Spielmobil, one module per page family:

- requesting.py  the request form (members and guests), free rooms offered on a conflict
- lists.py       the organisation's bookings, the approval queue, agenda, week and day grids
- booking.py     one booking's page and the decisions on it (members, managers, guests)
- offers.py      waiting-list offers, and the cron command that passes expired ones on
- feeds.py       private booking feeds

Each view reads a form, calls one function of meetingplaces.booking and renders or redirects.
"""

from . import booking, feeds, lists, offers, requesting  # noqa: F401  (they add the routes)
from .blueprint import bp

__all__ = ["bp"]
