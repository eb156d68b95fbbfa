"""Form data for the management pages: valid by default, overridable by keyword."""

from datetime import UTC, datetime

from meetingplaces.models import Closure

SCRIPT = '<script>alert("x")</script><b>bold</b>'
ESCAPED_SCRIPT = "&lt;script&gt;alert("


def quarter_form(**kw) -> dict:
    return {"name": "Höhe", "slug": "", "city": "Wuppertal", "description": "", **kw}


def facility_form(quarter, **kw) -> dict:
    data = {
        "quarter_id": quarter.id,
        "name": "Alte Feuerwache",
        "slug": "",
        "address": "Gathe 6, 42107 Wuppertal",
        "latitude": "",
        "longitude": "",
        "description": "",
        "accessibility": "",
        "contact_email": "",
        "contact_phone": "",
        "website": "",
    }
    data.update({f"hours_{day}": "" for day in range(7)})
    data.update(kw)
    return data


def room_form(facility, **kw) -> dict:
    return {
        "facility_id": facility.id,
        "name": "Seminarraum",
        "slug": "",
        "description": "",
        "capacity": "24",
        "setup_minutes": "15",
        "cleanup_minutes": "15",
        "min_duration_minutes": "30",
        "max_duration_minutes": "480",
        "max_advance_days": "365",
        "min_notice_hours": "24",
        "monthly_hours_per_organisation": "",
        **kw,
    }


def mobile_form(quarter, **kw) -> dict:
    data = {
        "quarter_id": quarter.id,
        "name": "Spielmobil",
        "slug": "",
        "description": "",
        "capacity": "40",
        "setup_minutes": "30",
        "cleanup_minutes": "30",
        "min_duration_minutes": "60",
        "max_duration_minutes": "480",
        "max_advance_days": "365",
        "min_notice_hours": "48",
        "monthly_hours_per_organisation": "",
        "step_free": "y",
        "approval_required": "y",
        "equipment": ["play", "tent"],
    }
    data.update(kw)
    return data


def organisation_form(quarter, **kw) -> dict:
    return {
        "quarter_id": quarter.id,
        "name": "Sprachcafé Nordstadt",
        "slug": "",
        "kind": "initiative",
        "description": "",
        "public_contact": "",
        "private_contact_email": "",
        "private_contact_phone": "",
        "status": "active",
        **kw,
    }


def closure(session, *, facility=None, resource=None, starts_at=None, ends_at=None, reason=""):
    thing = Closure(
        facility=facility,
        resource=resource,
        starts_at=starts_at or datetime(2030, 7, 1, 6, 0, tzinfo=UTC),
        ends_at=ends_at or datetime(2030, 7, 20, 20, 0, tzinfo=UTC),
        reason=reason,
    )
    session.add(thing)
    session.commit()
    return thing
