"""Accounts: passwords and their reset links, invitations, self-registration of initiatives,
personal API tokens. Plain functions over a session; the caller commits."""

from ..errors import InvalidInput


class InvalidLink(InvalidInput):
    """An e-mailed link (reset, invitation) that is forged, expired, used or withdrawn."""

    status = 410


MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
