"""Every permission decision of the app: can(user, action, thing).

Views and the API ask here and nowhere else. `user` may be None or anonymous.
Areas add their rules to RULES with @rule("action", Model).
"""

from collections.abc import Callable

from .models import (
    ApiToken,
    Closure,
    Facility,
    Invitation,
    Organisation,
    OutboxMessage,
    Quarter,
    Resource,
    User,
)
from .models.people import InvitationKind, MembershipRole

RULES: dict[tuple[str, type], Callable] = {}


def rule(action: str, kind: type):
    def register(check: Callable) -> Callable:
        RULES[(action, kind)] = check
        return check

    return register


def can(user, action: str, thing=None) -> bool:
    """May `user` do `action` to `thing` (a model instance, or a model class for creation)?"""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    kind = thing if isinstance(thing, type) else type(thing)
    check = RULES.get((action, kind))
    if check is None:
        raise LookupError(f"no policy for {action!r} on {kind.__name__}")
    return bool(check(user, thing))


def require_choice(actor, action: str, thing, field: str) -> None:
    """A field that names an organisation, quarter, facility, room or booking is taken only
    when `actor` may `action` it: the domain asks, so pages and the API are covered alike."""
    if not can(actor, action, thing):
        from flask_babel import gettext as _

        from .errors import Forbidden

        raise Forbidden(_("You may not choose this."), field=field)


def _manages_quarter_of(user: User, thing) -> bool:
    return user.manages(thing.quarter_id)


# Quarters: the city coordinator (admin) creates them; their managers edit them.
rule("create", Quarter)(lambda user, _: user.is_admin)
rule("edit", Quarter)(lambda user, quarter: user.manages(quarter.id))
rule("manage", Quarter)(lambda user, quarter: user.manages(quarter.id))
rule("invite_manager", Quarter)(lambda user, _: user.is_admin)
# Entering the management area at all: admins and managers of some quarter.
rule("administer", Quarter)(lambda user, _: user.is_manager)
# The outbox (failed mail, addresses of everyone): all of it, the city coordinator only.
rule("administer", OutboxMessage)(lambda user, _: user.is_admin)
# Undelivered mail about a quarter (a booking's, an event's, a stop's): its managers see it
# and send it again; mail about no quarter (accounts) stays the coordinator's.
rule("list", OutboxMessage)(lambda user, _: user.is_manager)
rule("view", OutboxMessage)(
    lambda user, message: user.is_admin
    or (message.quarter_id is not None and user.manages(message.quarter_id)))
rule("send_again", OutboxMessage)(lambda user, message: can(user, "view", message))
# Switching a whole quarter off is the city's decision.
rule("deactivate", Quarter)(lambda user, _: user.is_admin)

# Facilities and resources: managers of their quarter.
rule("create", Facility)(lambda user, _: user.is_manager)
rule("edit", Facility)(_manages_quarter_of)
rule("create", Resource)(lambda user, _: user.is_manager)
rule("edit", Resource)(_manages_quarter_of)
# Closures of a facility or a resource: managers of the quarter it lies in.
rule("edit", Closure)(
    lambda user, closure: user.manages((closure.facility or closure.resource).quarter_id)
)


# Organisations: managers of the home quarter administer them; their admins edit them.
def _is_organisation_admin(user: User, organisation: Organisation) -> bool:
    membership = user.membership_in(organisation.id)
    return membership is not None and membership.role == MembershipRole.ADMIN


def _is_member(user: User, organisation: Organisation) -> bool:
    return user.membership_in(organisation.id) is not None and organisation.is_active


rule("create", Organisation)(lambda user, _: user.is_manager)
rule("approve", Organisation)(_manages_quarter_of)
rule("edit", Organisation)(
    lambda user, org: _manages_quarter_of(user, org) or _is_organisation_admin(user, org)
)
rule("invite_admin", Organisation)(_manages_quarter_of)
rule("invite_member", Organisation)(
    lambda user, org: (
        _manages_quarter_of(user, org) or (_is_organisation_admin(user, org) and org.is_active)
    )
)
# Setting up an organisation, its home quarter and status: managers of that quarter only.
rule("administer", Organisation)(_manages_quarter_of)
rule("act_for", Organisation)(_is_member)
# The queue of registered initiatives waiting for a manager.
rule("review_registrations", Organisation)(lambda user, _: user.is_manager)
rule("view_private", Organisation)(
    lambda user, org: _manages_quarter_of(user, org) or user.membership_in(org.id) is not None
)
# "My organisation": its members see who belongs to it and may leave; its admins see the members'
# e-mail addresses, change their roles and remove them (meetingplaces.memberships keeps the last
# admin).
rule("view_members", Organisation)(lambda user, org: user.membership_in(org.id) is not None)
rule("manage_members", Organisation)(_is_organisation_admin)
rule("leave", Organisation)(lambda user, org: user.membership_in(org.id) is not None)

# Users: admins manage all accounts; nobody else edits someone else's account.
rule("manage", User)(lambda user, other: user.is_admin or user.id == other.id)
rule("list", User)(lambda user, _: user.is_admin)
# Roles, managed quarters and (de)activation of accounts: admins only.
rule("administer", User)(lambda user, _: user.is_admin)


# Invitations: whoever may send one may see and withdraw it.
def _may_send(user: User, invitation: Invitation) -> bool:
    if invitation.kind == InvitationKind.MANAGER:
        return can(user, "invite_manager", invitation.quarter)
    if invitation.kind == InvitationKind.ORGANISATION_ADMIN:
        return can(user, "invite_admin", invitation.organisation)
    return can(user, "invite_member", invitation.organisation)


rule("view", Invitation)(_may_send)
rule("revoke", Invitation)(_may_send)

# API tokens are personal.
rule("revoke", ApiToken)(lambda user, token: token.user_id == user.id)


# --- bookings ----------------------------------------------------------------------------------
from .models.bookings import Booking  # noqa: E402  (kept in this section to ease merges)


def _in_booking_organisation(user: User, booking: Booking) -> bool:
    return booking.organisation_id is not None and (
        user.membership_in(booking.organisation_id) is not None
    )


def _manages_all_resources(user: User, booking: Booking) -> bool:
    return bool(booking.resources) and all(user.manages(r.quarter_id) for r in booking.resources)


def _manages_any_resource(user: User, booking: Booking) -> bool:
    return any(user.manages(r.quarter_id) for r in booking.resources)


def _may_cancel_booking(user: User, booking: Booking) -> bool:
    if getattr(user, "is_guest", False):  # a guest, proven by its signed link: its own only
        return booking.guest_id is not None and booking.guest_id == user.id
    return (
        _in_booking_organisation(user, booking)
        or (booking.requested_by_id is not None and booking.requested_by_id == user.id)
        or _manages_any_resource(user, booking)
    )


# Members of an active organisation request for it; managers of the resource's quarter
# decide; the requesting side or a manager cancels or changes; only they see private details.
rule("request_booking", Organisation)(_is_member)
def _own_booking(check: Callable) -> Callable:
    """A booking that holds a room for an event is decided and changed through the event
    (its moderation, its dates), never on its own: the two would drift apart."""
    return lambda user, booking: booking.held_for is None and check(user, booking)


rule("approve", Booking)(_own_booking(_manages_all_resources))
rule("reject", Booking)(_own_booking(_manages_all_resources))
rule("cancel", Booking)(_own_booking(_may_cancel_booking))
rule("change", Booking)(_own_booking(_may_cancel_booking))
rule("view_private", Booking)(_may_cancel_booking)
# The approval queue and the agenda of requests: managers (each sees their quarters' only).
rule("review", Booking)(lambda user, _: user.is_manager)
# Every quarter's bookings at once: the city coordinator.
rule("review_all", Booking)(lambda user, _: user.is_admin)
# Private booking feeds: an organisation's for its members, a resource's for its managers.
rule("subscribe_bookings", Organisation)(lambda user, org: user.membership_in(org.id) is not None)
rule("subscribe_bookings", Resource)(_manages_quarter_of)


# --- events ------------------------------------------------------------------------------------
from .models.events import Event, EventStatus  # noqa: E402

UNSENT = (EventStatus.DRAFT, EventStatus.PROPOSED, EventStatus.REJECTED)


def _manages_event(user: User, event: Event) -> bool:
    return user.manages(event.quarter_id)


def _proposes(user: User, event: Event) -> bool:
    """A member of the event's organisation, while the event is not yet published."""
    organisation = event.organisation
    return (organisation is not None and event.status in UNSENT
            and _is_member(user, organisation))


# Managers publish in their quarters; members of an active organisation propose for it.
rule("publish_events", Quarter)(lambda user, quarter: user.manages(quarter.id))
rule("propose_events", Organisation)(_is_member)


def _may_credit(user: User, organisation: Organisation) -> bool:
    """Naming an organisation as an event's organiser (shown publicly): its members, and the
    city's managers, for an active organisation of their own city."""
    return organisation.is_active and (
        user.is_admin or _is_member(user, organisation)
        or any(q.city == organisation.quarter.city for q in user.managed_quarters))


rule("credit_events_to", Organisation)(_may_credit)
rule("create", Event)(lambda user, _: user.is_manager or bool(user.organisations))
rule("edit", Event)(lambda user, event: _manages_event(user, event) or _proposes(user, event))
rule("delete", Event)(lambda user, event: _manages_event(user, event) or _proposes(user, event))
rule("moderate", Event)(_manages_event)
rule("cancel", Event)(_manages_event)
rule("change_dates", Event)(_manages_event)
# Seeing an event that is not (yet) public: its managers and its organisation's members.
rule("view", Event)(
    lambda user, event: _manages_event(user, event)
    or (event.organisation is not None and user.membership_in(event.organisation.id) is not None)
)
# Holding an event in a booked room: members of the booking's (active) organisation, and the
# managers of its rooms' quarter. Nobody else, not even for a public booking.
# The moderation queue and the "city quarter management" as organiser: managers.
rule("moderate_proposals", Event)(lambda user, _: user.is_manager)
# Placing an event in a room, which it then holds: the room's managers, and members of an
# organisation (their proposal's room waits for a manager like a request).
rule("place_event_in", Resource)(
    lambda user, room: user.manages(room.quarter_id)
    or any(_is_member(user, organisation) for organisation in user.organisations))
rule("use_for_event", Booking)(_own_booking(
    lambda user, booking: _manages_all_resources(user, booking)
    or (booking.organisation is not None and _is_member(user, booking.organisation))
))



# --- rounds ------------------------------------------------------------------------------------
from .models.rounds import Round, RoundDate  # noqa: E402


def _manages_round(user: User, round_: Round) -> bool:
    return user.manages(round_.resource.quarter_id)


# Managers of the van's home quarter plan its rounds and change them; the Spielmobil team sees
# the rounds, and a member their own dates.
rule("plan_rounds", Resource)(
    lambda user, resource: resource.is_mobile and user.manages(resource.quarter_id))
rule("plan", Round)(lambda user, _: user.is_manager)
rule("list", Round)(lambda user, _: user.is_manager or user.is_spielmobil_staff)
# Every round at once, not only those of the quarters one manages.
rule("list_all", Round)(lambda user, _: user.is_admin or user.is_spielmobil_staff)
rule("manage", Round)(_manages_round)
rule("view", Round)(lambda user, round_: _manages_round(user, round_) or user.is_spielmobil_staff)
# The Spielmobil team: their own dates and their private calendar of them.
rule("list_own", RoundDate)(lambda user, _: user.is_spielmobil_staff)
rule("view", RoundDate)(
    lambda user, round_date: _manages_round(user, round_date.stop.round)
    or any(person.id == user.id for person in round_date.staff))


# --- reports -----------------------------------------------------------------------------------
from .models.reports import AttendanceSlot, Programme  # noqa: E402


def _manages_slot(user: User, slot: AttendanceSlot) -> bool:
    round_date = slot.round_date
    return user.manages(slot.event.quarter_id) or (
        round_date is not None and _manages_round(user, round_date.stop.round))


def _organises_slot(user: User, slot: AttendanceSlot) -> bool:
    """The event's organisation (its active members) or its proposer; a stop's assigned staff."""
    event, round_date = slot.event, slot.round_date
    return ((event.organisation is not None and _is_member(user, event.organisation))
            or (event.proposed_by_id is not None and event.proposed_by_id == user.id)
            or (round_date is not None and any(p.id == user.id for p in round_date.staff)))


# Attendance: recorded by the organiser, the stop's staff or a manager; once locked (a month
# after the date) only managers correct it.
rule("record_attendance", AttendanceSlot)(
    lambda user, slot: _manages_slot(user, slot) or _organises_slot(user, slot))
rule("correct_attendance", AttendanceSlot)(_manages_slot)
# Programmes: the city coordinator keeps them and tags quarters.
rule("manage", Programme)(lambda user, _: user.is_admin)
# Reports: managers of some quarter (for their quarters), the coordinator for everything.
rule("read_reports", Quarter)(lambda user, quarter: user.manages(quarter.id))
rule("read_city_reports", Quarter)(lambda user, _: user.is_admin)
