"""Events: managing, proposing and moderating events; event pages."""

from flask import Blueprint

bp = Blueprint("events", __name__, url_prefix="/events")
