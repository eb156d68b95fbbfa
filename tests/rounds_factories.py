"""Helpers for the rounds tests: the Spielmobil serving two quarters, a manager of both, a
season of stops on Tuesdays and Thursdays. The clock stands still at NOW."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest

from meetingplaces.rounds import SkipPeriod, StopInput, save_round

from .booking_factories import SETTINGS

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
SEASON = (date(2027, 4, 5), date(2027, 7, 2))


@dataclass
class Spielmobil:
    wichlinghausen: object
    heckinghausen: object
    van: object
    manager: object
    staff: object
    organisation: object
    member: object


@pytest.fixture
def spielmobil(make):
    wichlinghausen = make.quarter(slug="wichlinghausen", name="Wichlinghausen/Oberbarmen")
    heckinghausen = make.quarter(slug="heckinghausen", name="Heckinghausen")
    organisation = make.organisation(heckinghausen)
    return Spielmobil(
        wichlinghausen=wichlinghausen,
        heckinghausen=heckinghausen,
        van=make.mobile(wichlinghausen, slug="spielmobil", approval_required=True),
        manager=make.manager(wichlinghausen, heckinghausen),
        staff=make.user(is_spielmobil_staff=True, name="Team Member"),
        organisation=organisation,
        member=make.member(organisation),
    )


def stop(quarter, weekday=1, start="15:00", end="17:00", place="Wichlinghauser Markt", **kw):
    kw.setdefault("address", f"{place} 1, 42277 Wuppertal")
    return StopInput(weekday=weekday, local_start=time.fromisoformat(start),
                     local_end=time.fromisoformat(end), place_name=place, quarter=quarter, **kw)


def two_stops(city):
    """Tuesday: Wichlinghausen 15-17, then Heckinghausen 17:30-19:00; Thursday: Berliner Platz."""
    return [
        stop(city.wichlinghausen),
        stop(city.heckinghausen, start="17:30", end="19:00", place="Heckinghauser Platz"),
        stop(city.wichlinghausen, weekday=3, place="Berliner Platz"),
    ]


def save(session, city, stops=None, *, skip=(), travel_minutes=30, season=SEASON, commit=True,
         **kw):
    round_ = save_round(
        session, actor=kw.pop("actor", city.manager), resource=city.van,
        name=kw.pop("name", "Spielmobil 2027"), season_start=season[0], season_end=season[1],
        stops=stops if stops is not None else two_stops(city),
        skip_periods=[SkipPeriod(*period) for period in skip], travel_minutes=travel_minutes,
        now=NOW, **kw, settings=SETTINGS)
    if commit:
        session.commit()
    return round_


def dates_of(round_, place):
    return sorted((d for s in round_.stops if s.place_name == place for d in s.dates),
                  key=lambda d: d.starts_at)
