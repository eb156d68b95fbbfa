"""Managing quarters, facilities, resources, organisations, users and invitations."""

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

bp = Blueprint("manage", __name__, url_prefix="/manage")


@bp.before_request
@login_required
def _require_login():
    return None


@bp.get("/")
def index():
    if not current_user.is_manager:
        abort(403)
    return render_template("manage/index.html")
