"""The privacy page: what is stored, why, for how long, and the person's rights."""

from flask import Blueprint, current_app, render_template

bp = Blueprint("privacy", __name__)


@bp.get("/privacy")
def privacy():
    return render_template("privacy.html",
                           months=current_app.config["PERSONAL_DATA_RETENTION_MONTHS"])
