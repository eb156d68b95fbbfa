"""What the request form offers: every bookable room grouped by its facility, the user's own
quarters first, then the rest of their city, other cities last (each in the order city,
quarter, facility, room), the mobile resources in a group of their own, and how a link from a
facility's or a room's page narrows the list.

Narrowing only changes what is shown first. A request may still combine resources of several
groups, even of several quarters: each quarter's managers then decide on theirs (policy
"approve" needs a manager of every resource), so the form never refuses such a mix."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from ..models import Facility, Quarter, Resource


@dataclass(frozen=True)
class RoomGroup:
    """One fieldset of the form: a facility's rooms, or (facility None) the mobile resources."""

    facility: Facility | None
    resources: tuple[Resource, ...]

    @property
    def is_mobile(self) -> bool:
        return self.facility is None

    @property
    def key(self) -> str:
        return self.facility.slug if self.facility else "mobile"


@dataclass(frozen=True)
class Home:
    """Where a user works: the quarters of their organisations and of their management, and
    those quarters' cities. Rooms there come first; other cities last."""

    quarter_ids: frozenset[int] = frozenset()
    cities: frozenset[str] = frozenset()

    def distance_of(self, resource: Resource) -> int:
        """0 in a home quarter, 1 elsewhere in a home city, 2 in another city (or no home)."""
        quarter = resource.quarter
        return 0 if quarter.id in self.quarter_ids else 1 if quarter.city in self.cities else 2

    def distance(self, group: RoomGroup) -> int:
        return min(self.distance_of(r) for r in group.resources)

    def is_far(self, group: RoomGroup) -> bool:
        return bool(self.cities) and self.distance(group) == 2


def home_of(user) -> Home:
    """The home of a signed-in user (an admin's is every quarter they manage, if any); a guest
    or a user without quarters has none, and sees every city alike."""
    if not getattr(user, "is_authenticated", False):
        return Home()
    quarters = [*user.managed_quarters, *(o.quarter for o in user.organisations)]
    return Home(frozenset(q.id for q in quarters), frozenset(q.city for q in quarters))


@dataclass(frozen=True)
class RoomChoice:
    """The groups a form shows, the rest it leaves out, and what a link into it asked for."""

    shown: tuple[RoomGroup, ...]
    hidden: tuple[RoomGroup, ...]
    narrowed_to: RoomGroup | None = None
    preselected: Resource | None = None
    unknown: bool = False  # the link named a facility or resource that cannot be booked
    home: Home = Home()

    @property
    def near(self) -> tuple[RoomGroup, ...]:
        """The shown groups in the user's own cities (all of them without a home)."""
        return tuple(g for g in self.shown if not self.home.is_far(g))

    @property
    def far(self) -> tuple[RoomGroup, ...]:
        """The shown groups in other cities: the form folds them away."""
        return tuple(g for g in self.shown if self.home.is_far(g))

    @property
    def resources(self) -> list[Resource]:
        """All resources, the shown ones first (other cities after the own): the order of the
        form's choices."""
        return [r for group in (*self.near, *self.far, *self.hidden) for r in group.resources]


def bookable_resources(session) -> list[Resource]:
    """Active resources of active facilities and quarters, with both, in one query."""
    return list(session.scalars(
        select(Resource)
        .join(Resource.quarter)
        .outerjoin(Resource.facility)
        .where(Resource.active.is_(True), Quarter.active.is_(True),
               or_(Facility.id.is_(None), Facility.active.is_(True)))
        .options(contains_eager(Resource.quarter), contains_eager(Resource.facility))
        .order_by(Quarter.city, Quarter.name, Quarter.id, Facility.name, Facility.id,
                  Resource.name, Resource.id)
    ).unique())


def group_resources(resources: Iterable[Resource], home: Home = Home()) -> list[RoomGroup]:
    """Facilities in the order their rooms come, the nearest to `home` first (a stable
    sort), then the mobile resources."""
    rooms: dict[int, list[Resource]] = {}
    facilities: dict[int, Facility] = {}
    mobile: list[Resource] = []
    for resource in resources:
        if resource.facility is None:
            mobile.append(resource)
        else:
            facilities.setdefault(resource.facility.id, resource.facility)
            rooms.setdefault(resource.facility.id, []).append(resource)
    groups = sorted((RoomGroup(facilities[i], tuple(rooms[i])) for i in rooms),
                    key=home.distance)
    if mobile:
        groups.append(RoomGroup(None, tuple(mobile)))
    return groups


def choose_rooms(groups: list[RoomGroup], *, facility_slug: str = "", resource_slug: str = "",
                 checked_ids: Iterable[int] = (), home: Home = Home()) -> RoomChoice:
    """Narrow the groups to the facility (or the resource's group) a link names.

    The resource is preselected, as is the only room of a facility with one. Groups holding a
    checked resource stay shown, so that nothing chosen is ever out of sight. A name that is
    not bookable (unknown, switched off) leaves every group shown and says so."""
    group = resource = None
    if resource_slug:
        resource = next((r for g in groups for r in g.resources if r.slug == resource_slug),
                        None)
        group = next((g for g in groups if resource in g.resources), None)
    elif facility_slug:
        group = next((g for g in groups if g.facility and g.facility.slug == facility_slug), None)
        if group is not None and len(group.resources) == 1:
            resource = group.resources[0]
    if group is None:
        return RoomChoice(shown=tuple(groups), hidden=(),
                          unknown=bool(resource_slug or facility_slug), home=home)
    checked = set(checked_ids)
    shown = [group] + [g for g in groups if g is not group
                       and any(r.id in checked for r in g.resources)]
    hidden = [g for g in groups if g not in shown]
    return RoomChoice(shown=tuple(shown), hidden=tuple(hidden), narrowed_to=group,
                      preselected=resource, home=home)
