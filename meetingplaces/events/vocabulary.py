"""Translatable labels for the codes an event stores: categories, target groups, languages."""

from flask_babel import lazy_gettext as _l

CATEGORIES = {
    "cafe": _l("Café"),
    "language_course": _l("Language course"),
    "childcare": _l("Childcare"),
    "homework_help": _l("Homework help"),
    "film_night": _l("Film night"),
    "workshop": _l("Workshop"),
    "sport": _l("Sport"),
    "counselling": _l("Counselling"),
    "round_table": _l("Round table"),
    "district_conference": _l("District conference"),
    "festival": _l("Festival"),
    "spielmobil": _l("Spielmobil"),
    "other": _l("Other"),
}

TARGET_GROUPS = {
    "everyone": _l("Everyone"),
    "children": _l("Children"),
    "youth": _l("Young people"),
    "women": _l("Women"),
    "families": _l("Families"),
    "seniors": _l("Seniors"),
}

# Languages an event's title and description can be written in; German is the event's own text.
TEXT_LANGUAGES = ("de", "en", "ar", "uk", "tr", "fa", "ru")
TRANSLATION_LANGUAGES = TEXT_LANGUAGES[1:]
BASE_LANGUAGE = "de"


def label(mapping: dict, code: str) -> str:
    return str(mapping.get(code, code))
