"""Which language and time zone a request is served in, and locale-aware formatting helpers."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_login import current_user

from .config import LANGUAGES, RTL_LANGUAGES


def select_locale() -> str:
    """?lang= for shared links, then the remembered choice, the account, Accept-Language, German."""
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI, mail sending, domain code run outside a request
        return current_app.config["DEFAULT_LANGUAGE"]
    wanted = request.args.get("lang")
    if wanted in supported:
        session["lang"] = wanted
        return wanted
    if session.get("lang") in supported:
        return session["lang"]
    if current_user and current_user.is_authenticated:
        if current_user.preferred_language in supported:
            return current_user.preferred_language
    return request.accept_languages.best_match(supported) or current_app.config["DEFAULT_LANGUAGE"]


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]


def city_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def text_direction() -> str:
    return "rtl" if str(get_locale()) in RTL_LANGUAGES else "ltr"


def template_globals() -> dict:
    return {
        "LANGUAGES": LANGUAGES,
        "current_language": lambda: str(get_locale()),
        "text_direction": text_direction,
        "vocabulary_label": _vocabulary_label,
    }


def register_filters(app) -> None:
    """Dates and times are shown in the city's zone, formatted for the visitor's locale."""

    def local_date(value: datetime, format: str = "full") -> str:
        return format_date(value, format)

    def local_time(value: datetime, format: str = "short") -> str:
        return format_time(value, format)

    def local_datetime(value: datetime, format: str = "medium") -> str:
        return format_datetime(value, format)

    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["local_datetime"] = local_datetime


def _vocabulary_label(mapping_name: str, code: str) -> str:
    from . import vocabulary

    return vocabulary.label(getattr(vocabulary, mapping_name), code)
