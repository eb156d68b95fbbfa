"""Changing a saved season: single dates, a stop from a date on, the end; what the quarter
feeds and the van's bookings show afterwards."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from sqlalchemy import select

from meetingplaces.booking import approve_booking, request_booking
from meetingplaces.booking.errors import BookingConflict
from meetingplaces.calendar.ics import date_uid
from meetingplaces.errors import Conflict, InvalidInput
from meetingplaces.mail import send_due
from meetingplaces.models import OutboxMessage
from meetingplaces.models.audit import AuditEntry
from meetingplaces.models.bookings import Occurrence
from meetingplaces.rounds import (
    RoundClash,
    Yield,
    add_extra_date,
    approve_by_yielding,
    assign_staff,
    cancel_date,
    change_stop_from,
    colliding_dates,
    end_season,
    move_date,
    restore_date,
)

from . import rounds_factories
from .booking_factories import SETTINGS, local
from .rounds_factories import NOW, dates_of, save, stop

spielmobil = rounds_factories.spielmobil
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def app_config(mail_config):
    return {"FIXED_NOW": NOW, **mail_config}


def feed(client, slug="heckinghausen"):
    response = client.get(f"/quarters/{slug}/calendar.ics")
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.data)


def occurrences(calendar, start=(2027, 4, 1), end=(2027, 7, 10)):
    return sorted(recurring_ical_events.of(calendar).between(start, end),
                  key=lambda o: o["DTSTART"].dt)


def on_day(calendar, day):
    return [o for o in occurrences(calendar) if o["DTSTART"].dt.date() == day]


def request_van(session, city, day, start=17, end=19):
    booking = request_booking(
        session, actor=city.member, organisation=city.organisation, resources=[city.van],
        local_start=local(day.year, day.month, day.day, start),
        local_end=local(day.year, day.month, day.day, end), title="Straßenfest",
        attendees=30, location="Marktstraße 3", now=NOW, settings=SETTINGS)
    session.commit()
    return booking


def test_a_cancelled_date_shows_cancelled_in_the_quarter_feed_and_frees_the_van(
        client, session, spielmobil, smtp_sink, app):
    round_ = save(session, spielmobil)
    heck = dates_of(round_, "Heckinghauser Platz")[2]
    assert heck.original_date == date(2027, 4, 20)
    assign_staff(session, actor=spielmobil.manager, round_date=heck, staff=[spielmobil.staff],
                 now=NOW, settings=SETTINGS)
    session.commit()
    uid = heck.event.uid

    cancel_date(session, actor=spielmobil.manager, round_date=heck, reason="Regen & Sturm",
                now=NOW, settings=SETTINGS)
    session.commit()

    # Left out of the series (EXDATE, the form every reader agrees on), the reason told in it.
    assert on_day(feed(client), date(2027, 4, 20)) == []
    [following] = on_day(feed(client), date(2027, 4, 27))
    assert str(following["STATUS"]) == "CONFIRMED" and str(following["UID"]) == uid
    assert "Regen & Sturm" in str(following["DESCRIPTION"])
    # The van is free again: a request at that time can be approved.
    festival = request_van(session, spielmobil, date(2027, 4, 20), 17, 19)
    approve_booking(session, actor=spielmobil.manager, booking=festival, now=NOW, settings=SETTINGS)
    session.commit()
    assert festival.status == "approved"
    send_due(session, app.config)
    smtp_sink.wait_for(2)
    to_staff = smtp_sink.to(spielmobil.staff.email)
    bodies = [m.get_body(preferencelist=("plain",)).get_content() for m in to_staff]
    assert any("Regen & Sturm" in body and "Heckinghauser Platz" in body for body in bodies)


def test_a_restored_date_is_back_in_the_feed_holds_the_van_and_the_team_is_told(
        client, session, spielmobil, smtp_sink, app):
    round_ = save(session, spielmobil)
    heck = dates_of(round_, "Heckinghauser Platz")[2]
    assign_staff(session, actor=spielmobil.manager, round_date=heck, staff=[spielmobil.staff],
                 now=NOW, settings=SETTINGS)
    cancel_date(session, actor=spielmobil.manager, round_date=heck, reason="Regen",
                now=NOW, settings=SETTINGS)
    session.commit()
    sequence = heck.event.sequence

    restore_date(session, actor=spielmobil.manager, round_date=heck, now=NOW,
                 settings=SETTINGS)
    session.commit()

    [back] = on_day(feed(client), date(2027, 4, 20))
    assert str(back["UID"]) == heck.event.uid and heck.event.sequence > sequence
    with pytest.raises(BookingConflict):
        approve_booking(session, actor=spielmobil.manager,
                        booking=request_van(session, spielmobil, date(2027, 4, 20), 17, 19),
                        now=NOW, settings=SETTINGS)
    session.rollback()
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.subject_type == "round", AuditEntry.subject_id == round_.id)).all()
    assert "date_restored" in actions
    send_due(session, app.config)
    smtp_sink.wait_for(3)
    subjects = [str(m["Subject"]) for m in smtp_sink.to(spielmobil.staff.email)]
    assert any("abgesagt" in s or "cancelled" in s for s in subjects)
    assert any("after all" in s or "doch" in s for s in subjects)
    assert set(session.scalars(select(OutboxMessage.quarter_id).where(
        OutboxMessage.recipient == spielmobil.staff.email))) == {heck.stop.quarter_id}
    with pytest.raises(Conflict):
        restore_date(session, actor=spielmobil.manager, round_date=heck, now=NOW,
                     settings=SETTINGS)


def test_a_moved_date_appears_once_at_its_new_time_under_the_same_uid(client, session,
                                                                      spielmobil):
    round_ = save(session, spielmobil)
    heck = dates_of(round_, "Heckinghauser Platz")[1]
    uid, sequence = heck.event.uid, heck.event.sequence
    move_date(session, actor=spielmobil.manager, round_date=heck,
              local_start=local(2027, 4, 14, 16), local_end=local(2027, 4, 14, 18), now=NOW,
              settings=SETTINGS)
    session.commit()
    calendar = feed(client)
    assert on_day(calendar, date(2027, 4, 13)) == []
    moved = on_day(calendar, date(2027, 4, 14))
    assert [(str(o["UID"]), str(o["RELATED-TO"]), o["DTSTART"].dt.hour) for o in moved] == [
        (date_uid(uid, date(2027, 4, 13)), uid, 16)]
    assert heck.event.sequence > sequence
    assert heck.status == "moved"
    occurrence = session.scalar(select(Occurrence).where(Occurrence.booking_id == heck.booking_id,
                                                         Occurrence.status == "confirmed"))
    assert occurrence.starts_at == heck.starts_at


def test_a_move_into_another_stop_or_too_close_to_it_is_refused(session, spielmobil):
    round_ = save(session, spielmobil)
    heck = dates_of(round_, "Heckinghauser Platz")[1]
    with pytest.raises(RoundClash) as refused:
        move_date(session, actor=spielmobil.manager, round_date=heck,
                  local_start=local(2027, 4, 13, 17, 15), local_end=local(2027, 4, 13, 19),
                  now=NOW, settings=SETTINGS)
    assert [c.kind for c in refused.value.clashes] == ["travel"]
    session.refresh(heck)
    assert heck.status == "planned"


def test_a_change_from_june_leaves_may_untouched(client, session, spielmobil):
    round_ = save(session, spielmobil)
    tuesday = next(s for s in round_.stops if s.place_name == "Wichlinghauser Markt")
    may = [(d.id, d.starts_at, d.booking_id) for d in tuesday.dates
           if d.original_date.month == 5]
    uid = tuesday.event.uid
    new = change_stop_from(session, actor=spielmobil.manager, stop=tuesday,
                           from_date=date(2027, 6, 1),
                           changed=stop(spielmobil.wichlinghausen, start="14:00",
                                        end="16:00"), now=NOW, settings=SETTINGS)
    session.commit()
    assert [(d.id, d.starts_at, d.booking_id) for d in tuesday.dates
            if d.original_date.month == 5] == may
    assert tuesday.effective_until == date(2027, 5, 31)
    assert new.effective_from == date(2027, 6, 1)
    assert [d.original_date for d in new.dates][0] == date(2027, 6, 1)
    calendar = feed(client, "wichlinghausen")
    tuesdays = [o for o in occurrences(calendar) if o["DTSTART"].dt.weekday() == 1]
    assert {o["DTSTART"].dt.hour for o in tuesdays if o["DTSTART"].dt.month == 5} == {15}
    assert {o["DTSTART"].dt.hour for o in tuesdays if o["DTSTART"].dt.month == 6} == {14}
    assert {str(o["UID"]) for o in tuesdays if o["DTSTART"].dt.month == 5} == {uid}
    assert len([o for o in tuesdays if o["DTSTART"].dt.date() == date(2027, 6, 8)]) == 1


def test_a_change_keeps_the_cancelled_dates_and_the_staff_of_its_days(
        client, session, spielmobil, smtp_sink, app):
    round_ = save(session, spielmobil)
    tuesday = next(s for s in round_.stops if s.place_name == "Wichlinghauser Markt")
    by_day = {d.original_date: d for d in tuesday.dates}
    assign_staff(session, actor=spielmobil.manager, round_date=by_day[date(2027, 6, 8)],
                 staff=[spielmobil.staff], now=NOW, settings=SETTINGS)
    cancel_date(session, actor=spielmobil.manager, round_date=by_day[date(2027, 6, 15)],
                reason="Stadtteilfest auf dem Markt", now=NOW, settings=SETTINGS)
    session.commit()
    send_due(session, app.config)
    smtp_sink.wait_for(1)
    before = len(smtp_sink.to(spielmobil.staff.email))

    new = change_stop_from(session, actor=spielmobil.manager, stop=tuesday,
                           from_date=date(2027, 6, 1),
                           changed=stop(spielmobil.wichlinghausen, start="14:00", end="16:00"),
                           now=NOW, settings=SETTINGS)
    session.commit()
    dates = {d.original_date: d for d in new.dates}
    assert dates[date(2027, 6, 8)].staff == [spielmobil.staff]
    assert dates[date(2027, 6, 22)].staff == []
    cancelled = dates[date(2027, 6, 15)]
    assert cancelled.is_cancelled and cancelled.reason == "Stadtteilfest auf dem Markt"
    assert cancelled.booking is None, "the van is not held on a cancelled date"
    assert session.scalar(select(Occurrence).where(
        Occurrence.resource_id == spielmobil.van.id, Occurrence.status == "confirmed",
        Occurrence.starts_at == datetime(2027, 6, 15, 14, tzinfo=BERLIN))) is None

    calendar = feed(client, "wichlinghausen")
    assert on_day(calendar, date(2027, 6, 15)) == []
    [on_22nd] = on_day(calendar, date(2027, 6, 22))
    assert "Stadtteilfest auf dem Markt" in str(on_22nd["DESCRIPTION"])
    assert [o["DTSTART"].dt.hour for o in on_day(calendar, date(2027, 6, 8))] == [14]

    send_due(session, app.config)
    smtp_sink.wait_for(before + 1)
    told = smtp_sink.to(spielmobil.staff.email)[before:]
    assert len(told) == 1, "only the person on a changed date is told, once"
    body = told[0].get_body(preferencelist=("plain",)).get_content()
    assert "08.06.2027, 14:00" in body


def test_a_change_may_not_reach_into_the_past(session, spielmobil):
    round_ = save(session, spielmobil)
    with pytest.raises(InvalidInput) as refused:
        change_stop_from(session, actor=spielmobil.manager, stop=round_.stops[0],
                         from_date=date(2027, 2, 1), changed=stop(spielmobil.wichlinghausen),
                         now=NOW, settings=SETTINGS)
    assert refused.value.field == "from_date"


def test_ending_the_season_early_releases_the_later_dates(client, session, spielmobil):
    round_ = save(session, spielmobil)
    end_season(session, actor=spielmobil.manager, round_=round_, last_day=date(2027, 5, 31),
               reason="Fahrzeug in Reparatur", now=NOW, settings=SETTINGS)
    session.commit()
    assert round_.status == "ended"
    assert max(d.original_date for s in round_.stops for d in s.dates) <= date(2027, 5, 31)
    later = session.scalars(select(Occurrence).where(
        Occurrence.resource_id == spielmobil.van.id, Occurrence.status == "confirmed",
        Occurrence.starts_at >= datetime(2027, 6, 1, tzinfo=BERLIN))).all()
    assert later == []
    days = [o["DTSTART"].dt.date() for o in occurrences(feed(client))]
    assert days and max(days) <= date(2027, 5, 31)


def test_an_extra_date_gets_its_own_booking_and_event(client, session, spielmobil):
    round_ = save(session, spielmobil)
    heck = next(s for s in round_.stops if s.place_name == "Heckinghauser Platz")
    extra = add_extra_date(session, actor=spielmobil.manager, stop=heck, day=date(2027, 4, 17),
                           local_start=time(11), local_end=time(13), now=NOW, settings=SETTINGS)
    session.commit()
    assert extra.is_extra and extra.booking.status == "approved"
    assert [o["DTSTART"].dt.hour for o in on_day(feed(client), date(2027, 4, 17))] == [11]


def test_a_request_colliding_with_a_stop_is_confirmed_only_when_the_stop_moves(session,
                                                                               spielmobil):
    round_ = save(session, spielmobil)
    festival = request_van(session, spielmobil, date(2027, 4, 20), 17, 19)
    assert festival.status == "pending"
    heck = dates_of(round_, "Heckinghauser Platz")[2]
    assert colliding_dates(session, festival) == [heck]
    with pytest.raises(BookingConflict):
        approve_booking(session, actor=spielmobil.manager, booking=festival, now=NOW,
                        settings=SETTINGS)
    session.refresh(festival)
    assert festival.status == "pending"

    # Moving the stop to a time that still collides changes nothing at all.
    with pytest.raises(Conflict):
        approve_by_yielding(session, actor=spielmobil.manager, booking=festival, reason="Fest",
                            yields=[Yield(heck, local(2027, 4, 20, 18), local(2027, 4, 20, 19))],
                            now=NOW, settings=SETTINGS)
    session.refresh(heck)
    session.refresh(festival)
    assert (heck.status, festival.status) == ("planned", "pending")

    approve_by_yielding(session, actor=spielmobil.manager, booking=festival, reason="Fest",
                        yields=[Yield(heck, local(2027, 4, 21, 16), local(2027, 4, 21, 18))],
                        now=NOW, settings=SETTINGS)
    session.commit()
    assert festival.status == "approved"
    assert heck.status == "moved"


def test_a_request_can_be_approved_by_cancelling_the_colliding_stop(session, spielmobil):
    round_ = save(session, spielmobil)
    festival = request_van(session, spielmobil, date(2027, 4, 20), 17, 19)
    heck = dates_of(round_, "Heckinghauser Platz")[2]
    approve_by_yielding(session, actor=spielmobil.manager, booking=festival,
                        reason="Straßenfest", yields=[Yield(heck)], now=NOW, settings=SETTINGS)
    session.commit()
    assert festival.status == "approved" and heck.status == "cancelled"


def test_only_team_members_can_be_assigned(session, spielmobil, make):
    round_ = save(session, spielmobil)
    with pytest.raises(InvalidInput):
        assign_staff(session, actor=spielmobil.manager, round_date=round_.stops[0].dates[0],
                     staff=[make.user()], now=NOW, settings=SETTINGS)
