"""Closures of a facility or a resource, entered in the city's local time."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from ...extensions import db
from ...forms.manage import ClosureForm
from ...i18n import city_zone
from ...models import Closure, Facility, Resource
from ...places import delete_closure, save_closure
from ...timeline import to_local
from ..confirm import ask_once, confirmed
from . import bp, get_or_404, require, submit_form


def _owner_url(closure_or_owner) -> str:
    owner = closure_or_owner
    if isinstance(owner, Closure):
        owner = owner.facility or owner.resource
    if isinstance(owner, Facility):
        return url_for(".edit_facility", facility_id=owner.id)
    return url_for(".edit_resource", resource_id=owner.id)


def _new_closure(owner: Facility | Resource):
    require("edit", owner)
    form = ClosureForm()
    target = {"facility": owner} if isinstance(owner, Facility) else {"resource": owner}
    return submit_form(
        form,
        lambda: save_closure(db.session, Closure(), zone=city_zone(), **target, **form.values()),
        template="manage/form.html",
        done=_owner_url,
        message=_("The closure has been saved."),
        title=_("New closure of %(name)s", name=owner.name),
        back=_owner_url(owner),
    )


@bp.route("/facilities/<int:facility_id>/closures/new", methods=["GET", "POST"])
def new_facility_closure(facility_id: int):
    return _new_closure(get_or_404(Facility, facility_id))


@bp.route("/resources/<int:resource_id>/closures/new", methods=["GET", "POST"])
def new_resource_closure(resource_id: int):
    return _new_closure(get_or_404(Resource, resource_id))


@bp.route("/closures/<int:closure_id>/edit", methods=["GET", "POST"])
def edit_closure(closure_id: int):
    closure = get_or_404(Closure, closure_id)
    require("edit", closure)
    zone = city_zone()
    form = ClosureForm(
        local_start=to_local(closure.starts_at, zone),
        local_end=to_local(closure.ends_at, zone),
        reason=closure.reason,
    )
    owner = closure.facility or closure.resource
    return submit_form(
        form,
        lambda: save_closure(db.session, closure, zone=zone, **form.values()),
        template="manage/form.html",
        done=_owner_url,
        message=_("Your changes have been saved."),
        title=_("Edit closure of %(name)s", name=owner.name),
        back=_owner_url(owner),
    )


@bp.post("/closures/<int:closure_id>/delete")
def remove_closure(closure_id: int):
    closure = get_or_404(Closure, closure_id)
    require("edit", closure)
    back = _owner_url(closure)
    if not confirmed():
        return ask_once(question=_("Remove this closure?"),
                        consequences=[_("The times it covered can be booked again.")],
                        confirm_label=_("Yes, remove"), back=back)
    delete_closure(db.session, closure)
    db.session.commit()
    flash(_("The closure has been removed."), "success")
    return redirect(back)
