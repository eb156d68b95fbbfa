"""The logged-in user's own account: profile, password, API tokens."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("/")
@login_required
def profile():
    return render_template("account/profile.html", user=current_user)
