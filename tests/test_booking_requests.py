"""Requesting, approving, cancelling and changing bookings; series across the clock changes;
the invariant that confirmed dates of one resource never overlap."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from meetingplaces.booking import (
    add_back_date,
    approval_queue,
    approve_booking,
    cancel_booking,
    change_booking,
    reject_booking,
)
from meetingplaces.booking.conflicts import busy_intervals, free_instead
from meetingplaces.booking.errors import BookingConflict, Forbidden, InvalidInput
from meetingplaces.booking.rules import PlannedOccurrence
from meetingplaces.models.audit import AuditEntry
from meetingplaces.models.bookings import Booking, Occurrence
from meetingplaces.timeline import monthly_nth_weekday_rule, weekly_rule

from .booking_factories import NOW, SETTINGS, book, city_fixture, local  # noqa: F401  (city is a fixture)

BERLIN_OFFSET_WINTER, BERLIN_OFFSET_SUMMER = timedelta(hours=1), timedelta(hours=2)


def local_starts(booking, zone="Europe/Berlin"):
    from zoneinfo import ZoneInfo

    return [o.starts_at.astimezone(ZoneInfo(zone)) for o in booking.occurrences]


# --- the invariant ----------------------------------------------------------------------------


def test_an_overlapping_request_is_refused_naming_only_the_time(session, make, city):
    book(session, city, title="Geheimes Treffen", purpose="vertraulich")
    other = make.organisation(city.quarter)
    with pytest.raises(BookingConflict) as caught:
        book(session, city, actor=make.member(other), organisation=other,
             start=local(2027, 3, 16, 19), end=local(2027, 3, 16, 21))
    body = caught.value.as_json()
    assert body["conflicts"][0]["starts_at"] == "2027-03-16T18:00:00+01:00"
    assert body["conflicts"][0]["ends_at"] == "2027-03-16T20:00:00+01:00"
    assert "Geheim" not in str(body) and "vertraulich" not in str(body)
    assert session.scalar(select(Booking).where(Booking.organisation == other)) is None


def test_back_to_back_bookings_fit_without_buffers(session, city):
    book(session, city)
    assert book(session, city, start=local(2027, 3, 16, 20), end=local(2027, 3, 16, 21)).id


def test_cleanup_and_setup_buffers_block_the_room(session, city):
    city.room.setup_minutes, city.room.cleanup_minutes = 15, 30
    session.commit()
    first = book(session, city)
    assert first.occurrences[0].blocked_until == datetime(2027, 3, 16, 19, 30, tzinfo=UTC)
    with pytest.raises(BookingConflict):  # starts 20:30, its setup begins in the cleanup
        book(session, city, start=local(2027, 3, 16, 20, 30), end=local(2027, 3, 16, 21))
    assert book(session, city, start=local(2027, 3, 16, 20, 45), end=local(2027, 3, 16, 22)).id


def test_one_taken_date_refuses_the_whole_series(session, city):
    book(session, city, start=local(2027, 4, 6, 18), end=local(2027, 4, 6, 19))
    with pytest.raises(BookingConflict) as caught:
        book(session, city, rrule=weekly_rule(count=6))
    assert caught.value.conflicts[0].starts_at.date() == date(2027, 4, 6)
    assert session.query(Booking).count() == 1


def test_multi_resource_requests_are_all_or_nothing(session, make, city):
    childcare = make.room(city.facility, capacity=10)
    book(session, city, resources=[childcare], attendees=8, start=local(2027, 3, 16, 19),
         end=local(2027, 3, 16, 21))
    with pytest.raises(BookingConflict) as caught:
        book(session, city, resources=[city.room, childcare])
    assert caught.value.conflicts[0].resource_id == childcare.id
    assert session.scalars(
        select(Occurrence).where(Occurrence.resource_id == city.room.id)
    ).all() == []
    both = book(session, city, resources=[city.room, childcare], start=local(2027, 3, 17, 18),
                end=local(2027, 3, 17, 19))
    assert {o.resource_id for o in both.occurrences} == {city.room.id, childcare.id}
    assert {r.id for r in both.resources} == {city.room.id, childcare.id}


def test_pending_requests_do_not_block_but_are_shown_as_pending(session, make, city):
    city.room.approval_required = True
    session.commit()
    first = book(session, city)
    second = book(session, city, start=local(2027, 3, 16, 19), end=local(2027, 3, 16, 21))
    assert first.status == second.status == "pending"
    busy = busy_intervals(session, [city.room.id], datetime(2027, 3, 16, tzinfo=UTC),
                          datetime(2027, 3, 17, tzinfo=UTC))
    assert [o.status for o in busy] == ["pending", "pending"]
    approve_booking(session, actor=city.manager, booking=first, now=NOW, settings=SETTINGS)
    session.commit()
    with pytest.raises(BookingConflict):
        approve_booking(session, actor=city.manager, booking=second, now=NOW, settings=SETTINGS)
    session.refresh(second)
    assert second.status == "pending"


def test_the_database_refuses_overlapping_confirmed_rows_itself(session, city, database):
    """Even a write that skips the domain cannot double-book on PostgreSQL."""
    first = book(session, city)
    if database["kind"] != "postgresql":
        pytest.skip("SQLite relies on the write lock taken by the domain")
    from sqlalchemy.exc import IntegrityError

    taken = first.occurrences[0]
    session.add(Occurrence(booking_id=first.id, resource_id=city.room.id,
                           starts_at=taken.starts_at, ends_at=taken.ends_at,
                           blocked_from=taken.blocked_from, blocked_until=taken.blocked_until,
                           status="confirmed", original_date=taken.original_date))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


# --- series and time zones --------------------------------------------------------------------


def test_a_weekly_series_keeps_its_local_time_across_both_clock_changes(session, city):
    booking = book(session, city, rrule=weekly_rule(until=date(2027, 11, 2)))
    starts = local_starts(booking)
    assert len(starts) == 34
    assert {s.strftime("%a %H:%M") for s in starts} == {"Tue 18:00"}
    offsets = {s.date(): s.utcoffset() for s in starts}
    assert offsets[date(2027, 3, 23)] == BERLIN_OFFSET_WINTER
    assert offsets[date(2027, 3, 30)] == BERLIN_OFFSET_SUMMER  # after 2027-03-28
    assert offsets[date(2027, 10, 26)] == BERLIN_OFFSET_SUMMER
    assert offsets[date(2027, 11, 2)] == BERLIN_OFFSET_WINTER  # after 2027-10-31


def test_every_other_week_with_school_holidays_left_out_and_a_moved_date(session, city):
    booking = book(session, city, rrule=weekly_rule(interval=2, count=5),
                   exdates=["2027-03-30"],
                   moved={date(2027, 4, 13): (local(2027, 4, 14, 10), local(2027, 4, 14, 12))})
    assert [(o.original_date.isoformat(), s.strftime("%Y-%m-%d %H:%M"))
            for o, s in zip(booking.occurrences, local_starts(booking), strict=True)] == [
        ("2027-03-16", "2027-03-16 18:00"),
        ("2027-04-13", "2027-04-14 10:00"),
        ("2027-04-27", "2027-04-27 18:00"),
        ("2027-05-11", "2027-05-11 18:00"),
    ]
    assert booking.exdates == ["2027-03-30"]


def test_monthly_on_the_second_tuesday(session, city):
    booking = book(session, city, start=local(2027, 3, 9, 18), end=local(2027, 3, 9, 20),
                   rrule=monthly_nth_weekday_rule(2, 1, count=3))
    assert [s.date().isoformat() for s in local_starts(booking)] == [
        "2027-03-09", "2027-04-13", "2027-05-11"]


# --- approval ---------------------------------------------------------------------------------


@pytest.fixture
def pending_series(session, city):
    city.room.approval_required = True
    session.commit()
    return book(session, city, rrule=weekly_rule(count=3))


def test_a_manager_approves_single_dates_then_the_rest(session, city, pending_series):
    assert approval_queue(session, city.manager) == [pending_series]
    approve_booking(session, actor=city.manager, booking=pending_series, dates=["2027-03-23"],
                    now=NOW, settings=SETTINGS)
    session.commit()
    assert [o.status for o in pending_series.occurrences] == ["pending", "confirmed", "pending"]
    assert pending_series.status == "pending"
    approve_booking(session, actor=city.manager, booking=pending_series, now=NOW, settings=SETTINGS)
    session.commit()
    assert pending_series.status == "approved"
    assert approval_queue(session, city.manager) == []


def test_a_rejection_needs_a_reason_and_is_logged(session, city, pending_series):
    with pytest.raises(InvalidInput) as caught:
        reject_booking(session, actor=city.manager, booking=pending_series, reason=" ", now=NOW)
    assert caught.value.field == "reason"
    reject_booking(session, actor=city.manager, booking=pending_series, reason="Belegt",
                   now=NOW)
    session.commit()
    assert pending_series.status == "rejected"
    assert pending_series.status_reason == "Belegt"
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.subject_id == pending_series.id).order_by(AuditEntry.id)).all()
    assert actions == ["requested", "rejected"]


def test_members_and_managers_of_other_quarters_cannot_decide(session, make, city,
                                                              pending_series):
    outsider = make.manager(make.quarter())
    for actor in (city.member, outsider):
        with pytest.raises(Forbidden):
            approve_booking(session, actor=actor, booking=pending_series, now=NOW,
                            settings=SETTINGS)
        with pytest.raises(Forbidden):
            reject_booking(session, actor=actor, booking=pending_series, reason="x", now=NOW)


def test_another_organisations_member_cannot_cancel_or_change(session, make, city):
    booking = book(session, city)
    stranger = make.member(make.organisation(city.quarter))
    with pytest.raises(Forbidden):
        cancel_booking(session, actor=stranger, booking=booking, reason="x", now=NOW)
    with pytest.raises(Forbidden):
        change_booking(session, actor=stranger, booking=booking,
                       local_start=local(2027, 3, 16, 10), local_end=local(2027, 3, 16, 11),
                       scope="all", now=NOW, settings=SETTINGS)
    with pytest.raises(Forbidden):
        book(session, city, actor=stranger)  # for an organisation they are not in


def test_a_manager_booking_their_own_room_needs_no_approval(session, city):
    city.room.approval_required = True
    session.commit()
    city.manager.memberships  # noqa: B018
    from meetingplaces.models import Membership

    session.add(Membership(user=city.manager, organisation=city.organisation))
    session.commit()
    assert book(session, city, actor=city.manager).status == "approved"


# --- cancelling and changing ------------------------------------------------------------------


def test_cancel_one_date_then_this_and_following_frees_the_room(session, make, city):
    booking = book(session, city, rrule=weekly_rule(count=4))
    cancel_booking(session, actor=city.member, booking=booking, reason="Krank", scope="this",
                   date="2027-03-23", now=NOW)
    session.commit()
    cancel_booking(session, actor=city.manager, booking=booking, reason="Ferien",
                   scope="following", date=date(2027, 4, 6), now=NOW)
    session.commit()
    assert [o.status for o in booking.occurrences] == [
        "confirmed", "cancelled", "confirmed", "cancelled"]
    assert booking.status == "approved"
    assert book(session, city, start=local(2027, 3, 23, 18), end=local(2027, 3, 23, 20)).id
    cancel_booking(session, actor=city.member, booking=booking, reason="Ende", now=NOW)
    session.commit()
    assert booking.status == "cancelled"


def test_cancelling_needs_a_date_for_a_single_date_and_a_known_scope(session, city):
    booking = book(session, city, rrule=weekly_rule(count=2))
    with pytest.raises(InvalidInput) as caught:
        cancel_booking(session, actor=city.member, booking=booking, reason="x", scope="this",
                       now=NOW)
    assert caught.value.field == "date"
    with pytest.raises(InvalidInput) as caught:
        cancel_booking(session, actor=city.member, booking=booking, reason="x", scope="some",
                       now=NOW)
    assert caught.value.field == "scope"


def test_a_moved_date_survives_an_edit_of_the_whole_series(session, city):
    booking = book(session, city, rrule=weekly_rule(count=3))
    change_booking(session, actor=city.member, booking=booking, scope="this",
                   date="2027-03-23", local_start=local(2027, 3, 24, 10),
                   local_end=local(2027, 3, 24, 11), now=NOW, settings=SETTINGS)
    session.commit()
    change_booking(session, actor=city.member, booking=booking, scope="all",
                   local_start=local(2027, 3, 16, 17), local_end=local(2027, 3, 16, 19),
                   now=NOW, settings=SETTINGS)
    session.commit()
    assert [s.strftime("%Y-%m-%d %H:%M") for s in local_starts(booking)] == [
        "2027-03-16 17:00", "2027-03-24 10:00", "2027-03-30 17:00"]
    assert booking.local_start == local(2027, 3, 16, 17)
    log = session.scalars(select(AuditEntry).where(AuditEntry.subject_id == booking.id)
                          .order_by(AuditEntry.id)).all()
    assert [entry.action for entry in log] == ["confirmed", "changed", "changed"]


def test_changing_time_sends_it_back_for_approval(session, city):
    city.room.approval_required = True
    session.commit()
    booking = book(session, city)
    approve_booking(session, actor=city.manager, booking=booking, now=NOW, settings=SETTINGS)
    session.commit()
    change_booking(session, actor=city.member, booking=booking, scope="all",
                   local_start=local(2027, 3, 16, 16), local_end=local(2027, 3, 16, 18), now=NOW,
                       settings=SETTINGS)
    session.commit()
    assert booking.status == "pending"
    assert [o.status for o in booking.occurrences] == ["pending"]


def test_changing_into_a_taken_slot_keeps_the_old_times(session, city):
    book(session, city, start=local(2027, 3, 16, 10), end=local(2027, 3, 16, 12))
    booking = book(session, city)
    with pytest.raises(BookingConflict):
        change_booking(session, actor=city.member, booking=booking, scope="all",
                       local_start=local(2027, 3, 16, 11), local_end=local(2027, 3, 16, 13),
                       now=NOW, settings=SETTINGS)
    session.refresh(booking)
    assert local_starts(booking)[0].hour == 18


def test_moving_to_another_room(session, make, city):
    other = make.room(city.facility)
    booking = book(session, city, rrule=weekly_rule(count=2))
    change_booking(session, actor=city.member, booking=booking, scope="all", resources=[other],
                   now=NOW, settings=SETTINGS)
    session.commit()
    assert {o.resource_id for o in booking.occurrences} == {other.id}
    assert [r.id for r in booking.resources] == [other.id]


def test_a_skipped_or_cancelled_date_can_be_added_back(session, city):
    booking = book(session, city, rrule=weekly_rule(count=3), exdates=["2027-03-23"])
    cancel_booking(session, actor=city.member, booking=booking, reason="x", scope="this",
                   date="2027-03-30", now=NOW)
    session.commit()
    add_back_date(session, actor=city.member, booking=booking, date="2027-03-23", now=NOW,
                  settings=SETTINGS)
    add_back_date(session, actor=city.member, booking=booking, date="2027-03-30", now=NOW,
                  settings=SETTINGS)
    session.commit()
    assert [(o.original_date.day, o.status) for o in booking.occurrences] == [
        (16, "confirmed"), (23, "confirmed"), (30, "confirmed")]
    assert booking.exdates == []
    with pytest.raises(InvalidInput):
        add_back_date(session, actor=city.member, booking=booking, date="2027-04-13", now=NOW,
                      settings=SETTINGS)


def test_free_instead_in_the_quarter(session, make, city):
    city.room.equipment = ["beamer"]
    session.commit()
    book(session, city)
    twin = make.room(city.facility, capacity=30, equipment=["beamer", "kitchen"], step_free=True)
    make.room(city.facility, capacity=5, equipment=["beamer"])  # too small
    bare = make.room(city.facility, capacity=30)  # no beamer: offered after those with one
    elsewhere = make.room(make.facility(city.quarter), capacity=40, equipment=["beamer"])
    make.room(make.facility(), capacity=40, equipment=["beamer"])  # another quarter
    taken = [PlannedOccurrence(city.room, date(2027, 3, 16), local(2027, 3, 16, 18),
                               local(2027, 3, 16, 20), datetime(2027, 3, 16, 17, tzinfo=UTC),
                               datetime(2027, 3, 16, 19, tzinfo=UTC))]

    [found] = free_instead(session, taken, attendees=12, now=NOW, settings=SETTINGS)
    assert found == [twin, bare, elsewhere]
    [step_free] = free_instead(session, taken, attendees=12, step_free=True, now=NOW,
                               settings=SETTINGS)
    assert step_free == [twin]
