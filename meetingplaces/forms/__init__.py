"""WTForms classes, one module per area."""


def normalised_email(value: str | None) -> str | None:
    """A WTForms filter: e-mail addresses are compared lower-cased and trimmed."""
    from ..models.people import normalise_email

    return normalise_email(value) if value else value


def optional_int(value) -> int | None:
    """coerce= for a select with an empty first option: nothing chosen is None, not an error."""
    if value in ("", None):
        return None
    number = int(value)
    if not -2**31 < number < 2**31:  # no database row has such an id: as unknown as "abc"
        raise ValueError(value)
    return number
