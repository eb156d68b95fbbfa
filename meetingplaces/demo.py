"""Loads the demo city (quarters, facilities, rooms, the Spielmobil, initiatives, demo logins).

The demo password is for demo data only and is printed in the README.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from . import demo_data
from .booking import Settings
from .demo_translations import PLACE_TRANSLATIONS
from .models import (
    Facility,
    Membership,
    OpeningHours,
    Organisation,
    Quarter,
    Resource,
    User,
)
from .place_texts import apply_translations

DEMO_PASSWORD = "demo-password"  # noqa: S105  (documented demo login, never for production)

DEMO_USERS = [
    # e-mail, name, admin?, managed quarters, (organisation slug, role), spielmobil staff?
    ("admin@example.org", "Koordination Integration", True, [], None, False),
    (
        "manager@example.org",
        "Quartiersmanagement Wuppertal",
        False,
        ["nordstadt", "ostersbaum", "hoehe", "wichlinghausen-oberbarmen", "heckinghausen"],
        None,
        False,
    ),
    (
        "manager-goettingen@example.org",
        "Quartiersmanagement Göttingen",
        False,
        ["grone", "leineberg", "weststadt", "holtenser-berg"],
        None,
        False,
    ),
    (
        "initiative@example.org",
        "Sprachcafé Team",
        False,
        [],
        ("sprachcafe-nordstadt", "admin"),
        False,
    ),
    (
        "member@example.org",
        "Ehrenamt Sprachcafé",
        False,
        [],
        ("sprachcafe-nordstadt", "member"),
        False,
    ),
    (
        "church@example.org",
        "Gemeindebüro",
        False,
        [],
        ("kirchengemeinde-ostersbaum", "admin"),
        False,
    ),
    ("spielmobil@example.org", "Spielmobil-Team", False, [], None, True),
]


def database_is_empty(session) -> bool:
    return session.scalar(select(Quarter.id).limit(1)) is None


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _translate_places(session, quarters: dict, organisations: dict) -> None:
    """The demo places' texts in further languages (demo_translations.py)."""
    session.flush()
    for (kind, slug), texts in PLACE_TRANSLATIONS.items():
        if kind == "quarter":
            thing = quarters[slug]
        elif kind == "organisation":
            thing = organisations[slug]
        else:
            model = Facility if kind == "facility" else Resource
            thing = session.scalar(select(model).where(model.slug == slug))
        apply_translations(thing, texts)


def load_demo(session) -> None:
    """Add the demo city to an empty database, in the caller's transaction."""
    quarters: dict[str, Quarter] = {}
    for city in demo_data.CITIES:
        for q in city["quarters"]:
            quarter = Quarter(
                slug=q["slug"],
                name=q["name"],
                city=city["city"],
                description=q.get("description", ""),
                holiday_region=city["holiday_region"],
            )
            quarters[q["slug"]] = quarter
            session.add(quarter)
            for f in q["facilities"]:
                facility = Facility(
                    quarter=quarter,
                    slug=f["slug"],
                    name=f["name"],
                    address=f["address"],
                    latitude=f.get("latitude"),
                    longitude=f.get("longitude"),
                    description=f.get("description", ""),
                    accessibility=f.get("accessibility", ""),
                    opening_notes=f.get("opening_notes", ""),
                    contact_email=f.get("contact_email", ""),
                    contact_phone=f.get("contact_phone", ""),
                )
                for weekday, spans in f.get("opening_hours", {}).items():
                    for opens, closes in spans:
                        facility.opening_hours.append(
                            OpeningHours(
                                weekday=weekday, opens_at=_hhmm(opens), closes_at=_hhmm(closes)
                            )
                        )
                session.add(facility)
                for r in f["rooms"]:
                    session.add(
                        Resource(
                            kind="room",
                            facility=facility,
                            quarter=quarter,
                            slug=r["slug"],
                            name=r["name"],
                            capacity=r["capacity"],
                            equipment=r["equipment"],
                            step_free=r["step_free"],
                            approval_required=r["approval_required"],
                            setup_minutes=r["setup_minutes"],
                            cleanup_minutes=r["cleanup_minutes"],
                            description=r.get("description", ""),
                        )
                    )
    for m in demo_data.MOBILE_RESOURCES:
        session.add(
            Resource(
                kind="mobile",
                quarter=quarters[m["home_quarter"]],
                slug=m["slug"],
                name=m["name"],
                description=m["description"],
                capacity=m["capacity"],
                equipment=m["equipment"],
                step_free=True,
                approval_required=m["approval_required"],
                setup_minutes=m["setup_minutes"],
                cleanup_minutes=m["cleanup_minutes"],
            )
        )
    organisations: dict[str, Organisation] = {}
    for o in demo_data.ORGANISATIONS:
        organisation = Organisation(
            slug=o["slug"],
            name=o["name"],
            kind=o["kind"],
            quarter=quarters[o["quarter"]],
            description=o["description"],
            languages=o["languages"],
            public_contact=o["public_contact"],
            show_contact_publicly=True,
            private_contact_email=o["private_contact"],
        )
        organisations[o["slug"]] = organisation
        session.add(organisation)
    _translate_places(session, quarters, organisations)
    for email, name, is_admin, managed, membership, staff in DEMO_USERS:
        user = User(email=email, name=name, is_admin=is_admin, is_spielmobil_staff=staff)
        user.set_password(DEMO_PASSWORD)
        user.managed_quarters = [quarters[slug] for slug in managed]
        if membership:
            slug, role = membership
            user.memberships.append(Membership(organisation=organisations[slug], role=role))
        session.add(user)
    session.flush()

    from .events.demo import load_demo_events  # the quarters' programme, dated from today

    zone = ZoneInfo(current_app.config["TIMEZONE"])
    load_demo_events(session, datetime.now(zone).date(), zone,
                     current_app.config.get("HOLIDAY_REGION", "NW"))
    load_demo_round(session, datetime.now(zone).date(), datetime.now(zone))

    from .reports.demo import load_demo_reports  # programmes, past dates and their attendance

    load_demo_reports(session, datetime.now(zone).date(), Settings.from_config(current_app.config))


def load_demo_round(session, today: date, now: datetime) -> None:
    """The Spielmobil's autumn round: two weekly stops in the quarters it serves (seeds)."""
    from .rounds.planning import StopInput
    from .rounds.season import save_round

    van = session.scalar(select(Resource).where(Resource.slug == "spielmobil"))
    manager = session.scalar(select(User).where(User.email == "manager@example.org"))
    quarters = {q.slug: q for q in session.scalars(select(Quarter))}
    if van is None or manager is None:
        return
    first = today + timedelta(days=7 - today.weekday())  # next Monday
    stops = [
        StopInput(weekday=1, local_start=time(15), local_end=time(17, 30),
                  place_name="Wichlinghauser Markt", address="Wichlinghauser Markt, Wuppertal",
                  quarter=quarters["wichlinghausen-oberbarmen"], staff_needed=2),
        StopInput(weekday=3, local_start=time(15), local_end=time(17, 30),
                  place_name="Spielplatz Heckinghausen",
                  address="Heckinghauser Straße, Wuppertal",
                  quarter=quarters["heckinghausen"], staff_needed=2),
    ]
    round_ = save_round(session, actor=manager, resource=van, name="Spielmobil-Tour (Demo)",
                        season_start=first, season_end=first + timedelta(weeks=12), stops=stops,
                        now=now, settings=Settings.from_config(current_app.config))
    # The team goes out on every date, so that its start page, feed and reminders have stops
    # to show (assigned here without the mail that rounds.dates.assign_staff sends).
    team = list(session.scalars(select(User).where(User.is_spielmobil_staff.is_(True),
                                                   User.active.is_(True))))
    for stop in round_.stops:
        for round_date in stop.dates:
            round_date.staff = team
