"""Public calendars of the city, a quarter and a facility (web pages)."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)
