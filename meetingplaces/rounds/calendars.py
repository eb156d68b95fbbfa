"""A staff member's own round dates as a private iCalendar feed behind a secret token URL:
this module picks the dates, calendar/ics.py writes them.

The van's public calendar needs nothing here: it is the feed scope "resource:<id>" of
calendar.feeds, assembled from the stop events' stored VEVENT blocks.
"""

import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..calendar import ics
from ..models.people import User, token_digest
from ..models.rounds import StaffFeedToken
from .requests import staff_dates

PAST_DAYS = 30


def new_staff_feed_token(session, person: User, now: datetime) -> str:
    """A fresh secret for the person's feed; the old link stops working. Shown once."""
    secret = secrets.token_urlsafe(24)
    row = session.get(StaffFeedToken, person.id)
    if row is None:
        row = StaffFeedToken(user_id=person.id)
        session.add(row)
    row.token_digest = token_digest(secret)
    row.created_at = now
    session.flush()
    return secret


def staff_member_by_token(session, secret: str) -> User | None:
    """The active Spielmobil team member whose feed secret this is."""
    person = session.scalar(
        select(User).join(StaffFeedToken, StaffFeedToken.user_id == User.id)
        .where(StaffFeedToken.token_digest == token_digest(secret or ""))
    )
    if person is None or not person.active or not person.is_spielmobil_staff:
        return None
    return person


def staff_feed(session, person: User, *, now: datetime, zone, base_url: str) -> bytes:
    """The person's dates from a month back on; cancelled ones stay, marked, so calendar apps
    drop them."""
    dates = staff_dates(session, person, now - timedelta(days=PAST_DAYS))
    blocks = [ics.staff_date_vevent(d, zone, base_url).to_ical().decode() for d in dates]
    name = _("Spielmobil: my dates (%(name)s)", name=person.name)
    since = ics.first_year(*(d.starts_at for d in dates))
    return ics.assemble(name, zone.key, blocks, [zone.key], since).encode()
