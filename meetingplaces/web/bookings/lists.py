"""Lists and grids: the organisation's bookings, the managers' queue and agenda, a resource's
week and a facility's day."""

from datetime import datetime, time, timedelta

from flask import abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from ...booking import approval_queue, schedule
from ...extensions import db
from ...models import Facility, Organisation, Resource
from ...models.bookings import Booking
from ...policy import can
from ..clock import now
from .blueprint import bp, day_arg, settings, today, zone


@bp.get("/")
@login_required
def index():
    """The organisation's bookings; for managers also their agenda and queue."""
    organisations = current_user.organisations
    bookings = schedule.bookings_of(db.session, [o.id for o in organisations])
    reviews = can(current_user, "review", Booking)
    agenda = (schedule.agenda(db.session, current_user, start=today(), zone=zone(), days=7)
              if reviews else [])
    queue = approval_queue(db.session, current_user) if reviews else []
    return render_template("bookings/index.html", organisations=organisations,
                           bookings=bookings, agenda=agenda, queue=queue)


@bp.get("/organisations/<slug>")
@login_required
def organisation(slug: str):
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.slug == slug)) or abort(404)
    if not can(current_user, "view_private", organisation):
        abort(403)
    bookings = schedule.bookings_of(db.session, [organisation.id])
    return render_template("bookings/organisation.html", organisation=organisation,
                           bookings=bookings)


@bp.get("/queue")
@login_required
def queue():
    if not can(current_user, "review", Booking):
        abort(403)
    return render_template("bookings/queue.html",
                           bookings=approval_queue(db.session, current_user))


@bp.get("/agenda")
@login_required
def agenda():
    if not can(current_user, "review", Booking):
        abort(403)
    start = day_arg()
    return render_template(
        "bookings/agenda.html", start=start,
        days=schedule.agenda(db.session, current_user, start=start, zone=zone()),
        previous=start - timedelta(days=schedule.AGENDA_DAYS),
        next=start + timedelta(days=schedule.AGENDA_DAYS))


@bp.get("/resources/<slug>/week")
def resource_week(slug: str):
    resource = db.session.scalar(
        select(Resource).where(Resource.slug == slug, Resource.active.is_(True))) or abort(404)
    day = day_arg()
    monday = schedule.week_start(day)
    free = None
    if current_user.is_authenticated:  # "book this room" starts from the first free slot
        free = schedule.next_free_slot(db.session, resource,
                                       since=datetime.combine(monday, time(), zone()),
                                       now=now(), settings=settings())
    return render_template(
        "bookings/week.html", resource=resource, monday=monday, day=day, free=free,
        week=schedule.resource_week(db.session, current_user, resource, day, zone()),
        previous=monday - timedelta(days=7), next=monday + timedelta(days=7))


@bp.get("/facilities/<slug>/day")
def facility_day(slug: str):
    facility = db.session.scalar(
        select(Facility).where(Facility.slug == slug, Facility.active.is_(True))) or abort(404)
    day = day_arg()
    rooms = [room for room in facility.resources if room.active]
    return render_template(
        "bookings/day.html", facility=facility, day=day, book_day=max(day, today()),
        rooms_grid=schedule.facility_day(db.session, current_user, rooms, day, zone()),
        previous=day - timedelta(days=1), next=day + timedelta(days=1))
