"""Operator commands: the demo city and the first admin account."""

from sqlalchemy import func, select

from meetingplaces.demo import DEMO_PASSWORD
from meetingplaces.models import Facility, Organisation, Quarter, Resource, User

SEED_QUARTERS = {
    "Höhe", "Ostersbaum", "Nordstadt", "Uellendahl", "Wichlinghausen/Oberbarmen",
    "Heckinghausen", "Grone", "Leineberg", "Weststadt", "Holtenser Berg",
}


def counts(session) -> tuple:
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Quarter, Facility, Resource, Organisation, User)
    )


def test_seed_demo_loads_the_seeds_quarters_places_and_spielmobil(runner, session):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    quarters = session.scalars(select(Quarter)).all()
    assert SEED_QUARTERS <= {quarter.name for quarter in quarters}
    assert {quarter.city for quarter in quarters} >= {"Wuppertal", "Göttingen"}
    feuerwache = session.scalar(select(Facility).where(Facility.name == "Alte Feuerwache"))
    assert feuerwache is not None and feuerwache.quarter.name == "Nordstadt"
    assert any(room.name == "Café" for room in feuerwache.resources)
    spielmobil = session.scalar(select(Resource).where(Resource.slug == "spielmobil"))
    assert spielmobil.is_mobile and spielmobil.facility_id is None


def test_seed_demo_if_empty_is_idempotent(runner, session):
    assert runner.invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    loaded = counts(session)
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    assert counts(session) == loaded
    without_flag = runner.invoke(args=["seed-demo"])
    assert without_flag.exit_code != 0
    assert counts(session) == loaded


def test_demo_users_can_log_in_with_their_roles(runner, browser, session):
    runner.invoke(args=["seed-demo"])
    browser.login("admin@example.org", DEMO_PASSWORD)
    assert "/manage/users" in browser.get("/manage/").get_data(as_text=True)
    browser.logout()
    browser.login("manager@example.org", DEMO_PASSWORD)
    dashboard = browser.get("/manage/").get_data(as_text=True)
    assert "Nordstadt" in dashboard and "Grone" not in dashboard
    browser.logout()
    browser.login("initiative@example.org", DEMO_PASSWORD)
    assert browser.get("/manage/").status_code == 403
    initiative = session.scalar(select(User).where(User.email == "initiative@example.org"))
    assert [org.slug for org in initiative.organisations] == ["sprachcafe-nordstadt"]
    browser.logout()
    browser.login("spielmobil@example.org", DEMO_PASSWORD)
    stops = browser.get("/start").get_data(as_text=True)
    assert "Wichlinghauser Markt" in stops and "You are not on any stop to come." not in stops


def test_create_admin_makes_an_admin_who_can_log_in(runner, browser, session):
    result = runner.invoke(
        args=["create-admin", "Koordination@Example.org", "--name", "Koordination"],
        input="a long enough secret\na long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    admin = session.scalar(select(User).where(User.email == "koordination@example.org"))
    assert admin.is_admin and admin.active and admin.name == "Koordination"
    browser.login("koordination@example.org", "a long enough secret")
    assert browser.get("/manage/users").status_code == 200


def test_create_admin_promotes_an_existing_account(runner, make, session):
    user = make.user(email="kim@example.org")
    result = runner.invoke(args=["create-admin", "kim@example.org"], input="pw-new\npw-new\n")
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert user.is_admin and user.check_password("pw-new")
    assert session.scalar(select(func.count()).select_from(User)) == 1
