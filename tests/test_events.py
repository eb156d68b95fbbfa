"""The events domain: validation, repetition in local time, SEQUENCE rules, moderation, audit."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from meetingplaces.errors import Conflict, Forbidden, InvalidInput, NotFound
from meetingplaces.events import (
    approve_event,
    cancel_event,
    cancel_occurrence,
    create_event,
    delete_event,
    move_occurrence,
    reject_event,
    update_event,
)
from meetingplaces.events.occurrences import expand
from meetingplaces.events.search import EventFilters, find_occurrences
from meetingplaces.events.text import plain_text, render_markdown
from meetingplaces.models import AuditEntry, OutboxMessage
from meetingplaces.models.events import Event, EventCalendarBlock
from meetingplaces.timeline import EVENT_RULES, normalise_rule

from .events_factories import (  # noqa: F401
    BERLIN,
    NOW,
    event,
    local,
    ostersbaum_fixture,
    ostersbaum_manager_fixture,
)


def test_until_as_a_date_means_up_to_the_end_of_that_local_day():
    rule = normalise_rule("FREQ=WEEKLY;UNTIL=20270630", limits=EVENT_RULES, zone=BERLIN)
    assert rule == "FREQ=WEEKLY;UNTIL=20270630T215959Z"
    assert normalise_rule("RRULE:FREQ=DAILY;UNTIL=20270630", limits=EVENT_RULES, all_day=True,
                          zone=BERLIN) == "FREQ=DAILY;UNTIL=20270630"


@pytest.mark.parametrize("rule", ["FREQ=SECONDLY", "FREQ=HOURLY", "FREQ=WEEKLY;COUNT=2;UNTIL="
                                  "20270101", "FREQ=WEEKLY;BYDAY=XX", "nonsense",
                                  "FREQ=DAILY;COUNT=5000"])
def test_bad_rules_are_refused_with_the_field_named(rule):
    with pytest.raises(InvalidInput) as refused:
        normalise_rule(rule, limits=EVENT_RULES, zone=BERLIN)
    assert refused.value.field == "rrule"


def test_weekly_series_keeps_local_time_across_dst(session, manager, quarter):
    series = event(session, manager, quarter, rrule="FREQ=WEEKLY;BYDAY=TU",
                   starts_at=local(2027, 3, 16, 18), ends_at=local(2027, 3, 16, 20))
    dates = expand(series, datetime(2027, 3, 15, tzinfo=UTC), datetime(2027, 4, 7, tzinfo=UTC))
    assert [o.local_start.hour for o in dates] == [18, 18, 18, 18]
    assert [o.starts_at.astimezone(UTC).hour for o in dates] == [17, 17, 16, 16]


def test_series_span_covers_count_and_stays_open_without_end(session, manager, quarter):
    counted = event(session, manager, quarter, rrule="FREQ=WEEKLY;COUNT=3")
    assert counted.last_ends_at == local(2027, 1, 26, 20).astimezone(UTC)
    endless = event(session, manager, quarter, rrule="FREQ=WEEKLY")
    assert endless.last_ends_at is None


@pytest.mark.parametrize("fields, field", [
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"category": "party"}, "category"),
    ({"target_groups": ["aliens"]}, "target_groups"),
    ({"languages": ["klingon"]}, "languages"),
    ({"is_free": False, "cost": ""}, "cost"),
    ({"registration_required": True}, "registration_contact"),
    ({"starts_at": local(2027, 1, 12, 20), "ends_at": local(2027, 1, 12, 18)}, "ends_at"),
    ({"starts_at": datetime(2027, 1, 12, 18), "ends_at": local(2027, 1, 12, 20)}, "starts_at"),
    ({"start_date": date(2027, 1, 3), "end_date": date(2027, 1, 1)}, "end_date"),
    ({"latitude": 91.0}, "latitude"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"exdates": ["2027-13-01"]}, "exdates"),
    ({"translations": {"xx": {"title": "?"}}}, "translations"),
])
def test_invalid_events_are_refused_naming_the_field(session, manager, quarter, fields, field):
    base = {"title": "Café", "starts_at": local(2027, 1, 12, 18),
            "ends_at": local(2027, 1, 12, 20)}
    if "start_date" in fields:
        base.pop("starts_at"), base.pop("ends_at")
    with pytest.raises(InvalidInput) as refused:
        create_event(session, actor=manager, quarter=quarter, now=NOW, **{**base, **fields})
    assert refused.value.field == field


def test_facility_of_another_quarter_is_refused(session, make, manager, quarter):
    elsewhere = make.facility(make.quarter())
    with pytest.raises(InvalidInput) as refused:
        event(session, manager, quarter, facility=elsewhere)
    assert refused.value.field == "facility"


def test_only_managers_of_the_quarter_and_members_publish_or_propose(session, make, quarter):
    outsider = make.user()
    with pytest.raises(Forbidden):
        event(session, outsider, quarter)
    other_manager = make.manager(make.quarter())
    with pytest.raises(Forbidden):
        event(session, other_manager, quarter)
    foreign = make.organisation(quarter)
    with pytest.raises(Forbidden):
        event(session, outsider, quarter, organisation=foreign)
    inactive = make.organisation(quarter, status="pending")
    with pytest.raises(Forbidden):
        event(session, make.member(inactive), quarter, organisation=inactive)


def test_sequence_rises_for_visible_changes_only(session, manager, quarter):
    single = event(session, manager, quarter)
    update_event(session, single, actor=manager, now=NOW, is_public=False)
    assert single.sequence == 0
    update_event(session, single, actor=manager, now=NOW, place_name="Saal")
    assert single.sequence == 1
    update_event(session, single, actor=manager, now=NOW,
                 translations={"en": {"title": "Language café", "description": ""}})
    assert single.sequence == 2
    uid = single.uid
    update_event(session, single, actor=manager, now=NOW, starts_at=local(2027, 1, 13, 18),
                 ends_at=local(2027, 1, 13, 20))
    assert single.sequence == 3 and single.uid == uid


def test_every_change_is_in_the_audit_log(session, manager, quarter):
    series = event(session, manager, quarter, rrule="FREQ=WEEKLY")
    cancel_occurrence(session, series, date(2027, 1, 19), actor=manager, now=NOW)
    move_occurrence(session, series, date(2027, 1, 26), actor=manager, now=NOW,
                    starts_at=local(2027, 1, 27, 18), ends_at=local(2027, 1, 27, 20))
    cancel_event(session, series, actor=manager, now=NOW, reason="Ende")
    session.commit()
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.subject_type == "event", AuditEntry.subject_id == series.id)
        .order_by(AuditEntry.id)).all()
    assert actions == ["create", "cancel_date", "move_date", "cancel"]


def test_only_dates_the_rule_produces_can_be_changed(session, manager, quarter):
    series = event(session, manager, quarter, rrule="FREQ=WEEKLY;BYDAY=TU")
    with pytest.raises(NotFound):
        cancel_occurrence(session, series, date(2027, 1, 20), actor=manager, now=NOW)
    single = event(session, manager, quarter)
    with pytest.raises(InvalidInput):
        cancel_occurrence(session, single, date(2027, 1, 12), actor=manager, now=NOW)


def test_moved_all_day_date_lands_on_its_new_days(session, manager, quarter):
    market = event(session, manager, quarter, title="Markt", start_date=date(2027, 1, 9),
                   end_date=date(2027, 1, 9), rrule="FREQ=WEEKLY")
    move_occurrence(session, market, date(2027, 1, 16), actor=manager, now=NOW,
                    start_date=date(2027, 1, 17))
    dates = expand(market, local(2027, 1, 14, 0), local(2027, 1, 24, 0))
    assert [(o.start_date, o.moved) for o in dates] == [
        (date(2027, 1, 17), True), (date(2027, 1, 23), False)]


def test_proposal_flow_mails_managers_and_the_proposer(session, make, manager, quarter):
    organisation = make.organisation(quarter)
    member = make.member(organisation, email="proposer@example.org")
    proposal = event(session, member, quarter, organisation=organisation)
    assert proposal.status == "proposed" and proposal.proposed_by == member
    reject_event(session, proposal, actor=manager, now=NOW, reason="Bitte Uhrzeit prüfen")
    update_event(session, proposal, actor=member, now=NOW, title="Sprachcafé (neu)")
    assert proposal.status == "proposed" and proposal.rejection_reason == ""
    approve_event(session, proposal, actor=manager, now=NOW)
    session.commit()
    recipients = session.scalars(select(OutboxMessage.recipient).order_by(
        OutboxMessage.id)).all()
    assert recipients == [manager.email, "proposer@example.org", manager.email,
                          "proposer@example.org"]
    assert set(session.scalars(select(OutboxMessage.quarter_id))) == {quarter.id}
    with pytest.raises(Forbidden):
        update_event(session, proposal, actor=member, now=NOW, title="Nach Freigabe")


def test_reject_needs_a_reason_and_a_proposal(session, make, manager, quarter):
    organisation = make.organisation(quarter)
    proposal = event(session, make.member(organisation), quarter, organisation=organisation)
    with pytest.raises(InvalidInput):
        reject_event(session, proposal, actor=manager, now=NOW, reason="  ")
    published = event(session, manager, quarter)
    with pytest.raises(Conflict):
        approve_event(session, published, actor=manager, now=NOW)


def test_blocks_exist_only_while_an_event_is_in_feeds(session, manager, quarter):
    single = event(session, manager, quarter)
    languages = session.scalars(select(EventCalendarBlock.language).where(
        EventCalendarBlock.event_id == single.id)).all()
    assert sorted(languages) == sorted(["de", "en", "ar", "uk", "tr", "fa", "ru"])
    update_event(session, single, actor=manager, now=NOW, is_public=False)
    session.commit()
    assert session.scalars(select(EventCalendarBlock).where(
        EventCalendarBlock.event_id == single.id)).all() == []


def test_deleting_removes_the_event_and_its_blocks(session, manager, quarter):
    single = event(session, manager, quarter)
    delete_event(session, single, actor=manager, now=NOW)
    session.commit()
    assert session.scalars(select(Event)).all() == []
    assert session.scalars(select(EventCalendarBlock)).all() == []


def test_domain_functions_leave_the_commit_to_the_caller(session, manager, quarter):
    create_event(session, actor=manager, quarter=quarter, now=NOW, title="Nie gespeichert",
                 starts_at=local(2027, 1, 12, 18), ends_at=local(2027, 1, 12, 20))
    session.rollback()
    assert session.scalars(select(Event)).all() == []


def test_search_filters_and_cancelled_dates(session, manager, quarter):
    series = event(session, manager, quarter, title="Kinderturnen", category="sport",
                   target_groups=["children"], rrule="FREQ=WEEKLY", step_free=True)
    event(session, manager, quarter, title="Seniorencafé", target_groups=["seniors"],
          languages=["tr"])
    cancel_occurrence(session, series, date(2027, 1, 19), actor=manager, now=NOW)
    session.commit()
    start, end = local(2027, 1, 11, 0), local(2027, 1, 25, 0)
    children = find_occurrences(session, start, end, filters=EventFilters(audience="children"))
    assert [(o.start_date, o.cancelled) for o in children] == [
        (date(2027, 1, 12), False), (date(2027, 1, 19), True)]
    turkish = find_occurrences(session, start, end, filters=EventFilters(language="tr"))
    assert [o.event.title for o in turkish] == ["Seniorencafé"]
    text = find_occurrences(session, start, end, filters=EventFilters(text="TURNEN"))
    assert {o.event.title for o in text} == {"Kinderturnen"}


def test_markdown_is_sanitised_for_pages_and_plain_for_calendars():
    html = render_markdown('<script>x</script><a href="javascript:alert(1)">a</a> **b**')
    assert "<script" not in html and "javascript:" not in html and "<strong>b</strong>" in html
    assert plain_text("# Titel\n\n**fett** & <i>kursiv</i>") == "Titel\n\nfett & kursiv"


def test_instants_are_stored_unambiguously(session, manager, quarter):
    single = event(session, manager, quarter, starts_at=local(2027, 10, 31, 2, 30),
                   ends_at=local(2027, 10, 31, 4))
    session.expire_all()
    stored = session.get(Event, single.id)
    assert stored.starts_at.tzinfo is not None
    assert stored.starts_at.astimezone(ZoneInfo("Europe/Berlin")).utcoffset() == timedelta(
        hours=2)
