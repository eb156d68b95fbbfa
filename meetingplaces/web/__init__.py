"""The web layer: one blueprint per area, security headers, error pages."""

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..database import end_writer
from ..errors import Forbidden, NotFound
from ..extensions import db, login_manager
from ..models import User
from ..places import city_of
from . import requestlog
from .once import once_field

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def register_blueprints(app: Flask) -> None:
    from . import (
        account,
        api,
        auth,
        bookings,
        boundary,
        calendar,
        events,
        feeds,
        health,
        invitations,
        manage,
        organisations,
        privacy,
        public,
        reports,
        rounds,
        start,
    )

    boundary.install(app)
    for module in (
        public, calendar, feeds, auth, account, organisations, invitations, manage, bookings,
        events, rounds, reports, api, health, privacy, start,
    ):
        app.register_blueprint(module.bp)
    app.session_interface = health.SessionInterface()  # feeds' rule plus the health checks
    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions
    app.jinja_env.globals["once_field"] = once_field
    app.jinja_env.globals["city_of"] = city_of

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_user)

    requestlog.register(app)
    app.after_request(_security_headers)
    app.teardown_request(lambda _error: end_writer(db.session))
    _register_error_pages(app)


def _api_or(api_handler, is_api_request):
    """Other HTTP errors (413, 415, ...): JSON under /api/v1, Werkzeug's answer elsewhere."""

    def handler(error: HTTPException):
        if is_api_request():
            return api_handler(error)
        return error

    return handler


def _load_user(session_id: str):
    user_id = session_id.partition(".")[0]
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    # A session from before the last password change no longer matches (User.get_id).
    return user if user is not None and user.get_id() == session_id else None


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _register_error_pages(app: Flask) -> None:
    from .api import http_error_json, is_api_request
    from .boundary import RefusedInput

    def render_error(status: int):
        def handler(error):
            if is_api_request() and isinstance(error, HTTPException):
                return http_error_json(error)  # JSON under /api/v1, also on unknown paths
            message = error.description if isinstance(error, RefusedInput) else None
            return render_template("errors/error.html", status=status, error=error,
                                   message=message), status

        return handler

    for status in (400, 403, 404, 405, 409, 413, 429, 500):
        app.register_error_handler(status, render_error(status))
    app.register_error_handler(HTTPException, _api_or(http_error_json, is_api_request))
    app.register_error_handler(CSRFError, render_error(400))
    # A domain refusal that a view lets through; the API answers these in JSON itself.
    app.register_error_handler(Forbidden, render_error(403))
    app.register_error_handler(NotFound, render_error(404))
