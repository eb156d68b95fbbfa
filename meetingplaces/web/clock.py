"""The request's clock, one for every view: tests and benchmarks pin it with FIXED_NOW."""

from datetime import datetime

from flask import current_app

from ..models.types import utcnow


def now() -> datetime:
    return current_app.config.get("FIXED_NOW") or utcnow()
