"""How new password hashes are made. scrypt's default work factor is what protects stored
passwords in production; the test suite sets a cheap one (PASSWORD_HASH_METHOD) so that its
thousands of logins do not cost minutes. A stored hash names its own method and parameters, so
checking a password follows whatever made its hash."""

import secrets
from functools import cache

from werkzeug.security import generate_password_hash

DEFAULT_METHOD = "scrypt"
_method = DEFAULT_METHOD


def use_method(method: str) -> None:
    """Set by create_app from PASSWORD_HASH_METHOD (one method per process)."""
    global _method
    _method = method


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method)


def dummy_hash() -> str:
    """A hash of no one's password, made like a real one, for checks that must take as long as
    a real check (an unknown address at login)."""
    return _dummy_hash(_method)


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)
