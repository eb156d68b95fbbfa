"""Invitations of managers, organisation admins and members; registrations awaiting approval."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts import invitations, registrations
from ..errors import Conflict, InvalidInput
from ..extensions import db
from ..forms.invitations import (
    InviteManagerForm,
    InviteOrganisationForm,
    RejectRegistrationForm,
)
from ..models import Invitation, InvitationKind, Organisation, OrganisationStatus, Quarter
from ..models.types import utcnow
from ..policy import can
from .confirm import ask_once, confirmed
from .form_errors import refused

bp = Blueprint("invitations", __name__, url_prefix="/invitations")

# the kind in the URL -> (kind, form class, model of the target)
KINDS = {
    "managers": (InvitationKind.MANAGER, InviteManagerForm, Quarter),
    "organisation-admins": (InvitationKind.ORGANISATION_ADMIN, InviteOrganisationForm,
                            Organisation),
    "members": (InvitationKind.ORGANISATION_MEMBER, InviteOrganisationForm, Organisation),
}


@bp.before_request
@login_required
def _require_login():
    return None




def _user():
    return current_user._get_current_object()


def _targets(kind: str) -> list:
    """Where the user may invite to, for the form's choices."""
    permission = invitations.PERMISSION[kind]
    if kind == InvitationKind.MANAGER:
        candidates = db.session.scalars(
            select(Quarter).where(Quarter.active).order_by(Quarter.city, Quarter.name))
    else:
        candidates = db.session.scalars(
            select(Organisation)
            .where(Organisation.status.in_([OrganisationStatus.ACTIVE,
                                            OrganisationStatus.PENDING]))
            .options(selectinload(Organisation.quarter))
            .order_by(Organisation.name))
    return [target for target in candidates if can(_user(), permission, target)]


@bp.get("/")
def index():
    offers = {path: bool(_targets(kind)) for path, (kind, _form, _model) in KINDS.items()}
    visible = invitations.visible_to(db.session, _user())
    now = utcnow()
    return render_template(
        "invitations/index.html", offers=offers, now=now,
        invitations=[(i, invitations.status(i, now)) for i in visible],
    )


@bp.route("/<any(managers, 'organisation-admins', members):path>/new", methods=["GET", "POST"])
def new(path: str):
    kind, form_class, model = KINDS[path]
    targets = _targets(kind)
    if not targets:
        abort(403)
    form = form_class()
    target_field = form.quarter if kind == InvitationKind.MANAGER else form.organisation
    target_field.choices = [(t.id, f"{t.name} ({t.city if model is Quarter else t.quarter.name})")
                            for t in targets]
    if not form.is_submitted():
        # A link from an organisation's page names it (?organisation=<id>) to start with.
        wanted = request.args.get(target_field.name, type=int)
        if wanted in {target.id for target in targets}:
            target_field.data = wanted
    if form.validate_on_submit():
        try:
            invitation, _token = invitations.invite(
                db.session, _user(), email=form.email.data, kind=kind,
                target=db.session.get(model, target_field.data),
                max_age_days=current_app.config["INVITATION_MAX_AGE_DAYS"], now=utcnow(),
            )
        except (InvalidInput, Conflict) as error:
            refused(form, error)
            return render_template("invitations/new.html", form=form, path=path,
                                   kind=kind), error.status
        db.session.commit()
        flash(_("The invitation to %(email)s is on its way.", email=invitation.email), "success")
        return redirect(url_for("invitations.index"))
    return render_template("invitations/new.html", form=form, path=path, kind=kind), \
        422 if form.errors else 200


@bp.post("/<int:invitation_id>/revoke")
def revoke(invitation_id: int):
    invitation = db.session.get(Invitation, invitation_id) or abort(404)
    if not confirmed():
        return ask_once(question=_("Withdraw this invitation?"),
                        consequences=[_("The link in the mail stops working.")],
                        confirm_label=_("Yes, withdraw"), back=url_for("invitations.index"))
    try:
        invitations.revoke(db.session, _user(), invitation, now=utcnow())
    except (InvalidInput, Conflict) as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("invitations.index"))
    db.session.commit()
    flash(_("The invitation to %(email)s is withdrawn.", email=invitation.email), "success")
    return redirect(url_for("invitations.index"))


def _reject_form(organisation: Organisation, **kwargs) -> RejectRegistrationForm:
    # One form per registration on the page; CSRFProtect checks the page's token for all.
    return RejectRegistrationForm(prefix=f"reject-{organisation.id}", meta={"csrf": False},
                                  **kwargs)


def _render_registrations(reject_forms: dict | None = None, status: int = 200):
    pending = registrations.pending_for(db.session, _user())
    forms = {o.id: _reject_form(o, formdata=None) for o in pending}
    forms.update(reject_forms or {})
    return render_template("invitations/registrations.html", pending=pending,
                           reject_forms=forms), status


@bp.get("/registrations", endpoint="registrations")
def registrations_list():
    if not can(_user(), "review_registrations", Organisation):
        abort(403)
    return _render_registrations()


def _registration(organisation_id: int) -> Organisation:
    return db.session.get(Organisation, organisation_id) or abort(404)


@bp.post("/registrations/<int:organisation_id>/approve")
def approve(organisation_id: int):
    organisation = _registration(organisation_id)
    try:
        registrations.approve(db.session, _user(), organisation, now=utcnow())
    except (InvalidInput, Conflict) as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render_registrations(status=error.status)
    db.session.commit()
    flash(_("%(organisation)s is approved.", organisation=organisation.name), "success")
    return redirect(url_for("invitations.registrations"))


@bp.post("/registrations/<int:organisation_id>/reject")
def reject(organisation_id: int):
    organisation = _registration(organisation_id)
    form = _reject_form(organisation)
    if not form.validate():
        if not can(_user(), "approve", organisation):
            abort(403)
        return _render_registrations({organisation.id: form}, 422)
    try:
        registrations.reject(db.session, _user(), organisation, form.reason.data, now=utcnow())
    except (InvalidInput, Conflict) as error:
        refused(form, error)
        return _render_registrations({organisation.id: form}, error.status)
    db.session.commit()
    flash(_("%(organisation)s is rejected; the initiative is told why.",
            organisation=organisation.name), "success")
    return redirect(url_for("invitations.registrations"))
