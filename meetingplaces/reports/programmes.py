"""Programmes (funding lines) and the quarters they fund: kept by the city coordinator."""

import re
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ..database import begin_write, refusals_roll_back
from ..errors import Forbidden, InvalidInput
from ..models import Quarter
from ..models.audit import record
from ..models.reports import Programme
from ..policy import can

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@refusals_roll_back
def save_programme(session, *, actor, programme: Programme | None, slug: str, name: str,
                   description: str, funded_from: date | None, funded_until: date | None,
                   quarters: list[Quarter], now: datetime) -> Programme:
    """Create (programme=None) or change a programme and the quarters it is tagged on."""
    if not can(actor, "manage", Programme):
        raise Forbidden(_("Only the city coordination keeps the programmes."))
    slug, name = (slug or "").strip(), (name or "").strip()
    if not name or len(name) > 160:
        raise InvalidInput(_("Give the programme a name of at most 160 characters."),
                           field="name")
    if not SLUG.match(slug) or len(slug) > 80:
        raise InvalidInput(_("Use lower-case letters, digits and hyphens only."), field="slug")
    if funded_from and funded_until and funded_until < funded_from:
        raise InvalidInput(_("The funding ends before it starts."), field="funded_until")
    begin_write(session)
    taken = session.scalar(select(Programme).where(Programme.slug == slug))
    if taken is not None and taken is not programme:
        raise InvalidInput(_("This short name is taken."), field="slug")
    action = "programme_changed"
    if programme is None:
        programme = Programme(created_at=now)
        session.add(programme)
        action = "programme_created"
    programme.slug, programme.name = slug, name
    programme.description = (description or "").strip()
    programme.funded_from, programme.funded_until = funded_from, funded_until
    programme.quarters = list(quarters)
    session.flush()
    record(session, actor=actor, subject_type="programme", subject_id=programme.id,
           action=action, at=now,
           details={"slug": slug, "quarters": [q.slug for q in quarters],
                    "funded_from": funded_from.isoformat() if funded_from else None,
                    "funded_until": funded_until.isoformat() if funded_until else None})
    return programme


@refusals_roll_back
def delete_programme(session, *, actor, programme: Programme, now: datetime) -> None:
    if not can(actor, "manage", Programme):
        raise Forbidden(_("Only the city coordination keeps the programmes."))
    begin_write(session)
    record(session, actor=actor, subject_type="programme", subject_id=programme.id,
           action="programme_deleted", at=now, details={"slug": programme.slug})
    session.delete(programme)
    session.flush()
