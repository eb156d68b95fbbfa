"""Small factories: each makes one valid thing with sensible defaults, overridable by keyword."""

import itertools
from datetime import time
from functools import cache

from werkzeug.security import generate_password_hash

from meetingplaces.models import (
    Facility,
    Membership,
    OpeningHours,
    Organisation,
    Quarter,
    Resource,
    User,
)

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


# scrypt with a small work factor: the same code paths, a hundredth of the time per login.
TEST_PASSWORD_HASH_METHOD = "scrypt:1024:8:1"


@cache
def _password_hash() -> str:
    # Every test user shares one hash of PASSWORD.
    return generate_password_hash(PASSWORD, method=TEST_PASSWORD_HASH_METHOD)


class Factory:
    def __init__(self, session):
        self.session = session

    def _save(self, thing):
        self.session.add(thing)
        self.session.commit()
        return thing

    def quarter(self, **kw) -> Quarter:
        n = next(_counter)
        kw.setdefault("slug", f"quarter-{n}")
        kw.setdefault("name", f"Quarter {n}")
        kw.setdefault("city", "Wuppertal")
        return self._save(Quarter(**kw))

    def facility(self, quarter: Quarter | None = None, hours=((0, 6, "08:00", "22:00"),), **kw):
        """hours: (first weekday, last weekday, opens, closes) spans; every day 08-22 by default."""
        n = next(_counter)
        kw.setdefault("slug", f"facility-{n}")
        kw.setdefault("name", f"Facility {n}")
        kw.setdefault("address", f"Teststraße {n}, 42103 Wuppertal")
        facility = Facility(quarter=quarter or self.quarter(), **kw)
        for first, last, opens, closes in hours:
            for weekday in range(first, last + 1):
                facility.opening_hours.append(
                    OpeningHours(
                        weekday=weekday,
                        opens_at=time.fromisoformat(opens),
                        closes_at=time.fromisoformat(closes),
                    )
                )
        return self._save(facility)

    def room(self, facility: Facility | None = None, **kw) -> Resource:
        n = next(_counter)
        facility = facility or self.facility()
        kw.setdefault("slug", f"room-{n}")
        kw.setdefault("name", f"Room {n}")
        kw.setdefault("capacity", 20)
        kw.setdefault("approval_required", False)
        kw.setdefault("min_notice_hours", 0)
        return self._save(Resource(kind="room", facility=facility, quarter=facility.quarter, **kw))

    def mobile(self, quarter: Quarter | None = None, **kw) -> Resource:
        n = next(_counter)
        kw.setdefault("slug", f"spielmobil-{n}")
        kw.setdefault("name", "Spielmobil")
        kw.setdefault("capacity", 40)
        kw.setdefault("min_notice_hours", 0)
        return self._save(Resource(kind="mobile", quarter=quarter or self.quarter(), **kw))

    def organisation(self, quarter: Quarter | None = None, **kw) -> Organisation:
        n = next(_counter)
        kw.setdefault("slug", f"organisation-{n}")
        kw.setdefault("name", f"Initiative {n}")
        return self._save(Organisation(quarter=quarter or self.quarter(), **kw))

    def user(self, **kw) -> User:
        n = next(_counter)
        kw.setdefault("email", f"user{n}@example.org")
        kw.setdefault("name", f"User {n}")
        kw.setdefault("password_hash", _password_hash())
        return self._save(User(**kw))

    def admin(self, **kw) -> User:
        return self.user(is_admin=True, **kw)

    def manager(self, *quarters: Quarter, **kw) -> User:
        user = self.user(**kw)
        user.managed_quarters = list(quarters)
        self.session.commit()
        return user

    def member(self, organisation: Organisation, role: str = "member", **kw) -> User:
        user = self.user(**kw)
        self.session.add(Membership(user=user, organisation=organisation, role=role))
        self.session.commit()
        return user
