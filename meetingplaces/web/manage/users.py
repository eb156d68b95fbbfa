"""Accounts, for admins: roles, managed quarters, the Spielmobil team, (de)activation."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...errors import InvalidInput
from ...extensions import db
from ...forms.manage import UserRolesForm
from ...models import Membership, Quarter, User
from ...places import quarters_managed_by
from ...roles import set_user_active, update_roles
from ..confirm import confirmed
from . import bp, deactivation_asked, get_or_404, require, submit_form


@bp.get("/users")
def users():
    require("list", User)
    accounts = db.session.scalars(
        select(User)
        .options(
            selectinload(User.managed_quarters),
            selectinload(User.memberships).selectinload(Membership.organisation),
        )
        .order_by(User.active.desc(), User.name)
    ).all()
    return render_template("manage/users.html", users=accounts)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = get_or_404(User, user_id)
    require("administer", user)
    form = UserRolesForm(
        obj=user, managed_quarter_ids=[quarter.id for quarter in user.managed_quarters]
    )
    quarters = quarters_managed_by(db.session, current_user)
    form.managed_quarter_ids.choices = [
        (quarter.id, f"{quarter.name} ({quarter.city})") for quarter in quarters
    ]

    def save():
        chosen = db.session.scalars(
            select(Quarter).where(Quarter.id.in_(form.managed_quarter_ids.data))
        ).all()
        return update_roles(
            db.session, user, acting=current_user, is_admin=form.is_admin.data,
            is_spielmobil_staff=form.is_spielmobil_staff.data, managed_quarters=list(chosen),
        )

    return submit_form(
        form,
        save,
        template="manage/user.html",
        done=lambda user: url_for(".users"),
        message=_("Your changes have been saved."),
        title=_("Roles of %(name)s", name=user.name),
        back=url_for(".users"),
        user=user,
    )


@bp.post("/users/<int:user_id>/active")
def user_active(user_id: int):
    user = get_or_404(User, user_id)
    require("administer", user)
    active = request.form.get("active") == "1"
    if not active and not confirmed():
        return deactivation_asked(url_for(".users"))
    try:
        set_user_active(db.session, user, acting=current_user, active=active)
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".users"))
    db.session.commit()
    flash(_("%(name)s can log in again.", name=user.name) if active else
          _("%(name)s has been deactivated and can no longer log in.", name=user.name), "success")
    return redirect(url_for(".users"))
