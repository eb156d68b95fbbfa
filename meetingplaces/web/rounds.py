"""Spielmobil rounds: season planning, route sheets, single-date changes."""

from flask import Blueprint

bp = Blueprint("rounds", __name__, url_prefix="/rounds")
