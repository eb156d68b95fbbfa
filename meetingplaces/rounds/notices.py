"""What the Spielmobil team is told by mail about their dates: assigned, moved, cancelled.

Each mail goes out in the person's own language through the outbox, in the caller's
transaction.
"""

from flask_babel import force_locale
from flask_babel import gettext as _

from ..i18n import day_text, span_text
from ..mail import queue_mail
from ..models.people import User
from ..models.rounds import RoundDate


def time_span(round_date: RoundDate, zone) -> str:
    """The date's time in the recipient's way of writing it (formatted inside force_locale)."""
    return span_text(round_date.starts_at.astimezone(zone).replace(tzinfo=None),
                     round_date.ends_at.astimezone(zone).replace(tzinfo=None))


def cancelled_text(round_date: RoundDate, when: str) -> tuple[str, str]:
    stop = round_date.stop
    return (_("Spielmobil cancelled: %(place)s, %(when)s", place=stop.place_name, when=when),
            _("The Spielmobil date at %(place)s (%(address)s) on %(when)s is cancelled.\n\n"
              "Reason: %(reason)s", place=stop.place_name, address=stop.address, when=when,
              reason=round_date.reason))


def moved_text(round_date: RoundDate, when: str) -> tuple[str, str]:
    stop = round_date.stop
    return (_("Spielmobil moved: %(place)s, now %(when)s", place=stop.place_name, when=when),
            _("The Spielmobil date at %(place)s (%(address)s) of %(date)s now takes place "
              "%(when)s.", place=stop.place_name, address=stop.address,
              date=day_text(round_date.original_date), when=when))


def restored_text(round_date: RoundDate, when: str) -> tuple[str, str]:
    stop = round_date.stop
    return (_("Spielmobil takes place after all: %(place)s, %(when)s", place=stop.place_name,
              when=when),
            _("The cancellation is withdrawn: the Spielmobil date at %(place)s (%(address)s) on "
              "%(when)s takes place.", place=stop.place_name, address=stop.address, when=when))


def assigned_text(round_date: RoundDate, when: str) -> tuple[str, str]:
    stop = round_date.stop
    return (_("Spielmobil: you are on %(when)s", when=when),
            _("You are on the Spielmobil at %(place)s (%(address)s), %(when)s.",
              place=stop.place_name, address=stop.address, when=when))


def mail(session, person: User, round_date: RoundDate, text, zone) -> None:
    with force_locale(person.preferred_language):
        subject, body = text(round_date, time_span(round_date, zone))
    queue_mail(session, person.email, subject, body, quarter_id=round_date.stop.quarter_id)


def tell_staff(session, round_date: RoundDate, *, cancelled: bool, zone) -> None:
    for person in round_date.staff:
        if person.active:
            mail(session, person, round_date, cancelled_text if cancelled else moved_text, zone)
