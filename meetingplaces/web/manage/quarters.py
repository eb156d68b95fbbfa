"""Quarters: the admin creates them and switches them off; their managers edit them."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...extensions import db
from ...forms.manage import QuarterForm
from ...models import Quarter
from ...organisations import organisations_in
from ...place_texts import translation_values
from ...places import facilities_of, mobile_resources_of, save_quarter, set_active
from ..clock import now
from ..confirm import confirmed
from . import bp, deactivation_asked, get_or_404, require, submit_form


@bp.route("/quarters/new", methods=["GET", "POST"])
def new_quarter():
    require("create", Quarter)
    form = QuarterForm(city=current_app.config["CITY_NAME"])
    return submit_form(
        form,
        lambda: save_quarter(db.session, Quarter(), **form.values()),
        template="manage/form.html",
        done=lambda quarter: url_for(".quarter", quarter_id=quarter.id),
        message=_("The quarter has been created."),
        title=_("New quarter"),
        back=url_for(".index"),
    )


@bp.get("/quarters/<int:quarter_id>")
def quarter(quarter_id: int):
    quarter = get_or_404(Quarter, quarter_id)
    require("manage", quarter)
    return render_template(
        "manage/quarter.html",
        quarter=quarter,
        facilities=facilities_of(db.session, quarter, only_active=False),
        mobile_resources=mobile_resources_of(db.session, quarter, only_active=False),
        organisations=organisations_in(db.session, [quarter]),
    )


@bp.route("/quarters/<int:quarter_id>/edit", methods=["GET", "POST"])
def edit_quarter(quarter_id: int):
    quarter = get_or_404(Quarter, quarter_id)
    require("edit", quarter)
    form = QuarterForm(obj=quarter, **translation_values(quarter))
    return submit_form(
        form,
        lambda: save_quarter(db.session, quarter, **form.values(), now=now()),
        template="manage/form.html",
        done=lambda quarter: url_for(".quarter", quarter_id=quarter.id),
        message=_("Your changes have been saved."),
        title=_("Edit quarter %(name)s", name=quarter.name),
        back=url_for(".quarter", quarter_id=quarter.id),
    )


@bp.post("/quarters/<int:quarter_id>/active")
def quarter_active(quarter_id: int):
    quarter = get_or_404(Quarter, quarter_id)
    require("deactivate", quarter)
    active = request.form.get("active") == "1"
    if not active and not confirmed():
        return deactivation_asked(url_for(".quarter", quarter_id=quarter.id))
    set_active(db.session, quarter, active, now())
    db.session.commit()
    flash(_("The quarter is active again.") if active else
          _("The quarter has been deactivated; it no longer appears on public pages."), "success")
    return redirect(url_for(".quarter", quarter_id=quarter.id))
