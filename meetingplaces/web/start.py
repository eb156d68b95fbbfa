"""The start page after login: what waits for this person, and what comes next."""

from flask import Blueprint, render_template, url_for
from flask_login import current_user, login_required

from .. import start_page
from ..booking.tokens import offer_token
from ..extensions import db
from ..i18n import city_zone
from ..models.bookings import Booking
from ..models.rounds import RoundDate
from ..policy import can
from .clock import now
from .context import secret_key

bp = Blueprint("start", __name__)


@bp.get("/start")
@login_required
def index():
    user, moment, zone = current_user._get_current_object(), now(), city_zone()
    manages = can(user, "review", Booking)
    return render_template(
        "start/index.html",
        tasks=start_page.manager_tasks(db.session, user, moment) if manages else None,
        programme=(start_page.programme(db.session, user, first=moment.astimezone(zone).date(),
                                        zone=zone) if manages else None),
        initiative=(start_page.initiative_overview(db.session, user, moment)
                    if user.organisations else None),
        stops=(start_page.next_stops(db.session, user, moment)
               if can(user, "list_own", RoundDate) else None),
        offer_url=lambda entry: url_for("bookings.waiting_offer",
                                        token=offer_token(entry, secret_key())),
        failed_mail_shown=start_page.FAILED_MAIL_SHOWN,
    )
