"""Facilities of a quarter with their opening hours, rooms and closures."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...forms.manage import FacilityForm
from ...models import Facility, Quarter
from ...place_texts import translation_values
from ...places import closures_of, day_hours_text, quarters_managed_by, save_facility, set_active
from ..clock import now
from ..confirm import confirmed
from . import bp, choices_of, deactivation_asked, get_or_404, require, submit_form


def _facility_form(**data) -> FacilityForm:
    form = FacilityForm(**data)
    form.quarter_id.choices = choices_of(quarters_managed_by(db.session, current_user))
    return form


def _save(form: FacilityForm, facility: Facility) -> Facility:
    quarter = get_or_404(Quarter, form.quarter_id.data)
    require("manage", quarter)
    return save_facility(
        db.session, facility, quarter=quarter, hours=form.hours_texts(),
        **form.values("quarter_id", *(f"hours_{day}" for day in range(7))), now=now(),
        actor=current_user,
    )


@bp.route("/quarters/<int:quarter_id>/facilities/new", methods=["GET", "POST"])
def new_facility(quarter_id: int):
    quarter = get_or_404(Quarter, quarter_id)
    require("create", Facility)
    require("manage", quarter)
    form = _facility_form(quarter_id=quarter.id)
    return submit_form(
        form,
        lambda: _save(form, Facility()),
        template="manage/facility.html",
        done=lambda facility: url_for(".edit_facility", facility_id=facility.id),
        message=_("The facility has been created. You can now add its rooms."),
        title=_("New facility in %(quarter)s", quarter=quarter.name),
        back=url_for(".quarter", quarter_id=quarter.id),
        facility=None,
    )


@bp.route("/facilities/<int:facility_id>/edit", methods=["GET", "POST"])
def edit_facility(facility_id: int):
    facility = get_or_404(Facility, facility_id)
    require("edit", facility)
    hours = {f"hours_{day}": day_hours_text(facility, day) for day in range(7)}
    form = _facility_form(obj=facility, **hours, **translation_values(facility))
    return submit_form(
        form,
        lambda: _save(form, facility),
        template="manage/facility.html",
        done=lambda facility: url_for(".edit_facility", facility_id=facility.id),
        message=_("Your changes have been saved."),
        title=_("Edit facility %(name)s", name=facility.name),
        back=url_for(".quarter", quarter_id=facility.quarter_id),
        facility=facility,
        closures=closures_of(db.session, facility=facility),
    )


@bp.post("/facilities/<int:facility_id>/active")
def facility_active(facility_id: int):
    facility = get_or_404(Facility, facility_id)
    require("edit", facility)
    active = request.form.get("active") == "1"
    if not active and not confirmed():
        return deactivation_asked(url_for(".edit_facility", facility_id=facility.id))
    set_active(db.session, facility, active, now())
    db.session.commit()
    flash(_("The facility is active again.") if active else
          _("The facility has been deactivated; it no longer appears on public pages."), "success")
    return redirect(url_for(".edit_facility", facility_id=facility.id))
