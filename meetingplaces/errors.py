"""Typed domain errors. The web layer turns them into form errors, the API into JSON bodies."""


class DomainError(Exception):
    """A rule of the domain said no. `field` names the form field the message belongs to."""

    status = 422
    # Further lines a form shows above itself (e.g. every clash of a plan).
    notes: tuple[str, ...] = ()

    def __init__(self, message: str, field: str | None = None, **details):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details

    def as_json(self) -> dict:
        body = {"error": self.message}
        if self.field:
            body["fields"] = {self.field: [self.message]}
        body.update(self.details)
        return body


class InvalidInput(DomainError):
    status = 422


class Conflict(DomainError):
    status = 409


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404
