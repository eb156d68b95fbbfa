"""Creating, editing, cancelling and deleting events, and changing single dates of a series.

These functions take the acting user and the clock, check the policy, validate, write the
audit log, refresh the event's iCalendar blocks and raise its feeds' versions. They never
commit: the caller commits, so that several changes (a Spielmobil round's stops) share one
transaction.
"""

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..booking.rules import Settings
from ..calendar import feeds
from ..database import lock_row
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..models import Facility, Organisation, Quarter, Resource
from ..models.audit import record
from ..models.bookings import Booking
from ..models.events import Event, EventStatus, EventTranslation, OccurrenceChange
from ..policy import can, require_choice
from ..timeline import EVENT_RULES, entered, normalise_rule
from ..vocabulary import SPOKEN_LANGUAGES
from . import booked_rooms, held_rooms, notices, occurrences
from .vocabulary import CATEGORIES, TARGET_GROUPS, TRANSLATION_LANGUAGES

# What a guest's calendar shows: a change here raises SEQUENCE (RFC 5545 3.8.7.4).
GUEST_VISIBLE = (
    "title", "description", "starts_at", "ends_at", "start_date", "end_date", "timezone",
    "rrule", "exdates", "facility_id", "booking", "place_name", "address", "latitude",
    "longitude", "status", "category", "is_free", "cost", "registration_required",
    "registration_contact", "step_free", "languages", "target_groups", "organisation_id",
    "show_organiser",
)
EDITABLE = {
    "facility", "booking", "resource", "place_name", "address", "latitude", "longitude",
    "organisation",
    "show_organiser", "title", "description", "category", "target_groups", "languages",
    "is_free", "cost", "registration_required", "registration_contact", "step_free",
    "starts_at", "ends_at", "start_date", "end_date", "timezone", "rrule", "exdates",
    "is_public", "translations",
}
LIMITS = {"title": 200, "place_name": 160, "address": 300, "cost": 200,
          "registration_contact": 300, "description": 20000}
MAX_DAYS = 31


def guest_visible(event: Event) -> tuple:
    texts = tuple((t.language, t.title, t.description) for t in event.translations)
    dates = tuple((c.original_date, c.cancelled, c.keep_in_feed, c.starts_at, c.ends_at,
                   c.start_date, c.end_date, c.note) for c in event.changes)
    return tuple(getattr(event, name) for name in GUEST_VISIBLE) + (texts, dates)


def _check_text(name: str, value) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else value
    if not isinstance(value, str):
        raise InvalidInput(_("Please enter text."), field=name)
    if len(value) > LIMITS[name]:
        raise InvalidInput(_("At most %(count)d characters.", count=LIMITS[name]), field=name)
    return value


def _check_codes(name: str, values, allowed: dict) -> list[str]:
    values = list(values or [])
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise InvalidInput(_("Unknown choice: %(value)s", value=", ".join(map(str, unknown))),
                           field=name)
    return sorted(set(values), key=values.index)


def _check_aware(name: str, value) -> datetime:
    """An aware time that names a real moment: one put together on the city's clock in the
    spring gap is refused as for bookings (timeline.entered)."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidInput(_("Please enter a date and time."), field=name)
    entered(value, value.tzinfo if isinstance(value.tzinfo, ZoneInfo) else UTC, field=name)
    return value


def _apply(session, event: Event, fields: dict, quarter: Quarter, actor) -> None:
    """Validate `fields` and write them onto the event; raises InvalidInput naming the field."""
    unknown = set(fields) - EDITABLE
    if unknown:
        raise InvalidInput(_("Unknown field: %(name)s", name=", ".join(sorted(unknown))))
    before = _when_and_where(event)
    for name in ("title", "place_name", "address", "cost", "registration_contact", "description"):
        if name in fields:
            setattr(event, name, _check_text(name, fields[name]))
    if not event.title:
        raise InvalidInput(_("Please give the event a title."), field="title")
    if "category" in fields:
        if fields["category"] not in CATEGORIES:
            raise InvalidInput(_("Please choose a category."), field="category")
        event.category = fields["category"]
    if "target_groups" in fields:
        event.target_groups = _check_codes("target_groups", fields["target_groups"], TARGET_GROUPS)
    if "languages" in fields:
        event.languages = _check_codes("languages", fields["languages"], SPOKEN_LANGUAGES)
    for flag in ("is_free", "registration_required", "step_free", "show_organiser", "is_public"):
        if flag in fields:
            setattr(event, flag, bool(fields[flag]))
    if not event.is_free and not event.cost:
        raise InvalidInput(_("Please say what it costs, or mark it free."), field="cost")
    if event.registration_required and not event.registration_contact:
        raise InvalidInput(_("Please say how to register."), field="registration_contact")
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        if name in fields:
            value = fields[name]
            if value is not None and (not isinstance(value, int | float)
                                      or not low <= value <= high):
                raise InvalidInput(_("Please enter a number between %(low)d and %(high)d.",
                                     low=low, high=high), field=name)
            setattr(event, name, value)
    if "facility" in fields:
        facility = fields["facility"]
        if facility is not None and (not isinstance(facility, Facility)
                                     or facility.quarter_id != quarter.id):
            raise InvalidInput(_("Please choose a place in this quarter."), field="facility")
        event.facility = facility
    if "organisation" in fields:
        organisation = fields["organisation"]
        if organisation is not None and not isinstance(organisation, Organisation):
            raise InvalidInput(_("Unknown organisation."), field="organisation")
        if organisation is not None and organisation is not event.organisation:
            require_choice(actor, "credit_events_to", organisation, "organisation")
        event.organisation = organisation
    _apply_times(event, fields)
    _apply_booking(event, fields, quarter, actor, before)
    _apply_room(event, fields, quarter, actor)
    if "translations" in fields:
        _apply_translations(event, fields["translations"])


def _when_and_where(event: Event) -> tuple:
    return (event.booking, event.starts_at, event.ends_at, event.start_date, event.end_date,
            event.rrule, tuple(event.exdates or ()))


def _apply_booking(event: Event, fields: dict, quarter: Quarter, actor, before: tuple) -> None:
    """Hold the event in a booked room: only a booking the actor may use, of a room in the
    quarter, not cancelled, whose booked time the event lies in. The room decides the place."""
    newly_linked = False
    if "booking" in fields:
        booking = fields["booking"]
        if booking is not None and not isinstance(booking, Booking):
            raise InvalidInput(_("Unknown booking."), field="booking")
        newly_linked = booking is not None and booking is not event.booking
        if newly_linked:
            booked_rooms.check_may_use(actor, booking)
        event.booking = booking
    if event.booking is None:
        return
    booked_rooms.take_place_from(event, event.booking, quarter, newly_linked=newly_linked,
                                 place_name_given=bool(fields.get("place_name")))
    if _when_and_where(event) != before:
        booked_rooms.check_fits(event, event.booking)


def _apply_room(event: Event, fields: dict, quarter: Quarter, actor) -> None:
    """Place the event in a room of its quarter, which it then holds (events/held_rooms.py);
    a room chosen before must still be in the quarter."""
    if "resource" in fields:
        room = fields["resource"]
        if room is not None and not isinstance(room, Resource):
            raise InvalidInput(_("Please choose a room from the list."), field="resource")
        if room is not None and room is not event.resource:
            held_rooms.check_room(actor, event, room, quarter)
        held_rooms.take_room(event, room)
    if event.resource is None:
        return
    if event.booking is not None:
        raise InvalidInput(_("Choose either a room or one of your bookings, not both."),
                           field="resource")
    if event.resource.facility.quarter_id != quarter.id:
        raise InvalidInput(_("Please choose a room in this quarter."), field="resource")
    if event.all_day:
        raise InvalidInput(_("An event in a room needs a start and an end time."),
                           field="resource")


def _keep_room(session, event: Event, *, actor, now: datetime, deleted: bool = False,
               free_dates_only: bool = False) -> None:
    held_rooms.keep(session, event, actor=actor, now=now, deleted=deleted,
                    free_dates_only=free_dates_only,
                    settings=Settings.from_config(current_app.config))


def _apply_times(event: Event, fields: dict) -> None:
    if "timezone" in fields:
        try:
            ZoneInfo(fields["timezone"])
        except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
            raise InvalidInput(_("Unknown time zone."), field="timezone") from error
        event.timezone = fields["timezone"]
    timed = {"starts_at", "ends_at"} & set(fields)
    all_day = {"start_date", "end_date"} & set(fields)
    if timed and all_day:
        raise InvalidInput(_("An event has either times or whole days."), field="starts_at")
    if timed:
        starts_at = _check_aware("starts_at", fields.get("starts_at", event.starts_at))
        ends_at = _check_aware("ends_at", fields.get("ends_at", event.ends_at))
        if ends_at <= starts_at:
            raise InvalidInput(_("The end must be after the start."), field="ends_at")
        if ends_at - starts_at > timedelta(days=MAX_DAYS):
            raise InvalidInput(_("An event lasts at most %(days)d days.", days=MAX_DAYS),
                               field="ends_at")
        event.starts_at, event.ends_at, event.start_date, event.end_date = (
            starts_at, ends_at, None, None)
    elif all_day:
        start_date = fields.get("start_date", event.start_date)
        end_date = fields.get("end_date", event.end_date) or start_date
        if not isinstance(start_date, date) or isinstance(start_date, datetime):
            raise InvalidInput(_("Please enter a date."), field="start_date")
        if not isinstance(end_date, date) or isinstance(end_date, datetime):
            raise InvalidInput(_("Please enter a date."), field="end_date")
        if end_date < start_date:
            raise InvalidInput(_("The last day cannot be before the first."), field="end_date")
        if (end_date - start_date).days >= MAX_DAYS:
            raise InvalidInput(_("An event lasts at most %(days)d days.", days=MAX_DAYS),
                               field="end_date")
        event.starts_at, event.ends_at, event.start_date, event.end_date = (
            None, None, start_date, end_date)
    if event.starts_at is None and event.start_date is None:
        raise InvalidInput(_("Please enter when the event takes place."), field="starts_at")
    if "rrule" in fields or timed or all_day:
        event.rrule = normalise_rule(fields.get("rrule", event.rrule), limits=EVENT_RULES,
                                     all_day=event.all_day, zone=ZoneInfo(event.timezone))
    if "exdates" in fields:
        try:
            days = sorted({date.fromisoformat(str(d)).isoformat() for d in fields["exdates"] or []})
        except ValueError as error:
            raise InvalidInput(_("Please enter dates as YYYY-MM-DD."), field="exdates") from error
        event.exdates = days
    event.first_starts_at, event.last_ends_at = occurrences.series_span(event)


def _apply_translations(event: Event, translations: dict) -> None:
    """{language: {"title": ..., "description": ...}}; an empty title removes the translation."""
    if not isinstance(translations, dict):
        raise InvalidInput(_("Translations are given per language."), field="translations")
    for language, texts in translations.items():
        if language not in TRANSLATION_LANGUAGES or not isinstance(texts, dict):
            raise InvalidInput(_("Unknown language: %(value)s", value=language),
                               field="translations")
        title = _check_text("title", texts.get("title"))
        description = _check_text("description", texts.get("description"))
        existing = event.translation(language)
        if not title and not description:
            if existing is not None:
                event.translations.remove(existing)
            continue
        if not title:
            raise InvalidInput(_("A translation needs a title."), field="translations")
        if existing is None:
            event.translations.append(
                EventTranslation(language=language, title=title, description=description))
        else:
            existing.title, existing.description = title, description


def event_quarters(session, user) -> list[Quarter]:
    """The quarters offered for a new event: a quarter manager's own; for the city's admin and
    for initiatives every active quarter."""
    if user.is_manager and not user.is_admin:
        return list(user.managed_quarters)
    return list(session.scalars(select(Quarter).where(Quarter.active).order_by(Quarter.name)))


def event_organisations(session, user, quarters: list[Quarter]) -> list[Organisation]:
    """The organisations an event may be held by: the user's own and, for managers, every
    active organisation of `quarters`."""
    organisations = list(user.organisations)
    if can(user, "moderate_proposals", Event):
        organisations += session.scalars(select(Organisation).where(
            Organisation.quarter_id.in_([q.id for q in quarters]),
            Organisation.status == "active")).all()
    return organisations


def require(actor, action: str, thing) -> None:
    if not can(actor, action, thing):
        raise Forbidden(_("You may not do this."))


def record_change(session, event: Event, *, actor, now: datetime, action: str, before: tuple,
                  previous_scopes=frozenset(), details: dict | None = None,
                  free_dates_only: bool = False) -> None:
    """Every change ends here: the room held in step, SEQUENCE when a guest would notice,
    log, blocks, feed versions."""
    _keep_room(session, event, actor=actor, now=now, free_dates_only=free_dates_only)
    if guest_visible(event) != before:
        event.sequence += 1
    event.last_modified = now
    session.flush()
    record(session, actor=actor, subject_type="event", subject_id=event.id, action=action,
           details=details or {}, at=now)
    feeds.refresh_event(session, event, now, previous_scopes)


def create_event(session, *, actor, quarter: Quarter, now: datetime, submit: bool = True,
                 free_dates_only: bool = False, **fields) -> Event:
    """A new event in `quarter`.

    A manager of the quarter publishes it at once (or keeps a draft with submit=False); a member
    acting for `organisation=` proposes it for moderation. Keyword fields: title, description,
    category, target_groups, languages, is_free, cost, registration_required,
    registration_contact, step_free, facility, booking (a Booking whose room it is held in;
    the room then decides facility and place name), place_name, address, latitude, longitude,
    organisation, show_organiser, starts_at/ends_at (aware) or start_date/end_date, timezone,
    rrule, exdates, is_public, translations ({lang: {"title", "description"}}).

    With `free_dates_only`, the dates on which its room is taken are left out of the event
    (held_rooms.keep) instead of refusing it.
    """
    organisation = fields.get("organisation")
    if can(actor, "publish_events", quarter):
        status = EventStatus.PUBLISHED if submit else EventStatus.DRAFT
    elif organisation is not None and can(actor, "propose_events", organisation):
        status = EventStatus.PROPOSED if submit else EventStatus.DRAFT
    else:
        raise Forbidden(_("You may not add events to this quarter."))
    fields.setdefault("timezone", current_app.config["TIMEZONE"])
    if fields.get("resource") is not None:
        held_rooms.before_change(session, None, placing=True)
    event = Event(uid=f"{uuid.uuid4()}@meetingplaces", quarter=quarter, quarter_id=quarter.id,
                  status=status, created_at=now, last_modified=now, sequence=0,
                  target_groups=[], languages=[], exdates=[], rrule="", title="",
                  description="", category="other", is_free=True, cost="",
                  registration_required=False, registration_contact="", step_free=False,
                  place_name="", address="", show_organiser=True, is_public=True,
                  proposed_by=None if status == EventStatus.PUBLISHED else actor)
    _apply(session, event, fields, quarter, actor)
    session.add(event)
    session.flush()
    _keep_room(session, event, actor=actor, now=now, free_dates_only=free_dates_only)
    record(session, actor=actor, subject_type="event", subject_id=event.id, action="create",
           details={"status": event.status}, at=now)
    feeds.refresh_event(session, event, now)
    if status == EventStatus.PROPOSED:
        notices.tell_managers_of_proposal(session, event)
    return event


def update_event(session, event: Event, *, actor, now: datetime, free_dates_only: bool = False,
                 **fields) -> Event:
    """Edit an event; SEQUENCE rises only when a guest would see the difference.

    A member editing their rejected proposal sends it back to the moderation queue;
    `free_dates_only` as for create_event.
    """
    require(actor, "edit", event)
    held_rooms.before_change(session, event, placing="resource" in fields)
    before = guest_visible(event)
    previous = feeds.scopes_of(event)
    quarter = fields.pop("quarter", event.quarter)
    if quarter is not event.quarter:
        if not isinstance(quarter, Quarter) or not (
                can(actor, "publish_events", quarter) or event.status != EventStatus.PUBLISHED
                and event.organisation is not None
                and can(actor, "propose_events", event.organisation)):
            raise Forbidden(_("You may not add events to this quarter."), field="quarter")
        event.quarter = quarter
        fields.setdefault("facility", event.facility if event.facility
                          and event.facility.quarter_id == quarter.id else None)
    _apply(session, event, fields, quarter, actor)
    resubmitted = event.status == EventStatus.REJECTED and not can(actor, "moderate", event)
    if resubmitted:
        event.status = EventStatus.PROPOSED
        event.rejection_reason = ""
    record_change(session, event, actor=actor, now=now, action="edit", before=before,
                  previous_scopes=previous, details={"fields": sorted(fields)},
                  free_dates_only=free_dates_only)
    if resubmitted:
        notices.tell_managers_of_proposal(session, event)
    return event


def submit_event(session, event: Event, *, actor, now: datetime) -> Event:
    """A draft goes out: published by a manager, proposed by an organisation's member."""
    require(actor, "edit", event)
    held_rooms.before_change(session, event)
    if event.status not in (EventStatus.DRAFT, EventStatus.REJECTED):
        raise InvalidInput(_("Only drafts can be sent."))
    before = guest_visible(event)
    if can(actor, "moderate", event):
        event.status = EventStatus.PUBLISHED
    else:
        event.status = EventStatus.PROPOSED
        event.proposed_by = actor
    record_change(session, event, actor=actor, now=now, action="submit", before=before)
    if event.status == EventStatus.PROPOSED:
        notices.tell_managers_of_proposal(session, event)
    return event


def cancel_event(session, event: Event, *, actor, now: datetime, reason: str = "") -> Event:
    """Call the whole event off. It stays in feeds as STATUS:CANCELLED for 30 days, so that
    subscribed calendars remove it, and then leaves them."""
    require(actor, "cancel", event)
    held_rooms.before_change(session, event)
    lock_row(session, event)  # decide on the status as it is now, not as it was read
    if event.status != EventStatus.PUBLISHED:
        raise InvalidInput(_("Only published events can be cancelled; delete a draft instead."))
    before = guest_visible(event)
    event.status = EventStatus.CANCELLED
    event.cancelled_at = now
    event.cancellation_reason = _check_text("description", reason)
    record_change(session, event, actor=actor, now=now, action="cancel", before=before,
                  details={"reason": event.cancellation_reason})
    return event


def restore_event(session, event: Event, *, actor, now: datetime) -> Event:
    """Undo the cancellation of a whole event: published again, with a higher SEQUENCE, so
    that subscribed calendars show it again under the same UID. An event in a room holds it
    again (record_change), refused with the clash when the room was taken meanwhile."""
    require(actor, "cancel", event)
    held_rooms.before_change(session, event)
    lock_row(session, event)
    if event.status != EventStatus.CANCELLED:
        raise Conflict(_("This event is not cancelled."))
    before = guest_visible(event)
    event.status = EventStatus.PUBLISHED
    event.cancelled_at = None
    event.cancellation_reason = ""
    record_change(session, event, actor=actor, now=now, action="restore", before=before)
    return event


def delete_event(session, event: Event, *, actor, now: datetime) -> None:
    """Remove an event for good (a mistake, a withdrawn proposal); its feeds move on."""
    require(actor, "delete", event)
    held_rooms.before_change(session, event)
    _keep_room(session, event, actor=actor, now=now, deleted=True)
    record(session, actor=actor, subject_type="event", subject_id=event.id, action="delete",
           details={"title": event.title, "uid": event.uid}, at=now)
    scopes, event_id = feeds.scopes_of(event), event.id
    session.delete(event)
    session.flush()
    feeds.bump(session, scopes, now, [event_id])


def _change_for(session, event: Event, original: date) -> OccurrenceChange:
    if not event.rrule:
        raise InvalidInput(_("Only dates of a repeating event can be changed one by one."))
    if not isinstance(original, date) or not occurrences.produces(event, original):
        raise NotFound(_("The event has no date on this day."), field="original_date")
    change = next((c for c in event.changes if c.original_date == original), None)
    if change is None:
        change = OccurrenceChange(original_date=original)
        event.changes.append(change)
    return change


def cancel_occurrence(session, event: Event, original: date, *, actor, now: datetime,
                      reason: str = "", keep_in_feed: bool = False) -> OccurrenceChange:
    """Cancel one date of a series (rain, illness). Every feed leaves it out with an EXDATE and
    tells the reason in the series' description (calendar/ics.py); `keep_in_feed` is still
    stored, but feeds no longer differ by it."""
    require(actor, "change_dates", event)
    held_rooms.before_change(session, event)
    before = guest_visible(event)
    change = _change_for(session, event, original)
    change.cancelled = True
    change.keep_in_feed = bool(keep_in_feed)
    change.starts_at = change.ends_at = change.start_date = change.end_date = None
    change.note = _check_text("description", reason)
    record_change(session, event, actor=actor, now=now, action="cancel_date", before=before,
                  details={"date": original.isoformat(), "reason": change.note})
    return change


def move_occurrence(session, event: Event, original: date, *, actor, now: datetime,
                    starts_at: datetime | None = None, ends_at: datetime | None = None,
                    start_date: date | None = None, end_date: date | None = None,
                    note: str = "") -> OccurrenceChange:
    """Move one date of a series (or give it a note); feeds show it once, at its new time,
    as a VEVENT of its own related to the series (calendar/ics.py)."""
    require(actor, "change_dates", event)
    held_rooms.before_change(session, event)
    before = guest_visible(event)
    change = _change_for(session, event, original)
    if event.all_day:
        if not isinstance(start_date, date):
            raise InvalidInput(_("Please enter a date."), field="start_date")
        end_date = end_date or start_date
        if end_date < start_date:
            raise InvalidInput(_("The last day cannot be before the first."), field="end_date")
        change.start_date, change.end_date, change.starts_at, change.ends_at = (
            start_date, end_date, None, None)
    else:
        starts_at = _check_aware("starts_at", starts_at)
        ends_at = _check_aware("ends_at", ends_at)
        if ends_at <= starts_at:
            raise InvalidInput(_("The end must be after the start."), field="ends_at")
        if ends_at - starts_at > timedelta(days=MAX_DAYS):
            raise InvalidInput(_("An event lasts at most %(days)d days.", days=MAX_DAYS),
                               field="ends_at")
        change.starts_at, change.ends_at, change.start_date, change.end_date = (
            starts_at, ends_at, None, None)
    change.cancelled = False
    change.keep_in_feed = False
    change.note = _check_text("description", note)
    event.first_starts_at, event.last_ends_at = occurrences.series_span(event)
    record_change(session, event, actor=actor, now=now, action="move_date", before=before,
                  details={"date": original.isoformat()})
    return change


def restore_occurrence(session, event: Event, original: date, *, actor, now: datetime) -> None:
    """Undo a cancellation or move of one date: it takes place as the rule says."""
    require(actor, "change_dates", event)
    held_rooms.before_change(session, event)
    change = next((c for c in event.changes if c.original_date == original), None)
    if change is None:
        raise NotFound(_("This date was not changed."), field="original_date")
    before = guest_visible(event)
    event.changes.remove(change)
    event.first_starts_at, event.last_ends_at = occurrences.series_span(event)
    record_change(session, event, actor=actor, now=now, action="restore_date", before=before,
                  details={"date": original.isoformat()})
