"""An initiative registers itself: the organisation waits (pending) until a manager of its home
quarter approves it; until then it cannot book or propose anything. The outcome is mailed."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..addresses import check_email
from ..database import lock_row
from ..errors import Conflict, Forbidden, InvalidInput
from ..models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Quarter,
    User,
)
from ..models.audit import record
from ..policy import can
from ..slugs import slugify
from . import notifications
from .passwords import check_new_password, spend_like_a_new_password

MAX_REASON_LENGTH = 2000


def _free_slug(session, name: str) -> str:
    """The name's slug, numbered when taken: a registrant never has to invent a web address."""
    base = slugify(name)[:70].strip("-") or "organisation"
    taken = set(session.scalars(
        select(Organisation.slug).where(Organisation.slug.like(base + "%"))
    ))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def register(session, *, organisation_name: str, kind: str, quarter_id: int, description: str,
             registrant: User | None, name: str = "", email: str = "", password: str = "",
             language: str = "de", now: datetime) -> Organisation | None:
    """Register an organisation with its first admin: `registrant` when logged in, else a new
    account from name, e-mail and password.

    Without an account the caller answers the same whatever happened, so that the form tells
    no one which addresses have accounts: a new address gets its account, the organisation and
    a mail saying so; a known address gets a mail telling its owner to log in first, and
    nothing is stored (None)."""
    quarter = session.get(Quarter, quarter_id) if quarter_id else None
    if quarter is None or not quarter.active:
        raise InvalidInput(_("Please choose your quarter."), field="quarter")
    organisation_name = (organisation_name or "").strip()
    if not organisation_name:
        raise InvalidInput(_("Please enter the name of your organisation."),
                           field="organisation_name")
    if kind not in set(OrganisationKind):
        raise InvalidInput(_("Please choose a kind of organisation."), field="kind")
    new_account = registrant is None
    if new_account:
        registrant = _new_account(session, name=name, email=email, password=password,
                                  language=language, organisation_name=organisation_name)
        if registrant is None:
            return None
    organisation = Organisation(
        slug=_free_slug(session, organisation_name),
        name=organisation_name,
        kind=kind,
        quarter=quarter,
        description=(description or "").strip(),
        private_contact_email=registrant.email,
        status=OrganisationStatus.PENDING,
        created_at=now,
    )
    session.add(organisation)
    session.add(Membership(user=registrant, organisation=organisation, role=MembershipRole.ADMIN))
    session.flush()
    record(session, actor=registrant, subject_type="organisation", subject_id=organisation.id,
           action="registered", at=now)
    notifications.registration_received(session, organisation, _deciders(session, quarter))
    if new_account:
        notifications.registration_welcome(session, registrant, organisation)
    return organisation


def _new_account(session, *, name: str, email: str, password: str, language: str,
                 organisation_name: str) -> User | None:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Please enter your name."), field="name")
    if not (email or "").strip():
        raise InvalidInput(_("Please enter your e-mail address."), field="email")
    email = check_email(email)
    check_new_password(password)
    existing = session.scalar(select(User).where(User.email == email))
    if existing is not None:
        spend_like_a_new_password(password)
        notifications.registration_address_taken(session, existing, organisation_name)
        return None
    user = User(email=email, name=name, preferred_language=language)
    user.set_password(password)
    session.add(user)
    return user


def _deciders(session, quarter: Quarter) -> list[User]:
    """The quarter's managers; the city's admins when the quarter has none."""
    managers = [u for u in session.scalars(
        select(User).where(User.managed_quarters.any(Quarter.id == quarter.id), User.active)
    )]
    return managers or list(session.scalars(select(User).where(User.is_admin, User.active)))


def pending_for(session, user: User) -> list[Organisation]:
    """Registrations `user` may decide on, oldest first."""
    query = (
        select(Organisation)
        .where(Organisation.status == OrganisationStatus.PENDING)
        .options(selectinload(Organisation.quarter),
                 selectinload(Organisation.memberships).selectinload(Membership.user))
        .order_by(Organisation.created_at, Organisation.id)
    )
    if not user.is_admin:
        query = query.where(Organisation.quarter_id.in_([q.id for q in user.managed_quarters]))
    return [o for o in session.scalars(query) if can(user, "approve", o)]


def _check_undecided(actor: User, organisation: Organisation) -> None:
    if not can(actor, "approve", organisation):
        raise Forbidden(_("Only managers of its quarter decide on this registration."))
    if organisation.status != OrganisationStatus.PENDING:
        raise Conflict(_("This registration has already been decided."))


def _admins(organisation: Organisation) -> list[User]:
    return [m.user for m in organisation.memberships if m.role == MembershipRole.ADMIN]


def approve(session, actor: User, organisation: Organisation, now: datetime) -> None:
    lock_row(session, organisation)
    _check_undecided(actor, organisation)
    organisation.status = OrganisationStatus.ACTIVE
    record(session, actor=actor, subject_type="organisation", subject_id=organisation.id,
           action="approved", at=now)
    notifications.registration_decided(session, organisation, _admins(organisation))


def reject(session, actor: User, organisation: Organisation, reason: str,
           now: datetime) -> None:
    lock_row(session, organisation)
    _check_undecided(actor, organisation)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Please give a reason; the initiative will read it."),
                           field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(_("Please keep the reason shorter."), field="reason")
    organisation.status = OrganisationStatus.REJECTED
    record(session, actor=actor, subject_type="organisation", subject_id=organisation.id,
           action="rejected", details={"reason": reason}, at=now)
    notifications.registration_decided(session, organisation, _admins(organisation), reason)
