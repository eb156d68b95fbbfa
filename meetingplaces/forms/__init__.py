"""WTForms classes, one module per area."""


def normalised_email(value: str | None) -> str | None:
    """A WTForms filter: e-mail addresses are compared lower-cased and trimmed."""
    from ..models.people import normalise_email

    return normalise_email(value) if value else value


def optional_int(value) -> int | None:
    """coerce= for a select with an empty first option: nothing chosen is None, not an error."""
    return int(value) if value not in ("", None) else None
