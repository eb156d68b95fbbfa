"""Resources: rooms of a facility and mobile resources such as the Spielmobil."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...forms.manage import ResourceForm
from ...models import Facility, Quarter, Resource, ResourceKind
from ...place_texts import translation_values
from ...places import closures_of, facilities_in, quarters_managed_by, save_resource, set_active
from ..clock import now
from ..confirm import confirmed
from . import bp, choices_of, deactivation_asked, get_or_404, require, submit_form


def _resource_form(resource: Resource, **data) -> ResourceForm:
    form = ResourceForm(obj=resource if resource.id else None, **translation_values(resource),
                        **data)
    quarters = quarters_managed_by(db.session, current_user)
    if resource.kind == ResourceKind.MOBILE:
        del form.facility_id
        form.quarter_id.choices = choices_of(quarters)
    else:
        del form.quarter_id
        form.facility_id.choices = [
            (facility.id, f"{facility.name} ({facility.quarter.name})")
            for facility in facilities_in(db.session, quarters)
        ]
    return form


def _save(form: ResourceForm, resource: Resource) -> Resource:
    if resource.kind == ResourceKind.MOBILE:
        quarter = get_or_404(Quarter, form.quarter_id.data)
        require("manage", quarter)
        return save_resource(db.session, resource, quarter=quarter, actor=current_user,
                             now=now(), **form.values("quarter_id"))
    facility = get_or_404(Facility, form.facility_id.data)
    require("edit", facility)
    return save_resource(db.session, resource, facility=facility, actor=current_user,
                         now=now(), **form.values("facility_id"))


def _edit_url(resource: Resource) -> str:
    return url_for(".edit_resource", resource_id=resource.id)


@bp.route("/facilities/<int:facility_id>/rooms/new", methods=["GET", "POST"])
def new_room(facility_id: int):
    facility = get_or_404(Facility, facility_id)
    require("create", Resource)
    require("edit", facility)
    room = Resource(kind=ResourceKind.ROOM)
    form = _resource_form(room, facility_id=facility.id)
    return submit_form(
        form,
        lambda: _save(form, room),
        template="manage/resource.html",
        done=_edit_url,
        message=_("The room has been created."),
        title=_("New room in %(facility)s", facility=facility.name),
        back=url_for(".edit_facility", facility_id=facility.id),
        resource=None,
    )


@bp.route("/quarters/<int:quarter_id>/mobile/new", methods=["GET", "POST"])
def new_mobile_resource(quarter_id: int):
    quarter = get_or_404(Quarter, quarter_id)
    require("create", Resource)
    require("manage", quarter)
    mobile = Resource(kind=ResourceKind.MOBILE)
    form = _resource_form(mobile, quarter_id=quarter.id, step_free=True)
    return submit_form(
        form,
        lambda: _save(form, mobile),
        template="manage/resource.html",
        done=_edit_url,
        message=_("The mobile resource has been created."),
        title=_("New mobile resource"),
        back=url_for(".quarter", quarter_id=quarter.id),
        resource=None,
    )


@bp.route("/resources/<int:resource_id>/edit", methods=["GET", "POST"])
def edit_resource(resource_id: int):
    resource = get_or_404(Resource, resource_id)
    require("edit", resource)
    form = _resource_form(resource)
    back = (
        url_for(".quarter", quarter_id=resource.quarter_id)
        if resource.is_mobile
        else url_for(".edit_facility", facility_id=resource.facility_id)
    )
    return submit_form(
        form,
        lambda: _save(form, resource),
        template="manage/resource.html",
        done=_edit_url,
        message=_("Your changes have been saved."),
        title=_("Edit %(name)s", name=resource.name),
        back=back,
        resource=resource,
        closures=closures_of(db.session, resource=resource),
    )


@bp.post("/resources/<int:resource_id>/active")
def resource_active(resource_id: int):
    resource = get_or_404(Resource, resource_id)
    require("edit", resource)
    active = request.form.get("active") == "1"
    if not active and not confirmed():
        return deactivation_asked(_edit_url(resource))
    set_active(db.session, resource, active, now())
    db.session.commit()
    flash(_("It can be booked again.") if active else
          _("It has been deactivated: it can no longer be booked and no longer appears on "
            "public pages."), "success")
    return redirect(_edit_url(resource))
