"""Which language and time zone a request is served in, and locale-aware formatting helpers."""

from datetime import date, datetime, time
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import flask_babel
from babel import Locale, dates
from flask import current_app, g, has_request_context, request, session
from flask_babel import Domain, get_domain, get_locale
from flask_login import current_user
from markupsafe import Markup

from .config import LANGUAGES, RTL_LANGUAGES

# English pages speak to residents of a German city: British conventions (24-hour clock,
# day before month), as the msgids are British English.
FORMAT_LOCALES = {"en": "en_GB"}


def select_locale() -> str:
    """?lang= for shared links, then the remembered choice, the account, Accept-Language, German."""
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI, cron, tests of the domain: the city's language
        return current_app.config["DEFAULT_LANGUAGE"]
    if request.path.startswith("/api/"):
        return _api_locale(supported)
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


LANGUAGE_OFFER = "language_offer"


def chosen_language() -> str | None:
    """The language this visitor chose before logging in: on the page (?lang=, kept in the
    session) or in the browser's settings (Accept-Language); None when the city's default
    language was only the fallback."""
    supported = current_app.config["LANGUAGES"]
    if session.get("lang") in supported:
        return session["lang"]
    return request.accept_languages.best_match(supported)


def keep_reading_language(user, reading: str | None) -> None:
    """Logging in keeps the language the person chose and was reading in, also when their
    profile names another, and offers (in base.html) to save it to the profile; a silent
    switch would look like the page had broken. Without a choice the profile decides."""
    if reading in current_app.config["LANGUAGES"] and reading != user.preferred_language:
        session["lang"] = reading
        session[LANGUAGE_OFFER] = reading
    else:
        session.pop(LANGUAGE_OFFER, None)


def language_offer() -> str | None:
    """The language to offer for the profile: the session's, while it differs from it."""
    offered = session.get(LANGUAGE_OFFER)
    if (not offered or not current_user or not current_user.is_authenticated
            or offered != str(get_locale()) or offered == current_user.preferred_language):
        return None
    return offered


def _api_locale(supported) -> str:
    """The API keeps no session: Accept-Language, then the token's user, then the city's."""
    from flask import g

    wanted = request.accept_languages.best_match(supported) if request.accept_languages else None
    if wanted:
        return wanted
    user = g.get("api_user")
    if user is not None and user.preferred_language in supported:
        return user.preferred_language
    return current_app.config["DEFAULT_LANGUAGE"]


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]


def city_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def text_direction() -> str:
    return "rtl" if str(get_locale()) in RTL_LANGUAGES else "ltr"


def language_url(code: str) -> str:
    """This page again in another language, keeping its other query parameters (filters, dates)."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    args.append(("lang", code))
    return request.script_root + request.path + "?" + urlencode(args)


def content_language() -> Markup:
    """lang/dir attributes for text staff entered in the city's language (names, descriptions,
    addresses), so that screen readers switch voice on a page in another language (WCAG 3.1.2)."""
    language = current_app.config["DEFAULT_LANGUAGE"]
    if str(get_locale()) == language:
        return Markup("")
    direction = "rtl" if language in RTL_LANGUAGES else "ltr"
    return Markup(' lang="{}" dir="{}"').format(language, direction)


def language_attributes(language: str) -> Markup:
    """lang/dir attributes for text in `language` on this page, none when it is the page's."""
    if str(get_locale()) == language:
        return Markup("")
    direction = "rtl" if language in RTL_LANGUAGES else "ltr"
    return Markup(' lang="{}" dir="{}"').format(language, direction)


def formatting_locale() -> Locale:
    """The locale whose conventions format dates, times and numbers for this visitor."""
    language = str(get_locale())
    return Locale.parse(FORMAT_LOCALES.get(language, language))


def day_text(value: date | datetime, format: str = "medium") -> str:
    """A date inside a message (flash, form error, mail), as the reader writes dates: "02.04.2027"
    in German, "2 Apr 2027" in English; an aware datetime counts in the city's zone."""
    if isinstance(value, datetime):
        value = value.astimezone(city_zone()) if value.tzinfo else value
        value = value.date()
    return dates.format_date(value, format, locale=formatting_locale())


def time_text(value: datetime | time) -> str:
    """A wall-clock time inside a message, without seconds ("15:00", "3:00 PM")."""
    if isinstance(value, datetime):
        value = (value.astimezone(city_zone()) if value.tzinfo else value).time()
    return dates.format_time(value, "short", locale=formatting_locale())


def moment_text(value: datetime, date_format: str = "medium") -> str:
    """Date and time together in the locale's order, the time always without seconds (babel's
    "medium" would say 15:00:00). Aware values count in the city's zone, naive ones are taken
    as wall-clock times already."""
    return with_time(day_text(value, date_format), time_text(value), date_format)


def with_time(day: str, time_part: str, date_format: str = "medium") -> str:
    """A formatted day and a time (or a span of times) joined as the locale joins them: a comma
    in German, the Arabic comma in Arabic, none in Turkish."""
    pattern = dates.get_datetime_format(date_format, locale=formatting_locale())
    return str(pattern).replace("{1}", day).replace("{0}", time_part)


def span_text(starts: datetime, ends: datetime) -> str:
    """A date's time span in a message: "02.04.2027, 15:00–17:00"."""
    return f"{moment_text(starts)}–{time_text(ends)}"


def weekday_name(weekday: int) -> str:
    """The name of a weekday (0 = Monday) in the visitor's language, as it heads a table row."""
    name = dates.get_day_names("wide", context="stand-alone", locale=get_locale())[weekday]
    return name[:1].upper() + name[1:]


def template_globals() -> dict:
    return {
        "LANGUAGES": LANGUAGES,
        "RTL_LANGUAGES": RTL_LANGUAGES,
        "current_language": lambda: str(get_locale()),
        "text_direction": text_direction,
        "language_url": language_url,
        "content_language": content_language,
        "weekday_name": weekday_name,
        "vocabulary_label": _vocabulary_label,
        "text_in": _text_in,
        "language_attributes": language_attributes,
        "language_offer": language_offer,
    }


def register_template_helpers(app) -> None:
    """Dates and times are shown in the city's zone, formatted for the visitor's locale.

    The helpers are globals of the Jinja environment rather than a context processor so that
    macros imported without context (`{% from "macros/..." import ... %}`) can use them too."""
    app.jinja_env.globals.update(template_globals())

    def local_date(value: date, format: str = "full") -> str:
        if isinstance(value, datetime):
            value = value.astimezone(city_zone())
        return dates.format_date(value, format, locale=formatting_locale())

    def date_skeleton(value: date, skeleton: str) -> str:
        """A date in the locale's own pattern for the fields asked for (CLDR skeleton such as
        "MMMEd" for "Tue, 3 Nov" or "yMMMM" for a month heading in the right grammatical case)."""
        if isinstance(value, datetime):
            value = value.astimezone(city_zone())
        return dates.format_skeleton(skeleton, value, locale=formatting_locale())

    def local_time(value: datetime | time, format: str = "short") -> str:
        if not isinstance(value, datetime):
            # A bare wall-clock time (opening hours) belongs to no day: nothing to convert.
            return dates.format_time(value, format, locale=formatting_locale())
        return dates.format_time(value, format, tzinfo=city_zone(), locale=formatting_locale())

    def local_datetime(value: datetime, format: str = "medium") -> str:
        return moment_text(value, format)

    def local_span(starts: datetime, ends: datetime, format: str = "full",
                   skeleton: str | None = None) -> str:
        """A date's day and times, "Dienstag, 8. Dezember 2026, 17:00–19:00" (or the day as a
        CLDR skeleton, "Di., 8. Dez., 17:00–19:00"), joined in the locale's own way."""
        day = date_skeleton(starts, skeleton) if skeleton else local_date(starts, format)
        return with_time(day, f"{local_time(starts)}–{local_time(ends)}",
                         "medium" if skeleton else format)

    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["date_skeleton"] = date_skeleton
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_span"] = local_span


def _vocabulary_label(mapping_name: str, code: str) -> str:
    from . import vocabulary

    return vocabulary.label(getattr(vocabulary, mapping_name), code)


def _text_in(thing, field: str):
    """A place's text in the visitor's language, else German (place_texts.LocalText)."""
    from .place_texts import text_in

    return text_in(thing, field, str(get_locale()))


# --- review mode: ?show_msgid=1 ------------------------------------------------------------------


class MsgidTranslations:
    """Translations that show each msgid after its translation, "Übersetzung ⟦msgid⟧", the
    msgid isolated left to right so that it reads on a right-to-left page too."""

    def __init__(self, inner):
        self._inner = inner

    @staticmethod
    def _beside(translated: str, msgid: str) -> str:
        return f"{translated} \u27e6\u2066{msgid}\u2069\u27e7"

    def ugettext(self, message):
        return self._beside(self._inner.ugettext(message), message)

    def ungettext(self, singular, plural, n):
        return self._beside(self._inner.ungettext(singular, plural, n),
                            singular if n == 1 else plural)

    def upgettext(self, context, message):
        return self._beside(self._inner.upgettext(context, message), message)

    def unpgettext(self, context, singular, plural, n):
        return self._beside(self._inner.unpgettext(context, singular, plural, n),
                            singular if n == 1 else plural)

    gettext, ngettext, pgettext, npgettext = ugettext, ungettext, upgettext, unpgettext

    def __getattr__(self, name):
        return getattr(self._inner, name)


class MsgidDomain(Domain):
    def __init__(self, inner: Domain):
        super().__init__()
        self._inner = inner

    def get_translations(self):
        return MsgidTranslations(self._inner.get_translations())


def review_mode() -> None:
    """`?show_msgid=1` (with `?lang=xx`) shows every string's msgid beside its translation,
    for a native speaker reviewing a language page by page; `?show_msgid=0` ends it. Only for
    logged-in admins: everyone else never sees it, whatever the URL says."""
    if not (current_user and current_user.is_authenticated and current_user.is_admin):
        return
    wanted = request.args.get("show_msgid")
    if wanted is not None:
        session["show_msgid"] = wanted == "1"
    if session.get("show_msgid"):
        g.show_msgid = True
        # Flask-Babel looks the request's domain up on its per-request namespace first.
        flask_babel._get_current_context().babel_domain = MsgidDomain(get_domain())


def register_review_mode(app) -> None:
    app.before_request(review_mode)
