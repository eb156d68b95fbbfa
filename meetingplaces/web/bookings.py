"""Booking rooms and the Spielmobil: requests, approval queue, week and day views."""

from flask import Blueprint

bp = Blueprint("bookings", __name__, url_prefix="/bookings")
