"""Organisations as their quarter's managers set them up (profile, languages, contacts, status)
and as their own admins keep their profile up to date.

What of an organisation the public may see is decided here too: the private contact never, the
public contact only when the organisation chose to show it (DSGVO).
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from .addresses import check_email
from .calendar import feeds
from .errors import Forbidden, InvalidInput
from .models import Organisation, OrganisationStatus, Quarter
from .models.audit import record
from .models.places import TranslatedTexts
from .models.types import utcnow
from .place_texts import apply_translations, texts_shown
from .policy import can, require_choice
from .slugs import claim_slug, flush_claiming_slug
from .vocabulary import SPOKEN_LANGUAGES


def save_organisation(session, organisation: Organisation, *, quarter: Quarter, name: str,
                      slug: str | None, kind: str, description: str, languages: list[str],
                      public_contact: str, show_contact_publicly: bool,
                      private_contact_email: str, private_contact_phone: str,
                      status: str, translations: dict | None = None, actor=None,
                      now: datetime | None = None) -> Organisation:
    if organisation.status == OrganisationStatus.PENDING and status != OrganisationStatus.PENDING:
        # The registration page decides, so that the registrant is told by mail.
        raise InvalidInput(
            _("Approve or reject this registration on the registrations page, so that the "
              "organisation is told."),
            field="status",
        )
    if actor is not None:
        require_choice(actor, "manage", quarter, "quarter_id")
    if (private_contact_email or "").strip():
        private_contact_email = check_email(private_contact_email, field="private_contact_email")
    renamed_from = organisation.name if organisation.id is not None else None
    organisation.slug = claim_slug(session, Organisation, slug, name, organisation.id)
    session.add(organisation)
    organisation.quarter = quarter
    organisation.name = name.strip()
    organisation.kind = kind
    organisation.description = description.strip()
    apply_translations(organisation, translations)
    organisation.languages = [code for code in SPOKEN_LANGUAGES if code in set(languages)]
    organisation.public_contact = public_contact.strip()
    organisation.show_contact_publicly = show_contact_publicly
    organisation.private_contact_email = private_contact_email.strip()
    organisation.private_contact_phone = private_contact_phone.strip()
    organisation.status = OrganisationStatus(status)
    flush_claiming_slug(session, organisation)
    if renamed_from is not None and renamed_from != organisation.name:
        # Feeds name the organiser in their events' descriptions.
        feeds.place_changed(session, now or utcnow(), organisation=organisation)
    return organisation


# What an organisation's own admins may change; home quarter, kind, web address and status stay
# as its managers set them.
PROFILE_FIELDS = ("name", "description", "languages", "public_contact", "show_contact_publicly",
                  "private_contact_email", "private_contact_phone")


def update_profile(session, organisation: Organisation, *, actor, name: str, description: str,
                   languages: list[str], public_contact: str, show_contact_publicly: bool,
                   private_contact_email: str, private_contact_phone: str,
                   now: datetime, translations: dict | None = None) -> Organisation:
    """The profile as the organisation's admins (or its managers) edit it, through the same
    rules as the managers' form; each change, a rename with both names, goes to the edit log."""
    if not can(actor, "edit", organisation):
        raise Forbidden(_("You may not edit this organisation."))
    before = {field: getattr(organisation, field) for field in PROFILE_FIELDS}
    texts_before = texts_shown(organisation)
    save_organisation(
        session, organisation, quarter=organisation.quarter, slug=organisation.slug,
        kind=organisation.kind, status=organisation.status, name=name,
        description=description, languages=languages, public_contact=public_contact,
        show_contact_publicly=show_contact_publicly, private_contact_email=private_contact_email,
        private_contact_phone=private_contact_phone, translations=translations, now=now,
    )
    changed = [field for field in PROFILE_FIELDS if getattr(organisation, field) != before[field]]
    if texts_shown(organisation) != texts_before and "description" not in changed:
        changed.append("translations")
    if changed:
        details: dict = {"changed": changed}
        if "name" in changed:
            details["name"] = [before["name"], organisation.name]
        record(session, actor=actor, subject_type="organisation", subject_id=organisation.id,
               action="profile_edited", details=details, at=now)
    return organisation


def organisations_in(session, quarters: list[Quarter], *,
                     status: OrganisationStatus | None = None) -> list[Organisation]:
    query = select(Organisation).where(
        Organisation.quarter_id.in_([quarter.id for quarter in quarters])
    )
    if status is not None:
        query = query.where(Organisation.status == status)
    return list(session.scalars(query.order_by(Organisation.name)))


@dataclass(frozen=True)
class PublicProfile(TranslatedTexts):
    """The part of an organisation that public pages may show, and nothing more."""

    TRANSLATED_FIELDS = Organisation.TRANSLATED_FIELDS

    slug: str
    name: str
    kind: str
    description: str
    languages: list[str]
    quarter: Quarter
    contact: str | None
    translations: tuple  # the description in further languages (place_texts.text_in)


def public_profile(organisation: Organisation) -> PublicProfile:
    return PublicProfile(
        slug=organisation.slug,
        name=organisation.name,
        kind=organisation.kind,
        description=organisation.description,
        languages=list(organisation.languages),
        quarter=organisation.quarter,
        contact=organisation.public_contact if organisation.show_contact_publicly else None,
        translations=tuple(organisation.translations),
    )


def public_organisation(session, slug: str) -> PublicProfile | None:
    """An active organisation in an active quarter, as the public may see it."""
    organisation = session.scalar(
        select(Organisation)
        .join(Organisation.quarter)
        .where(
            Organisation.slug == slug,
            Organisation.status == OrganisationStatus.ACTIVE,
            Quarter.active,
        )
    )
    return public_profile(organisation) if organisation else None
