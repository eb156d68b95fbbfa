"""meetingplaces: rooms, events and the Spielmobil of a city's quarters."""

from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask

PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped_dir(name: str) -> str:
    """templates/, static/, translations/ and migrations/ live at the top of the repository;
    a built wheel carries them inside the package."""
    inside = PACKAGE_DIR / name
    return str(inside if inside.is_dir() else PACKAGE_DIR.parent / name)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=_shipped_dir("templates"),
        static_folder=_shipped_dir("static"),
    )
    from . import config

    config.load(app, test_config)
    from .accounts import hashing

    hashing.use_method(app.config["PASSWORD_HASH_METHOD"])
    from . import logs

    logs.configure(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", _shipped_dir("translations"))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LANGUAGE"])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["TIMEZONE"])

    from flask_babel import Babel

    from . import database, models  # noqa: F401  (engine listeners, table registry)
    from .extensions import csrf, db, limiter, login_manager, migrate
    from .i18n import (
        register_review_mode,
        register_template_helpers,
        select_locale,
        select_timezone,
    )

    db.init_app(app)
    migrate.init_app(app, db, directory=_shipped_dir("migrations"))
    csrf.init_app(app)
    # The limiter is one object: without this, RATELIMIT_ENABLED or RATELIMIT_DEFAULT of an
    # earlier app in the process (tests) would carry over to this one.
    limiter.enabled = True
    limiter.limit_manager.set_default_limits([])
    limiter.init_app(app)
    # One Babel per app: Flask-Babel caches loaded catalogues on the instance, not per app.
    Babel(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)
    register_template_helpers(app)
    register_review_mode(app)

    from .web import register_blueprints

    register_blueprints(app)

    _register_booking_listeners(app)

    from .reports import usage

    usage.listen()  # booked minutes per room and month follow every occurrence written
    with app.app_context():
        for engine in db.engines.values():
            usage.set_zone(engine, ZoneInfo(app.config["TIMEZONE"]))

    from . import cli

    cli.register(app)
    if app.config.get("PROXY_COUNT"):
        # Behind the city's reverse proxy: trust its X-Forwarded-* headers for scheme and client IP.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    return app


def _register_booking_listeners(app: Flask) -> None:
    """Who hears of each booking step (booking.listeners), with the settings each needs."""
    from .booking.listeners import listen
    from .booking.notifications import BookingMails
    from .booking.rules import Settings
    from .booking.waiting import WaitingList
    from .events.booking_changes import follow_booking
    from .links import absolute_url

    settings = Settings.from_config(app.config)
    # an event's hold freeing dates ("hold_freed") is no step anybody is mailed about
    listen(app, BookingMails(zone=settings.zone, languages=tuple(app.config["LANGUAGES"]),
                             secret_key=app.config["SECRET_KEY"], link=absolute_url,
                             sender=app.config["MAIL_SENDER"]),
           actions=("requested", "guest_requested", "guest_confirmed", "approved", "rejected",
                    "cancelled", "changed", "restored", "offered"))
    listen(app, WaitingList(settings), actions=("cancelled", "changed", "hold_freed"))
    # events held in a booked room follow its changes
    listen(app, follow_booking, actions=("changed", "cancelled", "rejected"))
