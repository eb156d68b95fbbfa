"""Invitations of managers, organisation admins and members; registrations awaiting approval."""

from flask import Blueprint

bp = Blueprint("invitations", __name__, url_prefix="/invitations")
