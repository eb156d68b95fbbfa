"""Who may run what: the admin flag, managed quarters, the Spielmobil team, active accounts.

Only admins call these (the policy says so); they keep an admin from locking themselves out.
"""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from .booking.feeds import rotate_feeds
from .errors import InvalidInput
from .models import Quarter, User
from .models.types import utcnow


def update_roles(session, user: User, *, acting: User, is_admin: bool,
                 is_spielmobil_staff: bool, managed_quarters: list[Quarter]) -> User:
    if user.id == acting.id and user.is_admin and not is_admin:
        raise InvalidInput(
            _("You cannot take away your own admin rights; ask another admin."), field="is_admin"
        )
    given_up = [q for q in user.managed_quarters if q not in managed_quarters]
    lost_admin = user.is_admin and not is_admin
    user.is_admin = is_admin
    user.is_spielmobil_staff = is_spielmobil_staff
    user.managed_quarters = sorted(managed_quarters, key=lambda quarter: quarter.name)
    session.flush()
    if given_up or lost_admin:
        # The rooms' private feeds this manager could read get new addresses.
        quarters = (list(session.scalars(select(Quarter))) if lost_admin else given_up)
        rotate_feeds(session, user=user, actor=acting, now=utcnow(), reason="manager_removed",
                     quarters=[q for q in quarters if q not in managed_quarters])
    return user


def set_user_active(session, user: User, *, acting: User, active: bool,
                    now: datetime | None = None) -> User:
    """A deactivated account can no longer log in, its sessions end and the private feeds it
    could read get new addresses; its history stays."""
    if user.id == acting.id and not active:
        raise InvalidInput(_("You cannot deactivate your own account."))
    if user.active and not active:
        user.end_all_sessions()
        rotate_feeds(session, user=user, actor=acting, now=now or utcnow(),
                     reason="account_deactivated")
    user.active = active
    session.flush()
    return user
