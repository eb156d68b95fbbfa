"""Admins look after accounts: roles, managed quarters, the Spielmobil team, deactivation."""

from meetingplaces.models import User

from . import factories


def test_admin_lists_users_and_managers_may_not(browser, make):
    quarter = make.quarter()
    manager = make.manager(quarter, name="Quartiersbüro Nord")
    browser.login(make.admin().email)
    html = browser.get("/manage/users").get_data(as_text=True)
    assert "Quartiersbüro Nord" in html and manager.email in html
    browser.logout()
    browser.login(manager.email)
    assert browser.get("/manage/users").status_code == 403
    assert browser.get(f"/manage/users/{manager.id}/edit").status_code == 403
    assert browser.post(f"/manage/users/{manager.id}/active",
                        {"active": "0", "confirmed": "yes"}).status_code == 403


def test_admin_assigns_quarters_and_roles(browser, make, session):
    first, second = make.quarter(name="Grone"), make.quarter(name="Leineberg")
    user = make.user()
    browser.login(make.admin().email)
    response = browser.post(
        f"/manage/users/{user.id}/edit",
        {"managed_quarter_ids": [str(first.id), str(second.id)], "is_spielmobil_staff": "y"},
    )
    assert response.status_code == 302
    session.expire_all()
    assert {q.name for q in user.managed_quarters} == {"Grone", "Leineberg"}
    assert user.is_spielmobil_staff and not user.is_admin
    # The new manager can now enter the management area.
    browser.logout()
    browser.login(user.email)
    assert "Leineberg" in browser.get("/manage/").get_data(as_text=True)


def test_admin_makes_someone_admin(browser, make, session):
    user = make.user()
    browser.login(make.admin().email)
    browser.post(f"/manage/users/{user.id}/edit", {"is_admin": "y"})
    session.expire_all()
    assert user.is_admin


def test_admin_cannot_take_away_their_own_admin_rights(browser, make, session):
    admin = make.admin()
    browser.login(admin.email)
    response = browser.post(
        f"/manage/users/{admin.id}/edit", {"is_spielmobil_staff": "y"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "You cannot take away your own admin rights" in response.get_data(as_text=True)
    session.expire_all()
    assert admin.is_admin and not admin.is_spielmobil_staff


def test_deactivated_user_cannot_log_in_until_reactivated(browser, make, session):
    user = make.user()
    admin = make.admin()
    browser.login(admin.email)
    asked = browser.post(f"/manage/users/{user.id}/active", {"active": "0"})
    assert asked.status_code == 200 and 'name="active" value="0"' in asked.get_data(as_text=True)
    session.expire_all()
    assert user.active
    assert browser.post(f"/manage/users/{user.id}/active",
                        {"active": "0", "confirmed": "yes"}).status_code == 302
    session.expire_all()
    assert not user.active
    browser.logout()
    failed = browser.post("/auth/login", {"email": user.email, "password": factories.PASSWORD})
    assert failed.status_code == 200  # the form again, not a redirect
    browser.login(admin.email)
    browser.post(f"/manage/users/{user.id}/active", {"active": "1"})
    browser.logout()
    browser.login(user.email)


def test_admin_cannot_deactivate_themselves(browser, make, session):
    admin = make.admin()
    browser.login(admin.email)
    browser.post(f"/manage/users/{admin.id}/active", {"active": "0", "confirmed": "yes"})
    assert session.get(User, admin.id).active
