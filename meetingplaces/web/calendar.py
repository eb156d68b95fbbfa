"""Public calendars of the city, a quarter and a facility (agenda, week, month), event pages
with "add to calendar", and the subscribe box for the feeds."""

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..calendar import ics
from ..calendar.feeds import round_event_ids
from ..events.booked_rooms import held_in
from ..events.occurrences import local_span, upcoming_dates
from ..events.search import EventFilters, find_occurrences
from ..events.text import localised, plain_text, render_markdown
from ..events.vocabulary import CATEGORIES, TARGET_GROUPS
from ..extensions import db
from ..links import base_url
from ..models import Facility, Quarter, Resource
from ..models.bookings import Booking
from ..models.events import Event, EventStatus
from ..policy import can
from ..qr import qr_svg
from ..vocabulary import SPOKEN_LANGUAGES
from .clock import now
from .ics_responses import conditional_calendar
from .subscribe import next_dates, subscribe_links, visitor_language

bp = Blueprint("calendar", __name__)

VIEWS = ("agenda", "week", "month")
AGENDA_DAYS = 14
POSTER_PERIODS = ("week", "month")
STOPS_SHOWN = 24


def city_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def read_filters() -> EventFilters:
    args = request.args
    category = args.get("category", "")
    audience = args.get("audience", "")
    language = args.get("language", "")
    return EventFilters(
        category=category if category in CATEGORIES else "",
        audience=audience if audience in TARGET_GROUPS else "",
        language=language if language in SPOKEN_LANGUAGES else "",
        free=args.get("free") == "1",
        step_free=args.get("step_free") == "1",
        text=args.get("q", "").strip()[:100],
    )


def window(view: str, start: date) -> tuple[date, date, date]:
    """(first day shown, day after the last, start of the next page) for a view."""
    if view == "week":
        first = start - timedelta(days=start.weekday())
        return first, first + timedelta(days=7), first + timedelta(days=7)
    if view == "month":
        month = start.replace(day=1)
        following = (month + timedelta(days=32)).replace(day=1)
        first = month - timedelta(days=month.weekday())
        last = following + timedelta(days=(7 - following.weekday()) % 7)
        return first, last, following
    return start, start + timedelta(days=AGENDA_DAYS), start + timedelta(days=AGENDA_DAYS)


def by_day(occurrences, first: date, last: date) -> dict[date, list]:
    """Occurrences per local day they touch, for every day of [first, last)."""
    days = {first + timedelta(days=n): [] for n in range((last - first).days)}
    for occurrence in occurrences:
        day = max(occurrence.start_date, first)
        while day <= occurrence.last_date and day < last:
            days[day].append(occurrence)
            day += timedelta(days=1)
    return days


def page_url(**changes) -> str:
    """This calendar page with the visitor's filters kept and some arguments changed."""
    args = {key: value for key, value in request.args.items() if key != "lang"}
    return url_for(request.endpoint, **request.view_args, **{**args, **changes})


def render_calendar(title: str, feed_endpoint: str, feed_values: dict, *, quarter=None,
                    facility=None):
    view = request.args.get("view", "agenda")
    view = view if view in VIEWS else "agenda"
    zone = city_zone()
    today = now().astimezone(zone).date()
    try:
        start = date.fromisoformat(request.args.get("start", ""))
    except ValueError:
        start = today
    filters = read_filters()
    first, last, following = window(view, start)
    occurrences = find_occurrences(
        db.session, datetime.combine(first, time(), zone), datetime.combine(last, time(), zone),
        quarter_id=quarter.id if quarter else None,
        facility_id=facility.id if facility else None, filters=filters)
    days = by_day(occurrences, first, last)
    previous = window(view, first - timedelta(days=1))[0] if view != "agenda" else (
        start - timedelta(days=AGENDA_DAYS))
    return render_template(
        "calendar/calendar.html", title=title, view=view, days=days, first=first, last=last,
        start=start, today=today, following=following, previous=previous, filters=filters,
        quarter=quarter, facility=facility, subscribe=subscribe_links(
            feed_endpoint, filters, **feed_values),
        language=visitor_language(), title_of=lambda event: localised(
            event, visitor_language())[0],
        page_url=page_url,
        CATEGORIES=CATEGORIES, TARGET_GROUPS=TARGET_GROUPS, SPOKEN_LANGUAGES=SPOKEN_LANGUAGES,
        empty=not occurrences,
    )


def poster_window(period: str, today: date) -> tuple[date, date]:
    """The coming week (seven days) or month (to the same day next month) from today."""
    if period == "week":
        return today, today + timedelta(days=7)
    following = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    days_in_following = ((following + timedelta(days=32)).replace(day=1) - following).days
    return today, following.replace(day=min(today.day, days_in_following))


def render_poster(title: str, feed_endpoint: str, feed_values: dict, *, quarter=None,
                  facility=None, event_ids=None):
    """An A4 poster of the coming programme for the notice board, with a QR code to subscribe."""
    period = request.args.get("period", "week")
    period = period if period in POSTER_PERIODS else "week"
    zone = city_zone()
    first, last = poster_window(period, now().astimezone(zone).date())
    occurrences = find_occurrences(
        db.session, datetime.combine(first, time(), zone), datetime.combine(last, time(), zone),
        quarter_id=quarter.id if quarter else None,
        facility_id=facility.id if facility else None, event_ids=event_ids)
    days = {day: items for day, items in by_day(occurrences, first, last).items() if items}
    subscribe = subscribe_links(feed_endpoint, EventFilters(), **feed_values)
    language = visitor_language()
    return render_template(
        "calendar/poster.html", title=title, period=period, first=first, last=last, days=days,
        quarter=quarter, facility=facility, subscribe=subscribe,
        qr=qr_svg(subscribe["https"], _("QR code: subscribe to this calendar")),
        title_of=lambda event: localised(event, language)[0], CATEGORIES=CATEGORIES,
    )


@bp.get("/calendar")
def city():
    return render_calendar(current_app.config["CITY_NAME"], "feeds.city", {})


@bp.get("/quarters/<slug>/calendar")
def quarter(slug: str):
    quarter = db.session.scalar(
        select(Quarter).where(Quarter.slug == slug, Quarter.active)) or abort(404)
    return render_calendar(quarter.name, "feeds.quarter", {"slug": slug}, quarter=quarter)


@bp.get("/quarters/<slug>/poster")
def quarter_poster(slug: str):
    quarter = db.session.scalar(
        select(Quarter).where(Quarter.slug == slug, Quarter.active)) or abort(404)
    return render_poster(quarter.name, "feeds.quarter", {"slug": slug}, quarter=quarter)


@bp.get("/facilities/<slug>/calendar")
def facility(slug: str):
    facility = db.session.scalar(
        select(Facility).where(Facility.slug == slug, Facility.active)) or abort(404)
    return render_calendar(facility.name, "feeds.facility", {"slug": slug}, facility=facility)


@bp.get("/facilities/<slug>/poster")
def facility_poster(slug: str):
    facility = db.session.scalar(
        select(Facility).where(Facility.slug == slug, Facility.active)) or abort(404)
    return render_poster(facility.name, "feeds.facility", {"slug": slug}, facility=facility)


def _vans() -> list[Resource]:
    return list(db.session.scalars(select(Resource).where(
        Resource.kind == "mobile", Resource.active).order_by(Resource.name)))


def _van(slug: str) -> Resource:
    return db.session.scalar(select(Resource).where(
        Resource.slug == slug, Resource.kind == "mobile", Resource.active)) or abort(404)


@bp.get("/spielmobil")
def spielmobil():
    """The public home of the Spielmobil: with one van its page, with several a choice."""
    vans = _vans()
    if len(vans) == 1:
        return van(vans[0].slug)
    return render_template("calendar/vans.html", vans=vans)


@bp.get("/spielmobil/<slug>")
def van(slug: str):
    """A van's upcoming stops by quarter, its feed to subscribe to, its poster."""
    resource = _van(slug)
    moment = now()
    stops = next_dates(db.session, moment, count=STOPS_SHOWN,
                       event_ids=round_event_ids(resource.id))
    by_quarter: dict = {}
    for occurrence in stops:
        by_quarter.setdefault(occurrence.event.quarter, []).append(occurrence)
    language = visitor_language()
    return render_template(
        "calendar/van.html", van=resource, by_quarter=sorted(
            by_quarter.items(), key=lambda item: item[0].name),
        subscribe=subscribe_links("feeds.van", slug=resource.slug),
        title_of=lambda event: localised(event, language)[0])


@bp.get("/spielmobil/<slug>/poster")
def van_poster(slug: str):
    resource = _van(slug)
    return render_poster(resource.name, "feeds.van", {"slug": slug},
                         event_ids=round_event_ids(resource.id))


def _visible_event(event_id: int) -> Event:
    event = db.session.scalar(
        select(Event).where(Event.id == event_id).options(
            selectinload(Event.translations), selectinload(Event.changes),
            selectinload(Event.facility), selectinload(Event.organisation),
            selectinload(Event.booking).selectinload(Booking.resources)))
    if event is None:
        abort(404)
    public = event.is_public and event.status in (EventStatus.PUBLISHED, EventStatus.CANCELLED)
    if not public and not can(current_user, "view", event):
        abort(404)
    return event


def google_calendar_link(event: Event, title: str, description: str) -> str | None:
    """A prefilled "add to Google Calendar" link: local times with the event's zone, and for a
    series its whole rule (UNTIL or COUNT kept) with the dates left out as EXDATEs.

    None when the link cannot say it right: a cancelled event, or a series with a moved or
    changed date (a link carries one rule, not extra dates); the page offers the .ics then.
    """
    if event.status == EventStatus.CANCELLED:
        return None
    if event.rrule and any(not change.cancelled for change in event.changes):
        return None
    zone = ZoneInfo(event.timezone)
    if event.all_day:
        dates = f"{event.start_date:%Y%m%d}/{event.end_date + timedelta(days=1):%Y%m%d}"
    else:
        starts, ends = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
        dates = f"{starts:%Y%m%dT%H%M%S}/{ends:%Y%m%dT%H%M%S}"
    params = {"action": "TEMPLATE", "text": title, "dates": dates, "ctz": event.timezone,
              "details": plain_text(description)[:1500], "location": ics.location(event)}
    if event.rrule:
        left_out = sorted({date.fromisoformat(d) for d in event.exdates or []}
                          | {change.original_date for change in event.changes})
        first_start = local_span(event)[0]
        lines = ["RRULE:" + event.rrule]
        for day in left_out:
            if event.all_day:
                lines.append(f"EXDATE;VALUE=DATE:{day:%Y%m%d}")
            else:
                moment = datetime.combine(day, first_start.time())
                lines.append(f"EXDATE;TZID={event.timezone}:{moment:%Y%m%dT%H%M%S}")
        params["recur"] = "\n".join(lines)
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    event = _visible_event(event_id)
    language = visitor_language()
    title, description = localised(event, language)
    return render_template(
        "calendar/event.html", event=event, title=title, description=render_markdown(description),
        upcoming=upcoming_dates(event, now()),
        google_link=google_calendar_link(event, title, description),
        location=ics.location(event), coordinates=ics.geo(event), held_in=held_in(event),
        CATEGORIES=CATEGORIES, TARGET_GROUPS=TARGET_GROUPS, SPOKEN_LANGUAGES=SPOKEN_LANGUAGES,
        can_edit=can(current_user, "edit", event),
    )


@bp.get("/events/<int:event_id>/calendar.ics")
def event_ics(event_id: int):
    """One event as a file to open in a calendar app ("add to calendar")."""
    event = _visible_event(event_id)
    language = visitor_language()
    text = ics.single([ics.serialise(event, language)], {event.timezone},
                      ics.first_year(event.first_starts_at))
    return conditional_calendar(ics.with_base_url(text, base_url()),
                                last_modified=event.last_modified,
                                disposition=f'attachment; filename="event-{event.id}.ics"')
