"""A staff member's own round dates as a private iCalendar feed behind a secret token URL.

The van's public calendar needs nothing here: it is the feed scope "resource:<id>" of
calendar.feeds, assembled from the stop events' stored VEVENT blocks.
"""

import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from icalendar import Event as VEvent
from sqlalchemy import select

from ..calendar import ics
from ..models.people import User, token_digest
from ..models.rounds import RoundDate, StaffFeedToken
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


def _vevent(round_date: RoundDate, zone, base_url: str, now: datetime) -> VEvent:
    stop = round_date.stop
    component = VEvent()
    component.add("uid", f"round-date-{round_date.id}@meetingplaces")
    component.add("dtstamp", now)
    component.add("dtstart", round_date.starts_at.astimezone(zone))
    component.add("dtend", round_date.ends_at.astimezone(zone))
    component.add("summary", _("Spielmobil: %(place)s", place=stop.place_name))
    component.add("location", f"{stop.place_name}, {stop.address}")
    if stop.latitude is not None and stop.longitude is not None:
        component.add("geo", (stop.latitude, stop.longitude))
    team = ", ".join(person.name for person in round_date.staff)
    lines = [_("Team: %(names)s", names=team)]
    if round_date.reason:
        lines.append(round_date.reason)
    component.add("description", "\n".join(lines))
    component.add("status", "CANCELLED" if round_date.is_cancelled else "CONFIRMED")
    component.add("url", f"{base_url.rstrip('/')}/rounds/dates/{round_date.id}")
    return component


def staff_feed(session, person: User, *, now: datetime, zone, base_url: str) -> bytes:
    """The person's dates from a month back on; cancelled ones stay, marked, so calendar apps
    drop them."""
    dates = staff_dates(session, person, now - timedelta(days=PAST_DAYS))
    blocks = "".join(_vevent(d, zone, base_url, now).to_ical().decode() for d in dates)
    name = _("Spielmobil: my dates (%(name)s)", name=person.name)
    return ics.assemble(name, zone.key, [blocks], [zone.key]).encode()
