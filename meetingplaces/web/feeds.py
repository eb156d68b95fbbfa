"""iCalendar feeds: public quarter/facility/city feeds and private token feeds."""

from flask import Blueprint

bp = Blueprint("feeds", __name__)
