"""Translatable labels for the codes stored in the database (equipment, kinds, languages)."""

from flask_babel import lazy_gettext as _l

EQUIPMENT = {
    "beamer": _l("Projector"),
    "wifi": _l("Wi-Fi"),
    "kitchen": _l("Kitchen"),
    "whiteboard": _l("Whiteboard"),
    "piano": _l("Piano"),
    "sound": _l("Sound system"),
    "tables": _l("Tables"),
    "chairs": _l("Chairs"),
    "childcare": _l("Childcare equipment"),
    "sports": _l("Sports equipment"),
    "play": _l("Play equipment"),
    "tent": _l("Tent"),
}

ORGANISATION_KINDS = {
    "initiative": _l("Initiative"),
    "association": _l("Association"),
    "church": _l("Church parish"),
    "migrant_organisation": _l("Migrant self-organisation"),
    "welfare": _l("Welfare organisation"),
    "school": _l("School or day-care centre"),
    "other": _l("Other"),
}

RESOURCE_KINDS = {"room": _l("Room"), "mobile": _l("Mobile resource")}

SPOKEN_LANGUAGES = {
    "de": _l("German"),
    "en": _l("English"),
    "ar": _l("Arabic"),
    "uk": _l("Ukrainian"),
    "tr": _l("Turkish"),
    "fa": _l("Farsi"),
    "ru": _l("Russian"),
    "fr": _l("French"),
    "ku": _l("Kurdish"),
    "ti": _l("Tigrinya"),
}


def label(mapping: dict, code: str) -> str:
    return str(mapping.get(code, code))
