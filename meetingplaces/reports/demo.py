"""Demo evaluation data: two programmes on the demo quarters, and the past twelve weeks of a
language course, a homework club and a Spielmobil spring round with their attendance, so that
the reports show something right after `make run`. Dated from the day the demo is loaded."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..booking import Settings, approve_booking, request_booking
from ..events import cancel_occurrence, create_event, move_occurrence
from ..models import Facility, Organisation, Quarter, Resource, User
from ..models.reports import Programme
from ..rounds.dates import cancel_date
from ..rounds.planning import StopInput
from ..rounds.season import save_round
from .attendance import AttendanceInput, record_attendance, slot_for_event, slot_for_round_date

WEEKS = 12


def load_demo_reports(session, today: date, settings: Settings) -> None:
    zone = settings.zone
    users = {u.email: u for u in session.scalars(select(User))}
    quarters = {q.slug: q for q in session.scalars(select(Quarter))}
    manager, member = users.get("manager@example.org"), users.get("initiative@example.org")
    if manager is None or member is None or "nordstadt" not in quarters:
        return
    session.add_all([
        Programme(slug="quartiersmanagement", name="Quartiersmanagement",
                  description="Allgemeine Quartiersarbeit",
                  funded_from=date(today.year - 1, 1, 1), funded_until=date(today.year + 1, 12, 31),
                  quarters=[quarters[s] for s in ("nordstadt", "hoehe", "ostersbaum")
                            if s in quarters]),
        Programme(slug="qfi", name="Quartiersentwicklung Flüchtlingsintegration (QFI)",
                  description="Integration Geflüchteter in den Quartieren",
                  funded_from=date(today.year - 1, 7, 1), funded_until=date(today.year + 1, 6, 30),
                  quarters=[quarters[s] for s in ("ostersbaum", "wichlinghausen-oberbarmen",
                                                  "heckinghausen") if s in quarters]),
    ])
    first = today - timedelta(weeks=WEEKS) + timedelta(days=(1 - today.weekday()) % 7)
    past = datetime.combine(first - timedelta(days=14), time(9), zone)
    now = datetime.combine(today, time(8), zone)
    room = session.scalar(select(Resource).where(Resource.slug == "alte-feuerwache-seminarraum"))
    organisation = session.scalar(select(Organisation).where(
        Organisation.slug == "sprachcafe-nordstadt"))
    facility = session.scalar(select(Facility).where(Facility.slug == "alte-feuerwache"))
    if room is None or organisation is None or facility is None:
        return
    start = datetime.combine(first, time(10))
    booking = request_booking(
        session, actor=member, organisation=organisation, resources=[room],
        local_start=start, local_end=start + timedelta(hours=2), now=past,
        title="Deutschkurs für Anfängerinnen", attendees=12, rrule=f"FREQ=WEEKLY;COUNT={WEEKS}",
        settings=settings)
    if booking.status == "pending":
        approve_booking(session, actor=manager, booking=booking, now=past, settings=settings)
    starts_at = datetime.combine(first, time(10), zone)
    course = create_event(
        session, actor=manager, quarter=quarters["nordstadt"], now=past, facility=facility,
        organisation=organisation, title="Deutschkurs für Anfängerinnen",
        category="language_course", target_groups=["women"], languages=["de", "ar", "fa"],
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2),
        rrule=f"FREQ=WEEKLY;COUNT={WEEKS}")
    cancel_occurrence(session, course, first + timedelta(weeks=3), actor=manager, now=past,
                      reason="Kursleiterin krank")
    moved_day = first + timedelta(weeks=5)
    moved_start = datetime.combine(moved_day + timedelta(days=1), time(10), zone)
    move_occurrence(session, course, moved_day, actor=manager, now=past,
                    starts_at=moved_start, ends_at=moved_start + timedelta(hours=2))
    for week in range(WEEKS):
        day = first + timedelta(weeks=week)
        if week == 3 or day >= today:
            continue
        slot = slot_for_event(session, course, day)
        record_attendance(session, actor=manager, slot=slot, now=now, data=AttendanceInput(
            count=10 + week % 4, groups={"adults": 7 + week % 3, "seniors": 1},
            first_visit=2 if week < 4 else 1, languages=("ar", "fa", "de")))
    _spring_round(session, quarters, users, first, today, past, now, settings)


def _spring_round(session, quarters, users, first, today, past, now, settings) -> None:
    van = session.scalar(select(Resource).where(Resource.slug == "spielmobil"))
    manager = users["manager@example.org"]
    if van is None or "heckinghausen" not in quarters:
        return
    round_ = save_round(
        session, actor=manager, resource=van, name="Spielmobil-Tour Frühjahr (Demo)",
        season_start=first, season_end=min(today - timedelta(days=1),
                                           first + timedelta(weeks=WEEKS)),
        stops=[StopInput(weekday=3, local_start=time(15), local_end=time(17, 30),
                         place_name="Spielplatz Heckinghausen",
                         address="Heckinghauser Straße, Wuppertal",
                         quarter=quarters["heckinghausen"], staff_needed=2)],
        now=past, settings=settings)
    dates = sorted((d for s in round_.stops for d in s.dates), key=lambda d: d.starts_at)
    for index, round_date in enumerate(dates):
        if index == 2:
            cancel_date(session, actor=manager, round_date=round_date, reason="Regen",
                        now=past, settings=settings)
            continue
        if round_date.ends_at > now:
            continue
        slot = slot_for_round_date(session, round_date)
        record_attendance(session, actor=manager, slot=slot, now=now, data=AttendanceInput(
            count=25 + index, groups={"children": 18 + index, "adults": 6}, first_visit=3,
            languages=("de", "tr", "ar")))
