"""Passwords: changing one's own, and resetting a forgotten one by a signed e-mail link.

A reset token carries the user's id, the time it was issued and a fingerprint of the current
password hash. Setting a new password changes the hash, so a used link dies with it.
"""

from datetime import datetime

from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash

from ..errors import InvalidInput
from ..models import User
from ..models.audit import record
from ..models.people import normalise_email, token_digest
from . import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, InvalidLink, notifications
from .hashing import dummy_hash, hash_password

RESET_SALT = "meetingplaces.password-reset"


def check_new_password(password: str, field: str = "password") -> None:
    """The same rule for every way a password is set (reset, invitation, registration, profile)."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            _("The password needs at least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
            field=field,
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            _("The password may have at most %(count)d characters.", count=MAX_PASSWORD_LENGTH),
            field=field,
        )


def verify_login(session, email: str, password: str) -> User | None:
    """The active account with this address and password, or None; the same work either way."""
    user = session.scalar(select(User).where(User.email == normalise_email(email or "")))
    if user is None or not user.password_hash:
        check_password_hash(dummy_hash(), password or "")  # as long as a known address
        return None
    return user if user.check_password(password or "") and user.active else None


def spend_like_a_new_password(password: str) -> None:
    """Hash as setting a password would, for a request that sets none (same time)."""
    hash_password(password or "-")


def _fingerprint(user: User) -> str:
    # A digest, not the hash itself: the token is signed, not encrypted.
    return token_digest(user.password_hash or "")[:16]


def make_reset_token(user: User, *, secret_key: str, now: datetime) -> str:
    serializer = URLSafeSerializer(secret_key, salt=RESET_SALT)
    return serializer.dumps({"user": user.id, "pw": _fingerprint(user), "at": int(now.timestamp())})


def user_for_reset_token(session, token: str, *, secret_key: str, max_age: int,
                         now: datetime) -> User:
    """The user a reset link belongs to, if it is genuine, fresh and unused."""
    try:
        data = URLSafeSerializer(secret_key, salt=RESET_SALT).loads(token)
    except BadSignature:
        raise InvalidLink(_("This link is not valid. Please request a new one.")) from None
    if int(now.timestamp()) - data["at"] > max_age:
        raise InvalidLink(_("This link has expired. Please request a new one."))
    user = session.get(User, data["user"])
    if user is None or not user.active or data["pw"] != _fingerprint(user):
        raise InvalidLink(_("This link has already been used. Please request a new one."))
    return user


def request_password_reset(session, email: str, *, secret_key: str, now: datetime) -> None:
    """Mail a reset link if an active account has this address. Says nothing either way, so
    the page cannot be used to find out who has an account."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active:
        return
    token = make_reset_token(user, secret_key=secret_key, now=now)
    notifications.password_reset(session, user, token)


def reset_password(session, token: str, password: str, *, secret_key: str, max_age: int,
                   now: datetime) -> User:
    user = user_for_reset_token(session, token, secret_key=secret_key, max_age=max_age, now=now)
    check_new_password(password)
    user.set_password(password)
    user.end_all_sessions()
    record(session, actor=user, subject_type="user", subject_id=user.id,
           action="password_reset", at=now)
    return user


def change_password(session, user: User, *, current_password: str, password: str,
                    now: datetime) -> None:
    if not user.check_password(current_password or ""):
        raise InvalidInput(_("The current password is wrong."), field="current_password")
    check_new_password(password)
    user.set_password(password)
    user.end_all_sessions()
    record(session, actor=user, subject_type="user", subject_id=user.id,
           action="password_changed", at=now)
