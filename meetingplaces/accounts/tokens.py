"""Personal API tokens: the secret is shown once at creation; only its digest is stored."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from ..database import write_aside
from ..errors import Forbidden, InvalidInput
from ..models import ApiToken, User
from ..models.audit import record
from ..models.people import token_digest
from ..policy import can

PREFIX_LENGTH = 10


def create(session, user: User, name: str, now: datetime) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its secret, which is not stored anywhere."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Please name the token, e.g. after the program that uses it."),
                           field="name")
    if len(name) > 120:
        raise InvalidInput(_("Please use a shorter name."), field="name")
    secret = ApiToken.new_secret()
    token = ApiToken(user=user, name=name, token_digest=token_digest(secret),
                     prefix=secret[:PREFIX_LENGTH], created_at=now)
    session.add(token)
    session.flush()
    record(session, actor=user, subject_type="api_token", subject_id=token.id,
           action="created", at=now)
    return token, secret


def revoke(session, actor: User, token: ApiToken, now: datetime) -> None:
    if not can(actor, "revoke", token):
        raise Forbidden(_("This is not your token."))
    if token.revoked_at is None:
        token.revoked_at = now
        record(session, actor=actor, subject_type="api_token", subject_id=token.id,
               action="revoked", at=now)


def owned_by(session, user: User) -> list[ApiToken]:
    return list(session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
    ))


# A token's last use is shown to its owner to the day; storing it on every call would make
# each API request a writer.
TOUCH_INTERVAL = timedelta(minutes=5)


def needs_touch(token: ApiToken, now: datetime) -> bool:
    return token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL


def touch(engine, token_id: int, now: datetime) -> bool:
    """Store that the token was used, at most once per TOUCH_INTERVAL and in a transaction of
    its own that may be dropped: a busy database never fails the call that used the token."""
    statement = (
        update(ApiToken)
        .where(ApiToken.id == token_id,
               or_(ApiToken.last_used_at.is_(None),
                   ApiToken.last_used_at <= now - TOUCH_INTERVAL))
        .values(last_used_at=now)
    )
    return write_aside(engine, lambda connection: connection.execute(statement),
                       what="API token last use")
