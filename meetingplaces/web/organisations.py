"""My organisation: its members see it and its members list; its admins edit its profile and
manage its members. Managers set an organisation up in the management area (web/manage)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import memberships
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from ..forms.manage import ORGANISATION_STATUSES
from ..forms.organisations import OrganisationProfileForm
from ..models import Organisation
from ..organisations import update_profile
from ..place_texts import translation_values
from ..policy import can
from .clock import now
from .confirm import ask_once, confirmed
from .form_errors import refused

bp = Blueprint("organisations", __name__, url_prefix="/account/organisations")


@bp.before_request
@login_required
def _require_login():
    return None




def _user():
    return current_user._get_current_object()


def _organisation(slug: str, action: str = "view_members") -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        abort(404)
    if not can(_user(), action, organisation):
        abort(403)
    return organisation


def _page_url(organisation: Organisation) -> str:
    return url_for("organisations.show", slug=organisation.slug)


@bp.get("/")
def index():
    """The user's organisations; with only one, that one's page."""
    organisations = sorted((m.organisation for m in _user().memberships),
                           key=lambda organisation: organisation.name.lower())
    if len(organisations) == 1:
        return redirect(_page_url(organisations[0]))
    return render_template("organisations/index.html", organisations=organisations)


@bp.route("/<slug>", methods=["GET", "POST"])
def show(slug: str):
    organisation = _organisation(slug)
    may_edit = can(_user(), "edit", organisation)
    if request.method == "POST" and not may_edit:
        abort(403)
    form = OrganisationProfileForm(
        obj=organisation, **translation_values(organisation)) if may_edit else None
    if form is not None and form.validate_on_submit():
        try:
            update_profile(db.session, organisation, actor=_user(), **form.values(), now=now())
        except DomainError as error:
            refused(form, error)
            return _render(organisation, form), error.status
        db.session.commit()
        flash(_("The profile of %(organisation)s is saved.", organisation=organisation.name),
              "success")
        return redirect(_page_url(organisation))
    return _render(organisation, form), 422 if form is not None and form.errors else 200


def _render(organisation: Organisation, form: OrganisationProfileForm | None, error=None):
    user = _user()
    return render_template(
        "organisations/show.html",
        organisation=organisation,
        form=form,
        error=error,
        membership=user.membership_in(organisation.id),
        members=memberships.members_of(db.session, organisation, viewer=user),
        may_manage_members=can(user, "manage_members", organisation),
        may_invite=can(user, "invite_member", organisation),
        may_see_private=can(user, "view_private", organisation),
        status_label=str(dict(ORGANISATION_STATUSES).get(organisation.status,
                                                         organisation.status)),
        public_url=(url_for("public.organisation", slug=organisation.slug)
                    if organisation.is_active and organisation.quarter.active else None),
    )


def _refused(organisation: Organisation, error: DomainError):
    """A refused member change: the page again, with the reason above the members list."""
    db.session.rollback()
    if isinstance(error, Forbidden):
        abort(403)
    if isinstance(error, NotFound):
        abort(404)
    may_edit = can(_user(), "edit", organisation)
    form = OrganisationProfileForm(
        formdata=None, obj=organisation, **translation_values(organisation)) if may_edit else None
    return _render(organisation, form, error=error.message), error.status


@bp.post("/<slug>/members/<int:user_id>/role")
def member_role(slug: str, user_id: int):
    organisation = _organisation(slug, "manage_members")
    try:
        membership = memberships.change_role(db.session, _user(), organisation, user_id,
                                             request.form.get("role", ""), now=now())
    except DomainError as error:
        return _refused(organisation, error)
    db.session.commit()
    if membership.role == "admin":
        message = _("%(name)s is now an administrator.", name=membership.user.name)
    else:
        message = _("%(name)s is now a member.", name=membership.user.name)
    flash(message, "success")
    return redirect(_page_url(organisation))


@bp.post("/<slug>/members/<int:user_id>/remove")
def remove_member(slug: str, user_id: int):
    organisation = _organisation(slug, "manage_members")
    if not confirmed():
        return ask_once(question=_("Remove this member from %(organisation)s?",
                                   organisation=organisation.name),
                        consequences=[_("They can no longer act for the organisation; they "
                                        "can be invited again.")],
                        confirm_label=_("Yes, remove"), back=_page_url(organisation))
    try:
        removed = memberships.remove_member(db.session, _user(), organisation, user_id,
                                            now=now())
    except DomainError as error:
        return _refused(organisation, error)
    db.session.commit()
    if removed.id == _user().id:
        flash(_("You have left %(organisation)s.", organisation=organisation.name), "success")
        return redirect(url_for("account.profile"))
    flash(_("%(name)s no longer belongs to %(organisation)s.", name=removed.name,
            organisation=organisation.name), "success")
    return redirect(_page_url(organisation))


@bp.route("/<slug>/leave", methods=["GET", "POST"])
def leave(slug: str):
    """Asks first (a page, not only a script's dialogue), then leaves."""
    organisation = _organisation(slug, "leave")
    error = None
    if request.method == "POST":
        try:
            memberships.leave(db.session, _user(), organisation, now=now())
        except DomainError as refusal:
            db.session.rollback()
            if isinstance(refusal, Forbidden | NotFound):
                raise
            error = refusal
        else:
            db.session.commit()
            flash(_("You have left %(organisation)s.", organisation=organisation.name),
                  "success")
            return redirect(url_for("account.profile"))
    return render_template(
        "organisations/leave.html", organisation=organisation, error=error and error.message,
        last_admin=memberships.is_last_admin(db.session, organisation, _user()),
        back=_page_url(organisation),
    ), error.status if error else 200
