"""Work that a request schedules for after its response has gone out, outside its
transaction: it can neither delay nor fail the answer."""

from flask import after_this_request

from ..accounts import tokens
from ..extensions import db
from .clock import now


def touch_token_later(token) -> None:
    """Note the API token's use once the response is sent (throttled, best effort)."""
    moment = now()
    if not tokens.needs_touch(token, moment):
        return
    engine, token_id = db.engine, token.id

    @after_this_request
    def schedule(response):
        response.call_on_close(lambda: tokens.touch(engine, token_id, moment))
        return response
