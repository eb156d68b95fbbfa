"""Managing, proposing and moderating events through the web pages."""

import pytest
from sqlalchemy import select

from meetingplaces.mail import send_due
from meetingplaces.models.events import Event

from .events_factories import NOW, event


@pytest.fixture
def app_config(mail_config):
    return {"FIXED_NOW": NOW, **mail_config}


@pytest.fixture
def quarter(make):
    return make.quarter(slug="ostersbaum", name="Ostersbaum")


@pytest.fixture
def manager(make, quarter):
    return make.manager(quarter, email="manager@example.org")


@pytest.fixture
def organisation(make, quarter):
    return make.organisation(quarter, name="Nachbarschaftsverein")


@pytest.fixture
def member(make, organisation):
    return make.member(organisation, email="member@example.org")


def form_data(**overrides):
    data = {
        "quarter": "", "organisation": "0", "title": "Sprachcafé", "description": "Willkommen",
        "category": "cafe", "target_groups": ["everyone"], "languages": ["de", "ar"],
        "is_free": "y", "facility": "0", "place_name": "", "address": "Marienstraße 1",
        "start_date": "2027-02-02", "start_time": "18:00", "end_time": "20:00",
        "repeat": "", "exdates": "", "is_public": "y", "show_organiser": "y",
    }
    data.update(overrides)
    return data


def events_titled(session, title):
    session.expire_all()
    return session.scalars(select(Event).where(Event.title == title)).all()


def test_manager_publishes_a_weekly_event_with_the_form(browser, client, session, manager,
                                                        quarter):
    browser.login(manager.email)
    response = browser.post("/events/new", form_data(quarter=quarter.id,
                                                     repeat="FREQ=WEEKLY",
                                                     repeat_until="2027-06-29",
                                                     exdates="2027-04-06, 2027-04-13"))
    assert response.status_code == 302, response.get_data(as_text=True)
    [created] = events_titled(session, "Sprachcafé")
    assert created.status == "published"
    assert created.rrule.startswith("FREQ=WEEKLY;UNTIL=20270629T")
    assert created.exdates == ["2027-04-06", "2027-04-13"]
    assert b"SUMMARY:Sprachcaf" in client.get("/quarters/ostersbaum/calendar.ics").data


def test_a_form_with_the_end_before_the_start_keeps_what_was_typed(browser, session, manager,
                                                                   quarter):
    browser.login(manager.email)
    response = browser.post("/events/new", form_data(quarter=quarter.id, start_time="20:00",
                                                     end_time="18:00", title="Mein Titel"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Mein Titel"' in page and "Willkommen" in page
    assert "field--error" in page
    assert events_titled(session, "Mein Titel") == []


def test_too_long_title_and_bad_rule_are_refused(browser, manager, quarter):
    browser.login(manager.email)
    assert browser.post("/events/new", form_data(quarter=quarter.id,
                                                 title="x" * 201)).status_code == 422
    assert browser.post("/events/new", form_data(quarter=quarter.id,
                                                 exdates="gestern")).status_code == 422


def test_a_form_without_csrf_token_is_refused(browser, client, manager, quarter):
    browser.login(manager.email)
    assert client.post("/events/new", data=form_data(quarter=quarter.id)).status_code == 400


def test_html_in_the_title_is_shown_escaped_in_the_list(browser, session, manager, quarter):
    event(session, manager, quarter, title="<script>alert(1)</script>")
    browser.login(manager.email)
    page = browser.get("/events/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_another_quarters_manager_gets_403(browser, session, make, manager, quarter):
    single = event(session, manager, quarter, rrule="FREQ=WEEKLY")
    stranger = make.manager(make.quarter())
    browser.login(stranger.email)
    assert browser.get(f"/events/{single.id}/edit").status_code == 403
    assert browser.post(f"/events/{single.id}/edit", form_data()).status_code == 403
    assert browser.post(f"/events/{single.id}/delete", {"confirmed": "yes"}).status_code == 403
    assert browser.post(f"/events/{single.id}/cancel", {"reason": "x"}).status_code == 403
    assert browser.post(f"/events/{single.id}/dates/2027-01-19/cancel").status_code == 403
    assert browser.get(f"/events/{single.id}/dates").status_code == 403
    session.expire_all()
    assert session.get(Event, single.id).status == "published"


def test_organisations_proposal_waits_for_moderation_then_is_published(
        browser, client, session, smtp_sink, app, manager, member, organisation, quarter):
    browser.login(member.email)
    response = browser.post("/events/new", form_data(quarter=quarter.id,
                                                     organisation=organisation.id,
                                                     title="Nachbarschaftsfest"))
    assert response.status_code == 302, response.get_data(as_text=True)
    [proposal] = events_titled(session, "Nachbarschaftsfest")
    assert proposal.status == "proposed"
    assert b"Nachbarschaftsfest" not in client.get("/quarters/ostersbaum/calendar.ics").data
    browser.logout()

    browser.token = ""
    browser.login(manager.email)
    queue = browser.get("/events/moderation").get_data(as_text=True)
    assert "Nachbarschaftsfest" in queue
    assert browser.post(f"/events/{proposal.id}/approve").status_code == 302
    session.expire_all()
    assert session.get(Event, proposal.id).status == "published"
    assert b"Nachbarschaftsfest" in client.get("/quarters/ostersbaum/calendar.ics").data
    send_due(session, app.config)
    subjects = [m["Subject"] for m in smtp_sink.wait_for(2)]
    assert any("Nachbarschaftsfest" in s for s in subjects)
    assert smtp_sink.to("member@example.org")
    assert smtp_sink.to("manager@example.org")


def test_rejection_needs_a_reason_and_mails_it_to_the_proposer(
        browser, session, smtp_sink, app, manager, member, organisation, quarter):
    proposal = event(session, member, quarter, title="Flohmarkt", organisation=organisation)
    browser.login(manager.email)
    assert browser.post(f"/events/{proposal.id}/reject", {"reason": ""}).status_code == 422
    response = browser.post(f"/events/{proposal.id}/reject",
                            {"reason": "Der Raum ist an diesem Tag belegt."})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Event, proposal.id).status == "rejected"
    send_due(session, app.config)
    smtp_sink.wait_for(2)
    [mail] = smtp_sink.to("member@example.org")
    assert "Der Raum ist an diesem Tag belegt." in mail.get_content()


def test_member_cannot_edit_another_organisations_proposal(browser, session, make, member,
                                                           quarter):
    other = make.organisation(quarter)
    proposer = make.member(other)
    proposal = event(session, proposer, quarter, title="Fremd", organisation=other)
    browser.login(member.email)
    assert browser.get(f"/events/{proposal.id}/edit").status_code == 403
    assert browser.post(f"/events/{proposal.id}/delete", {"confirmed": "yes"}).status_code == 403


def test_member_cannot_publish_directly_or_edit_once_published(browser, session, manager,
                                                               member, organisation, quarter):
    proposal = event(session, member, quarter, title="Vorschlag", organisation=organisation)
    from meetingplaces.events import approve_event

    approve_event(session, proposal, actor=manager, now=NOW)
    session.commit()
    browser.login(member.email)
    assert browser.get(f"/events/{proposal.id}/edit").status_code == 403
    assert browser.post("/events/new", form_data(quarter=quarter.id,
                                                 organisation="0")).status_code == 422


def test_manager_cancels_and_moves_single_dates(browser, client, session, manager, quarter):
    series = event(session, manager, quarter, title="Kochtreff", rrule="FREQ=WEEKLY")
    browser.login(manager.email)
    assert "2027" in browser.get(f"/events/{series.id}/dates").get_data(as_text=True)
    response = browser.post(f"/events/{series.id}/dates/2027-01-19/cancel", {"reason": "Regen"})
    assert response.status_code == 302
    response = browser.post(f"/events/{series.id}/dates/2027-01-26/move",
                            {"start_date": "2027-01-27", "start_time": "17:00",
                             "end_time": "19:00", "note": "Ausnahmsweise Mittwoch"})
    assert response.status_code == 302
    bad = browser.post(f"/events/{series.id}/dates/2027-02-02/move",
                       {"start_date": "2027-02-03", "start_time": "19:00", "end_time": "17:00"})
    assert bad.status_code == 422
    feed = client.get("/quarters/ostersbaum/calendar.ics").get_data(as_text=True)
    assert "EXDATE;TZID=Europe/Berlin:20270119T180000" in feed
    assert "EXDATE;TZID=Europe/Berlin:20270126T180000" in feed
    assert "DTSTART;TZID=Europe/Berlin:20270127T170000" in feed
    assert browser.post(f"/events/{series.id}/dates/2027-01-19/restore").status_code == 302
    assert "20270119T180000" not in client.get("/quarters/ostersbaum/calendar.ics").get_data(
        as_text=True).split("EXDATE")[-1][:40]


def test_manager_cancels_deletes_and_restores_whole_events(browser, client, session, make,
                                                           manager, quarter):
    cancelled = event(session, manager, quarter, title="Abgesagt")
    deleted = event(session, manager, quarter, title="Gelöscht")
    browser.login(manager.email)
    assert browser.post(f"/events/{cancelled.id}/cancel", {"reason": "Krank"}).status_code == 302
    asked = browser.post(f"/events/{deleted.id}/delete")
    assert asked.status_code == 200 and "Gelöscht" in asked.get_data(as_text=True)
    assert browser.post(f"/events/{deleted.id}/delete", {"confirmed": "yes"}).status_code == 302
    feed = client.get("/quarters/ostersbaum/calendar.ics").get_data(as_text=True)
    assert "STATUS:CANCELLED" in feed and "Gelöscht" not in feed
    assert f"/events/{cancelled.id}/restore" in browser.get("/events/").get_data(as_text=True)
    assert browser.post(f"/events/{cancelled.id}/restore").status_code == 302
    feed = client.get("/quarters/ostersbaum/calendar.ics").get_data(as_text=True)
    assert "STATUS:CANCELLED" not in feed and "Abgesagt" in feed
    browser.logout()
    browser.login(make.manager(make.quarter()).email)
    assert browser.post(f"/events/{cancelled.id}/restore").status_code == 403


def test_events_list_shows_own_organisations_events_only(browser, session, make, manager,
                                                         member, organisation, quarter):
    event(session, member, quarter, title="Unser Vorschlag", organisation=organisation)
    event(session, manager, quarter, title="Vom Quartiersmanagement")
    browser.login(member.email)
    page = browser.get("/events/").get_data(as_text=True)
    assert "Unser Vorschlag" in page and "Vom Quartiersmanagement" not in page


def test_events_pages_need_a_login(client):
    response = client.get("/events/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
