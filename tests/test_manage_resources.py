"""Rooms of facilities and mobile resources such as the Spielmobil, with their booking rules."""

from meetingplaces.models import Resource

from .manage_factories import mobile_form, room_form


def test_manager_adds_a_room_with_equipment_and_rules(browser, make, session, client):
    quarter = make.quarter()
    facility = make.facility(quarter, slug="alte-feuerwache", name="Alte Feuerwache")
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/facilities/{facility.id}/rooms/new",
        room_form(facility, equipment=["wifi", "beamer"], step_free="y",
                  monthly_hours_per_organisation="20"),
    )
    assert response.status_code == 302
    room = session.query(Resource).one()
    assert (room.kind, room.slug, room.quarter_id) == ("room", "seminarraum", quarter.id)
    assert room.equipment == ["beamer", "wifi"]
    assert room.step_free and not room.approval_required
    assert (room.setup_minutes, room.cleanup_minutes, room.monthly_hours_per_organisation) == (
        15, 15, 20
    )
    html = client.get("/facilities/alte-feuerwache?lang=en").get_data(as_text=True)
    assert "Seminarraum" in html and "Up to 24 people" in html
    assert "Projector" in html and "Wi-Fi" in html and "step-free access" in html


def test_edit_form_shows_the_checked_equipment(browser, make):
    quarter = make.quarter()
    room = make.room(make.facility(quarter), equipment=["kitchen"])
    browser.login(make.manager(quarter).email)
    html = browser.get(f"/manage/resources/{room.id}/edit").get_data(as_text=True)
    assert 'checked id="equipment-2" name="equipment" type="checkbox" value="kitchen"' in html


def test_unknown_equipment_is_refused(browser, make, session):
    quarter = make.quarter()
    facility = make.facility(quarter)
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/facilities/{facility.id}/rooms/new", room_form(facility, equipment=["jacuzzi"])
    )
    assert response.status_code == 422
    assert session.query(Resource).count() == 0


def test_longest_booking_shorter_than_shortest_is_refused(browser, make):
    quarter = make.quarter()
    facility = make.facility(quarter)
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/facilities/{facility.id}/rooms/new",
        room_form(facility, min_duration_minutes="120", max_duration_minutes="60",
                  name="Kursraum 1"),
        headers={"Accept-Language": "en"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The longest booking cannot be shorter than the shortest." in html
    assert 'id="max_duration_minutes-error"' in html
    assert 'value="Kursraum 1"' in html and 'value="120"' in html


def test_numbers_that_are_not_numbers_are_kept_and_refused(browser, make):
    quarter = make.quarter()
    facility = make.facility(quarter)
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/facilities/{facility.id}/rooms/new",
        room_form(facility, capacity="zwanzig", setup_minutes="-5"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="capacity-error"' in html and 'value="zwanzig"' in html
    assert 'id="setup_minutes-error"' in html


def test_duplicate_room_slug_is_refused(browser, make, session):
    quarter = make.quarter()
    facility = make.facility(quarter)
    make.room(facility, slug="saal")
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/facilities/{facility.id}/rooms/new",
        room_form(facility, name="Saal"),
        headers={"Accept-Language": "en"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="slug-error"' in html and "The web address “saal” is already taken" in html
    assert session.query(Resource).count() == 1


def test_manager_sets_up_the_spielmobil_for_the_quarter_page(browser, make, session, client):
    quarter = make.quarter(slug="wichlinghausen-oberbarmen")
    browser.login(make.manager(quarter).email)
    response = browser.post(
        f"/manage/quarters/{quarter.id}/mobile/new",
        mobile_form(quarter, description="Spiele, Zelt und Musik vor Ort"),
    )
    assert response.status_code == 302
    van = session.query(Resource).one()
    assert (van.kind, van.slug, van.facility_id, van.quarter_id) == (
        "mobile", "spielmobil", None, quarter.id
    )
    assert van.equipment == ["play", "tent"] and van.approval_required
    html = client.get("/quarters/wichlinghausen-oberbarmen").get_data(as_text=True)
    assert "Spielmobil" in html and "Spiele, Zelt und Musik vor Ort" in html


def test_deactivated_room_and_van_vanish_from_public_pages(browser, make, client):
    quarter = make.quarter(slug="grone")
    facility = make.facility(quarter, slug="nbz-grone")
    room = make.room(facility, name="Kinderraum")
    van = make.mobile(quarter, name="Spielmobil Grone")
    browser.login(make.manager(quarter).email)
    assert browser.post(f"/manage/resources/{room.id}/active",
                        {"active": "0", "confirmed": "yes"}).status_code == 302
    assert browser.post(f"/manage/resources/{van.id}/active",
                        {"active": "0", "confirmed": "yes"}).status_code == 302
    assert "Kinderraum" not in client.get("/facilities/nbz-grone").get_data(as_text=True)
    assert "Spielmobil Grone" not in client.get("/quarters/grone").get_data(as_text=True)
    browser.post(f"/manage/resources/{room.id}/active", {"active": "1"})
    assert "Kinderraum" in client.get("/facilities/nbz-grone").get_data(as_text=True)


def test_manager_of_another_quarter_cannot_touch_rooms_or_vans(browser, make, session):
    mine, theirs = make.quarter(), make.quarter()
    facility = make.facility(theirs)
    room = make.room(facility, name="Saal")
    van = make.mobile(theirs)
    browser.login(make.manager(mine).email)
    assert browser.get(f"/manage/resources/{room.id}/edit").status_code == 403
    assert browser.post(f"/manage/resources/{room.id}/edit", room_form(facility)).status_code \
        == 403
    assert browser.post(f"/manage/resources/{van.id}/active",
                        {"active": "0", "confirmed": "yes"}).status_code == 403
    assert browser.get(f"/manage/facilities/{facility.id}/rooms/new").status_code == 403
    assert browser.get(f"/manage/quarters/{theirs.id}/mobile/new").status_code == 403
    session.expire_all()
    assert room.name == "Saal" and van.active


def test_manager_cannot_move_a_room_into_another_quarters_facility(browser, make, session):
    mine, theirs = make.quarter(), make.quarter()
    room = make.room(make.facility(mine))
    foreign = make.facility(theirs)
    browser.login(make.manager(mine).email)
    response = browser.post(
        f"/manage/resources/{room.id}/edit", room_form(foreign, name=room.name, slug=room.slug)
    )
    assert response.status_code == 422  # not among the choices
    session.expire_all()
    assert room.facility_id != foreign.id
