"""Organisations of a quarter: profile, languages, contacts and status (approve, deactivate)."""

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...forms.manage import OrganisationForm
from ...models import Organisation, Quarter
from ...organisations import save_organisation
from ...place_texts import translation_values
from ...places import quarters_managed_by
from ..clock import now
from . import bp, choices_of, get_or_404, require, submit_form


def _organisation_form(**data) -> OrganisationForm:
    form = OrganisationForm(**data)
    form.quarter_id.choices = choices_of(quarters_managed_by(db.session, current_user))
    return form


def _save(form: OrganisationForm, organisation: Organisation) -> Organisation:
    quarter = get_or_404(Quarter, form.quarter_id.data)
    require("manage", quarter)
    return save_organisation(db.session, organisation, quarter=quarter, actor=current_user,
                             **form.values("quarter_id"), now=now())


def _quarter_url(organisation: Organisation) -> str:
    return url_for(".quarter", quarter_id=organisation.quarter_id)


@bp.route("/quarters/<int:quarter_id>/organisations/new", methods=["GET", "POST"])
def new_organisation(quarter_id: int):
    quarter = get_or_404(Quarter, quarter_id)
    require("create", Organisation)
    require("manage", quarter)
    form = _organisation_form(quarter_id=quarter.id)
    return submit_form(
        form,
        lambda: _save(form, Organisation()),
        template="manage/form.html",
        done=_quarter_url,
        message=_("The organisation has been created."),
        title=_("New organisation in %(quarter)s", quarter=quarter.name),
        back=url_for(".quarter", quarter_id=quarter.id),
    )


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
def edit_organisation(organisation_id: int):
    organisation = get_or_404(Organisation, organisation_id)
    require("administer", organisation)
    form = _organisation_form(obj=organisation, **translation_values(organisation))
    return submit_form(
        form,
        lambda: _save(form, organisation),
        template="manage/form.html",
        done=_quarter_url,
        message=_("Your changes have been saved."),
        title=_("Edit organisation %(name)s", name=organisation.name),
        back=_quarter_url(organisation),
        public_url=(
            url_for("public.organisation", slug=organisation.slug)
            if organisation.is_active and organisation.quarter.active else None
        ),
    )
