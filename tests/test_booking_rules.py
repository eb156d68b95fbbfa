"""Every house rule of a request refuses with its own typed error and field."""

from datetime import UTC, datetime

import pytest

from meetingplaces.booking import errors
from meetingplaces.models import Closure

from .booking_factories import NOW, book, city_fixture, local  # noqa: F401  (city is a fixture)


def refused(session, city, error_type, **kw):
    with pytest.raises(error_type) as caught:
        book(session, city, **kw)
    return caught.value


def test_a_request_within_every_rule_is_confirmed_at_once(session, city):
    booking = book(session, city)
    assert booking.status == "approved"
    assert [o.status for o in booking.occurrences] == ["confirmed"]


def test_end_before_start_is_refused_on_the_end_field(session, city):
    error = refused(session, city, errors.EndBeforeStart,
                    start=local(2027, 3, 16, 18), end=local(2027, 3, 16, 17))
    assert error.field == "end"


def test_end_equal_to_start_is_refused(session, city):
    error = refused(session, city, errors.EndBeforeStart,
                    start=local(2027, 3, 16, 18), end=local(2027, 3, 16, 18))
    assert error.field == "end"


def test_too_short_and_too_long_bookings_are_refused(session, city):
    city.room.min_duration_minutes, city.room.max_duration_minutes = 60, 120
    session.commit()
    short = refused(session, city, errors.DurationOutOfRange,
                    start=local(2027, 3, 16, 18), end=local(2027, 3, 16, 18, 30))
    refused(session, city, errors.DurationOutOfRange,
            start=local(2027, 3, 16, 10), end=local(2027, 3, 16, 12, 30))
    assert short.field == "end"


def test_a_time_in_the_past_is_refused(session, city):
    error = refused(session, city, errors.InThePast,
                    start=local(2027, 2, 16, 18), end=local(2027, 2, 16, 20))
    assert isinstance(error, errors.InThePast) and error.field == "start"


def test_too_short_notice_is_refused(session, city):
    city.room.min_notice_hours = 48
    session.commit()
    error = refused(session, city, errors.TooShortNotice,
                    start=local(2027, 3, 2, 18), end=local(2027, 3, 2, 20))
    assert error.field == "start"


def test_too_far_ahead_is_refused_also_for_a_late_date_of_a_series(session, city):
    city.room.max_advance_days = 30
    session.commit()
    refused(session, city, errors.TooFarAhead,
            start=local(2027, 4, 20, 18), end=local(2027, 4, 20, 20))
    error = refused(session, city, errors.TooFarAhead, rrule="FREQ=WEEKLY;COUNT=5")
    assert error.field == "rrule"


def test_outside_opening_hours_is_refused(session, make, city):
    facility = make.facility(city.quarter, hours=((0, 4, "09:00", "17:00"),))
    room = make.room(facility)
    evening = refused(session, city, errors.OutsideOpeningHours, resources=[room])
    refused(session, city, errors.OutsideOpeningHours, resources=[room],
            start=local(2027, 3, 20, 10), end=local(2027, 3, 20, 12))  # a Saturday
    assert evening.field == "start"
    assert book(session, city, resources=[room], start=local(2027, 3, 16, 9),
                end=local(2027, 3, 16, 17)).status == "approved"


def test_a_closure_of_the_facility_or_of_the_room_is_refused(session, city):
    session.add(Closure(facility=city.facility, starts_at=datetime(2027, 3, 16, tzinfo=UTC),
                        ends_at=datetime(2027, 3, 17, tzinfo=UTC), reason="Renovierung"))
    session.add(Closure(resource=city.room, starts_at=datetime(2027, 3, 23, tzinfo=UTC),
                        ends_at=datetime(2027, 3, 24, tzinfo=UTC)))
    session.commit()
    error = refused(session, city, errors.InClosure)
    assert "Renovierung" in error.message
    refused(session, city, errors.InClosure,
            start=local(2027, 3, 23, 18), end=local(2027, 3, 23, 20))
    refused(session, city, errors.InClosure, start=local(2027, 3, 9, 18),
            end=local(2027, 3, 9, 20), rrule="FREQ=WEEKLY;COUNT=3")


def test_a_public_holiday_of_the_default_region_is_refused(session, city):
    # Easter Monday 2027 is a holiday everywhere in Germany.
    error = refused(session, city, errors.OnPublicHoliday,
                    start=local(2027, 3, 29, 18), end=local(2027, 3, 29, 20))
    assert error.field == "start"


def test_the_quarters_holiday_region_decides(session, city):
    # Reformation Day (31 Oct) is a holiday in Lower Saxony, not in North Rhine-Westphalia.
    start, end = local(2027, 10, 31, 15), local(2027, 10, 31, 17)
    assert book(session, city, start=start, end=end).status == "approved"
    city.quarter.holiday_region = "NI"
    session.commit()
    refused(session, city, errors.OnPublicHoliday, start=local(2027, 10, 31, 18),
            end=local(2027, 10, 31, 20))


def test_more_attendees_than_capacity_is_refused_but_rooms_together_add_up(session, make, city):
    error = refused(session, city, errors.OverCapacity, attendees=21)
    assert error.field == "attendees"
    childcare = make.room(city.facility, capacity=8)
    assert book(session, city, resources=[city.room, childcare], attendees=25).id


def test_the_monthly_quota_of_an_organisation_is_kept(session, city):
    city.room.monthly_hours_per_organisation = 5
    session.commit()
    book(session, city, rrule="FREQ=WEEKLY;COUNT=2")  # 4 hours in March
    error = refused(session, city, errors.OverQuota,
                    start=local(2027, 3, 30, 18), end=local(2027, 3, 30, 20))
    assert "März 2027" in error.message  # the month as the reader names it, not 2027-03
    assert book(session, city, start=local(2027, 4, 6, 18), end=local(2027, 4, 6, 20)).id


def test_a_mobile_resource_needs_a_location(session, make, city):
    van = make.mobile(city.quarter, approval_required=False)
    error = refused(session, city, errors.InvalidInput, resources=[van])
    assert error.field == "location"
    assert book(session, city, resources=[van], location="Schulhof Gathe").location


@pytest.mark.parametrize(("fields", "field"), [
    ({"title": "  "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"attendees": 0}, "attendees"),
    ({"attendees": "12"}, "attendees"),
    ({"purpose": "x" * 5001}, "purpose"),
    ({"rrule": "FREQ=WEEKLY"}, "rrule"),
    ({"rrule": "FREQ=YEARLY;COUNT=2"}, "rrule"),
    ({"rrule": "nonsense"}, "rrule"),
    ({"rrule": "FREQ=WEEKLY;COUNT=400"}, "rrule"),
    ({"rrule": "FREQ=WEEKLY;COUNT=2", "exdates": ["16.03.2027"]}, "exdates"),
])
def test_broken_fields_are_refused_with_their_field(session, city, fields, field):
    error = refused(session, city, errors.InvalidInput, **fields)
    assert error.field == field


def test_an_inactive_room_cannot_be_booked(session, city):
    city.room.active = False
    session.commit()
    error = refused(session, city, errors.ResourceUnavailable)
    assert error.field == "resource_ids"


def test_the_spring_forward_hour_does_not_exist_and_is_refused(session, make, city):
    van = make.mobile(city.quarter, approval_required=False)
    error = refused(session, city, errors.NonexistentLocalTime, resources=[van],
                    location="Platz", start=local(2027, 3, 28, 2, 30),
                    end=local(2027, 3, 28, 4))
    assert error.field == "start"
    assert "02:30" in error.message


def test_the_autumn_hour_is_read_as_summer_time_and_said_so(session, make, city):
    van = make.mobile(city.quarter, approval_required=False)
    booking = book(session, city, resources=[van], location="Platz",
                   start=local(2027, 10, 31, 2, 30), end=local(2027, 10, 31, 4))
    (occurrence,) = booking.occurrences
    assert occurrence.starts_at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # CEST, UTC+2
    assert occurrence.ends_at == datetime(2027, 10, 31, 3, 0, tzinfo=UTC)  # CET, UTC+1
    assert any("02:30" in notice and "summer time" in notice for notice in booking.notices)


def test_the_second_autumn_hour_can_be_asked_for_with_fold(session, make, city):
    van = make.mobile(city.quarter, approval_required=False)
    booking = book(session, city, resources=[van], location="Platz",
                   start=local(2027, 10, 31, 2, 30, fold=1), end=local(2027, 10, 31, 4))
    assert booking.occurrences[0].starts_at == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)


def test_refusals_leave_nothing_behind(session, city):
    from meetingplaces.models.bookings import Booking

    refused(session, city, errors.OverCapacity, attendees=99)
    assert session.query(Booking).count() == 0
    assert NOW.tzinfo is UTC
