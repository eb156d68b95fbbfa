"""Helpers for the accounts tests: links out of mails, invitations made through the domain."""

import re
from urllib.parse import urlsplit

from meetingplaces.accounts import invitations
from meetingplaces.models.types import utcnow

LINK = re.compile(r"https?://\S+")


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message, containing: str = "/auth/") -> str:
    """The path of the first link in a mail that contains `containing`."""
    for url in LINK.findall(body_of(message)):
        if containing in url:
            parts = urlsplit(url)
            assert parts.netloc == "localhost.test", url  # absolute links to this site
            return parts.path
    raise AssertionError(f"no link with {containing!r} in:\n{body_of(message)}")


def invite(session, inviter, email, kind, target, now=None, max_age_days=14):
    """An invitation as the domain makes it; returns (invitation, token)."""
    invitation, token = invitations.invite(
        session, inviter, email=email, kind=kind, target=target,
        max_age_days=max_age_days, now=now or utcnow(),
    )
    session.commit()
    return invitation, token

