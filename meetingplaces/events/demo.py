"""Demo events for the demo city, dated from the day the demo is loaded so that the calendars
always show a programme. Places come from the seed papers; people are made up."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..booking.rules import public_holidays
from ..models import Organisation, Quarter, Resource, User
from .publishing import create_event

# quarter, room slug (the event holds it), organisation slug, weekday (0 = Monday), local
# start, hours, fields
WEEKLY = [
    ("nordstadt", "alte-feuerwache-cafe", "sprachcafe-nordstadt", 1, time(17), 2, {
        "title": "Sprachcafé mit Kinderbetreuung",
        "description": "Deutsch üben bei Tee und Kuchen. **Kinderbetreuung** im Nebenraum.",
        "category": "cafe", "target_groups": ["everyone", "families"],
        "languages": ["de", "ar", "fa", "en"], "step_free": True,
        "translations": {
            "ar": {"title": "مقهى اللغة مع رعاية الأطفال",
                   "description": ("تدرّب على الألمانية مع الشاي والكعك. "
                                   "رعاية الأطفال في الغرفة المجاورة.")},
            "en": {"title": "Language café with childcare",
                   "description": "Practise German over tea and cake. Childcare next door."},
        }}),
    ("ostersbaum", "nachbarschaftsheim-kursraum", None, 2, time(15), 2, {
        "title": "Hausaufgabenhilfe",
        "description": "Für Schülerinnen und Schüler der Klassen 1–7.",
        "category": "homework_help", "target_groups": ["children"], "languages": ["de", "tr"]}),
    ("hoehe", "ot-hoehe-jugendraum", None, 4, time(16), 3, {
        "title": "Offene Tür: Sport und Spiel", "category": "sport",
        "target_groups": ["youth"], "languages": ["de"]}),
]
# quarter, room slug (the event holds it), weekday (0 = Monday) on or after the day so many days
# from today, local start, hours, fields; each inside its house's opening hours that weekday
ONCE = [
    ("nordstadt", "alte-feuerwache-halle", 4, 9, time(19, 30), 2.5, {
        "title": "Filmabend: Willkommen bei den Hartmanns", "category": "film_night",
        "target_groups": ["everyone"], "languages": ["de"], "description": "Eintritt frei."}),
    ("ostersbaum", "nachbarschaftsheim-saal", 1, 16, time(18), 2, {
        "title": "Runder Tisch Ostersbaum", "category": "round_table",
        "target_groups": ["everyone"], "languages": ["de"],
        "description": "Initiativen, Träger und Bewohner:innen planen gemeinsam."}),
    ("wichlinghausen-oberbarmen", "stadtteilbuero-wichlinghausen-treffraum", 3, 23, time(17), 3, {
        "title": "Stadtteilkonferenz Wichlinghausen", "category": "district_conference",
        "registration_required": True,
        "registration_contact": "stadtteilbuero@wichlinghausen.example.org"}),
]


def _holidays_on(room: Resource, weekday: int, first: date, region: str) -> list[str]:
    """The public holidays on the event's weekday while its room is held: the programme
    pauses then, as the house is closed (and the booking engine would refuse the dates)."""
    region = room.quarter.holiday_region or region
    last = first + timedelta(days=room.max_advance_days + 7)
    return sorted(day.isoformat() for year in range(first.year, last.year + 1)
                  for day in public_holidays(region, year)
                  if day.weekday() == weekday and first <= day <= last)


def _working_day(day: date, region: str, weekdays=range(6)) -> date:
    """The first day from this one that is one of the weekdays and no public holiday."""
    while day.weekday() not in weekdays or day in public_holidays(region, day.year):
        day += timedelta(days=1)
    return day


def load_demo_events(session, today: date, zone: ZoneInfo, region: str = "NW") -> None:
    """Create the demo programme as the demo manager would, in the caller's transaction. The
    weekly events hold their rooms from two days on (a room is booked a day ahead at least)."""
    manager = session.scalar(select(User).where(User.email == "manager@example.org"))
    quarters = {q.slug: q for q in session.scalars(select(Quarter))}
    rooms = {r.slug: r for r in session.scalars(select(Resource))}
    organisations = {o.slug: o for o in session.scalars(select(Organisation))}
    now = datetime.combine(today, time(8), zone)
    for quarter, room, organisation, weekday, start, hours, fields in WEEKLY:
        soon = today + timedelta(days=2)
        first = soon + timedelta(days=(weekday - soon.weekday()) % 7)
        starts_at = datetime.combine(first, start, zone)
        create_event(session, actor=manager, quarter=quarters[quarter], now=now,
                     resource=rooms[room], organisation=organisations.get(organisation or ""),
                     starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours),
                     rrule="FREQ=WEEKLY",
                     exdates=_holidays_on(rooms[room], weekday, first, region), **fields)
    for quarter, room, weekday, days, start, hours, fields in ONCE:
        day = _working_day(today + timedelta(days=days), region, weekdays=(weekday,))
        starts_at = datetime.combine(day, start, zone)
        create_event(session, actor=manager, quarter=quarters[quarter], now=now,
                     resource=rooms[room], starts_at=starts_at,
                     ends_at=starts_at + timedelta(hours=hours), **fields)
    festival_day = today + timedelta(days=(5 - today.weekday()) % 7 + 21)
    create_event(session, actor=manager, quarter=quarters["nordstadt"], now=now,
                 title="Stadtteilfest Nordstadt", category="festival",
                 target_groups=["everyone"], place_name="Platz am Schusterplatz",
                 address="Schusterstraße, 42105 Wuppertal", start_date=festival_day,
                 end_date=festival_day + timedelta(days=1))
    member = session.scalar(select(User).where(User.email == "initiative@example.org"))
    proposal_day = _working_day(today + timedelta(days=12), region)
    proposal_start = datetime.combine(proposal_day, time(10), zone)
    create_event(session, actor=member, quarter=quarters["nordstadt"], now=now,
                 organisation=organisations["sprachcafe-nordstadt"],
                 title="Fahrradwerkstatt für Frauen", category="workshop",
                 target_groups=["women"], languages=["de", "ar", "fa"],
                 resource=rooms["alte-feuerwache-halle"], starts_at=proposal_start,
                 ends_at=proposal_start + timedelta(hours=3))
