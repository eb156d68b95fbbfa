"""Web addresses (slugs) of quarters, facilities, resources and organisations.

A slug is made from the name, may be edited, and must be unique among its kind: the database
guards that with a UNIQUE constraint; here we say so politely before it has to.
"""

import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .errors import InvalidInput

MAX_LENGTH = 80
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# German letters have customary ASCII spellings; a plain accent strip would turn "Höhe" into "hohe".
TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})


def slugify(name: str) -> str:
    """'Wichlinghausen/Oberbarmen' -> 'wichlinghausen-oberbarmen', 'Höhe' -> 'hoehe'."""
    text = name.lower().translate(TRANSLITERATION)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(text) > MAX_LENGTH:
        text = text[:MAX_LENGTH]
        text = text.rsplit("-", 1)[0] if "-" in text else text
    return text


def claim_slug(session, model, wanted: str | None, name: str, own_id: int | None = None) -> str:
    """The slug to store for a thing of `model`: the one typed, or one made from its name.

    Raises InvalidInput on the field "slug" when it is malformed or already used by another thing.
    """
    slug = (wanted or "").strip().lower() or slugify(name)
    if not slug:
        raise InvalidInput(
            _("Please enter a web address made of letters a-z, digits and hyphens."), field="slug"
        )
    if not SLUG_PATTERN.match(slug) or len(slug) > MAX_LENGTH:
        raise InvalidInput(
            _(
                "A web address may only contain letters a-z, digits and single hyphens "
                "(at most %(max)d characters), for example “alte-feuerwache”.",
                max=MAX_LENGTH,
            ),
            field="slug",
        )
    query = select(model.id).where(model.slug == slug)
    if own_id is not None:
        query = query.where(model.id != own_id)
    if session.scalar(query) is not None:
        raise InvalidInput(_taken(slug), field="slug")
    return slug


def _taken(slug: str) -> str:
    return _("The web address “%(slug)s” is already taken. Please choose another one.", slug=slug)


def flush_claiming_slug(session, thing) -> None:
    """Write `thing` now; if a concurrent request took its slug meanwhile, say so on the field."""
    try:
        with session.begin_nested():
            session.add(thing)
            session.flush()
    except IntegrityError as error:
        if "slug" not in str(error.orig).lower():
            raise
        raise InvalidInput(_taken(thing.slug), field="slug") from error
