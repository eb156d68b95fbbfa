"""Planning a season: dates from stops, skipped days, clashes refused before anything is saved."""

from datetime import date

import pytest
from sqlalchemy import func, select

from meetingplaces.booking import request_booking
from meetingplaces.errors import Forbidden, InvalidInput
from meetingplaces.models.bookings import Occurrence, OccurrenceStatus
from meetingplaces.models.events import Event
from meetingplaces.models.rounds import Round
from meetingplaces.rounds import RoundClash, plan_round
from meetingplaces.timeline import LocalSlot

from . import rounds_factories
from .booking_factories import SETTINGS, local
from .rounds_factories import NOW, SEASON, dates_of, save, stop, two_stops

spielmobil = rounds_factories.spielmobil


def plan(session, city, stops, **kw):
    return plan_round(session, resource=city.van, season_start=SEASON[0],
                      season_end=SEASON[1], stops=stops, **kw, settings=SETTINGS)


def test_a_season_gives_a_confirmed_van_booking_and_a_date_for_every_week(session, spielmobil):
    round_ = save(session, spielmobil)
    tuesdays = dates_of(round_, "Wichlinghauser Markt")
    assert [d.original_date for d in tuesdays][:3] == [date(2027, 4, 6), date(2027, 4, 13),
                                                         date(2027, 4, 20)]
    assert len(tuesdays) == 13
    assert all(d.booking.status == "approved" for d in tuesdays)
    confirmed = session.scalar(select(func.count()).select_from(Occurrence).where(
        Occurrence.resource_id == spielmobil.van.id,
        Occurrence.status == OccurrenceStatus.CONFIRMED))
    assert confirmed == sum(len(s.dates) for s in round_.stops)


def test_each_stop_is_one_repeating_spielmobil_event_in_its_quarter(session, spielmobil):
    round_ = save(session, spielmobil)
    events = {s.place_name: s.event for s in round_.stops}
    assert events["Heckinghauser Platz"].quarter_id == spielmobil.heckinghausen.id
    assert events["Wichlinghauser Markt"].quarter_id == spielmobil.wichlinghausen.id
    assert {e.category for e in events.values()} == {"spielmobil"}
    assert all(e.rrule.startswith("FREQ=WEEKLY") for e in events.values())
    assert session.scalar(select(func.count()).select_from(Event)) == 3


def test_overlapping_stops_are_refused_with_nothing_saved(session, spielmobil):
    stops = [stop(spielmobil.wichlinghausen),
             stop(spielmobil.heckinghausen, start="16:30", end="18:00",
                  place="Heckinghauser Platz")]
    with pytest.raises(RoundClash) as refused:
        save(session, spielmobil, stops)
    assert [c.kind for c in refused.value.clashes] == ["overlap"]
    assert session.scalar(select(func.count()).select_from(Round)) == 0
    assert session.scalar(select(func.count()).select_from(Occurrence)) == 0


def test_a_too_short_driving_gap_is_refused(session, spielmobil):
    stops = [stop(spielmobil.wichlinghausen),
             stop(spielmobil.heckinghausen, start="17:15", end="18:30",
                  place="Heckinghauser Platz")]
    with pytest.raises(RoundClash) as refused:
        save(session, spielmobil, stops, travel_minutes=30)
    assert [c.kind for c in refused.value.clashes] == ["travel"]
    assert "15" in refused.value.clashes[0].message


def test_a_pair_of_stops_can_have_its_own_driving_time(session, spielmobil):
    stops = [stop(spielmobil.wichlinghausen),
             stop(spielmobil.heckinghausen, start="17:15", end="18:30",
                  place="Heckinghauser Platz")]
    quick = {("Wichlinghauser Markt", "Heckinghauser Platz"): 10}
    assert plan(session, spielmobil, stops, travel_times=quick).clashes == []
    slow = {("Wichlinghauser Markt", "Heckinghauser Platz"): 20}
    assert [c.kind for c in plan(session, spielmobil, stops, travel_times=slow).clashes] == [
        "travel"]


def test_skip_periods_and_public_holidays_produce_no_dates(session, spielmobil):
    easter_holidays = (date(2027, 4, 12), date(2027, 4, 16), "Osterferien")
    round_ = save(session, spielmobil, skip=[easter_holidays])
    tuesdays = {d.original_date for d in dates_of(round_, "Wichlinghauser Markt")}
    thursdays = {d.original_date for d in dates_of(round_, "Berliner Platz")}
    assert date(2027, 4, 13) not in tuesdays and date(2027, 4, 15) not in thursdays
    # Ascension (6 May) and Corpus Christi (27 May) are holidays in North Rhine-Westphalia.
    assert date(2027, 5, 6) not in thursdays and date(2027, 5, 27) not in thursdays
    assert date(2027, 5, 13) in thursdays
    event = next(s.event for s in round_.stops if s.place_name == "Berliner Platz")
    assert {"2027-04-15", "2027-05-06", "2027-05-27"} <= set(event.exdates)


def test_holidays_follow_the_region_of_the_stops_quarter(session, spielmobil, make):
    goettingen = make.quarter(slug="grone", name="Grone", holiday_region="NI")
    spielmobil.manager.managed_quarters.append(goettingen)
    session.commit()
    # Corpus Christi is no holiday in Lower Saxony.
    result = plan(session, spielmobil, [stop(goettingen, weekday=3, place="Grone")])
    assert date(2027, 5, 27) in {d.day for d in result.dates}


def test_an_existing_booking_or_request_of_the_van_is_a_clash(session, spielmobil):
    request_booking(session, actor=spielmobil.member, organisation=spielmobil.organisation,
                    resources=[spielmobil.van], local_start=local(2027, 4, 20, 16),
                    local_end=local(2027, 4, 20, 18), title="Straßenfest", attendees=30,
                    location="Marktstraße 3", now=NOW, settings=SETTINGS)
    session.commit()
    result = plan(session, spielmobil, two_stops(spielmobil))
    assert [(c.kind, c.day) for c in result.clashes] == [
        ("requested", date(2027, 4, 20)), ("requested", date(2027, 4, 20))]
    assert "Straßenfest" not in " ".join(c.message for c in result.clashes)
    with pytest.raises(RoundClash):
        save(session, spielmobil)


def test_only_a_manager_of_the_vans_quarter_plans_rounds(session, spielmobil, make):
    other = make.manager(spielmobil.heckinghausen)
    with pytest.raises(Forbidden):
        save(session, spielmobil, actor=other)


def test_bad_input_is_refused_with_the_field_named(session, spielmobil):
    with pytest.raises(InvalidInput) as refused:
        save(session, spielmobil, season=(SEASON[1], SEASON[0]))
    assert refused.value.field == "season_end"
    with pytest.raises(InvalidInput) as refused:
        save(session, spielmobil, [stop(spielmobil.wichlinghausen, start="17:00", end="15:00")])
    assert refused.value.field == "stops"
    with pytest.raises(InvalidInput) as refused:
        save(session, spielmobil, [stop(spielmobil.wichlinghausen, place="x" * 161)])
    assert refused.value.field == "stops"
    with pytest.raises(InvalidInput) as refused:
        save(session, spielmobil, travel_minutes=-5)
    assert refused.value.field == "travel_minutes"


def test_the_round_books_through_the_booking_engine_so_the_van_is_held(session, spielmobil):
    from meetingplaces.booking import hold_resource
    from meetingplaces.booking.errors import BookingConflict

    save(session, spielmobil)
    slot = LocalSlot(date(2027, 4, 6), local(2027, 4, 6, 16), local(2027, 4, 6, 17))
    with pytest.raises(BookingConflict):
        hold_resource(session, actor=spielmobil.manager, resource=spielmobil.van, slots=[slot],
                      title="Extra", locations=["Markt"], now=NOW, settings=SETTINGS)
