"""Place texts in the visitor's language: a quarter's, a facility's, a room's and an
organisation's description, a facility's opening notes and accessibility.

The German text lives on the row itself; one translation row per further language holds the
same fields (models/places.py `TranslatedTexts`), as an event keeps its title and description.
A visitor reads a text in their language where it exists, else in German, and the page says so
(lang attribute and a visible hint, see templates/macros/places.html).
"""

from dataclasses import dataclass

from flask_babel import gettext as _

from .config import LANGUAGES
from .errors import InvalidInput
from .models import (
    Facility,
    FacilityTranslation,
    Organisation,
    OrganisationTranslation,
    Quarter,
    QuarterTranslation,
    Resource,
    ResourceTranslation,
)

BASE_LANGUAGE = "de"
# The interface languages besides German: a visitor can only ever ask for these.
PLACE_LANGUAGES = tuple(code for code in LANGUAGES if code != BASE_LANGUAGE)
MAX_TEXT = 5000

TRANSLATION_MODELS = {
    Quarter: QuarterTranslation,
    Facility: FacilityTranslation,
    Resource: ResourceTranslation,
    Organisation: OrganisationTranslation,
}


@dataclass(frozen=True)
class LocalText:
    """A text and the language it is actually written in (the visitor's, or German)."""

    text: str
    language: str

    def __bool__(self) -> bool:
        return bool(self.text)

    def __str__(self) -> str:
        return self.text

    def is_fallback(self, visitor_language: str) -> bool:
        return bool(self.text) and self.language != visitor_language


def text_in(thing, field: str, language: str) -> LocalText:
    """`thing`'s `field` in `language` when translated, else the German text."""
    if language != BASE_LANGUAGE and field in thing.TRANSLATED_FIELDS:
        translation = thing.translation(language)
        text = getattr(translation, field, "") if translation is not None else ""
        if text:
            return LocalText(text, language)
    return LocalText(getattr(thing, field) or "", BASE_LANGUAGE)


def texts_shown(thing) -> tuple:
    """Every language's version of every translated field: what a visitor may read."""
    return tuple((field, getattr(thing, field)) for field in thing.TRANSLATED_FIELDS) + tuple(
        (t.language, *(getattr(t, field) for field in thing.TRANSLATED_FIELDS))
        for t in thing.translations
    )


def translations_of(thing) -> dict[str, dict[str, str]]:
    """{language: {field: text}} of a place's translations, as the JSON API shows them."""
    return {t.language: {field: getattr(t, field) for field in thing.TRANSLATED_FIELDS}
            for t in thing.translations}


def translation_values(thing) -> dict[str, str]:
    """The form fields `<field>_<language>` of a place's translations, for its edit form."""
    values = {}
    for translation in thing.translations:
        if translation.language in PLACE_LANGUAGES:
            for field in thing.TRANSLATED_FIELDS:
                values[f"{field}_{translation.language}"] = getattr(translation, field)
    return values


def apply_translations(thing, translations: dict | None) -> None:
    """{language: {field: text}} onto `thing`; a language whose texts are all empty is removed.

    Languages and fields not given stay as they are."""
    if not translations:
        return
    if not isinstance(translations, dict):
        raise InvalidInput(_("Translations are given per language."), field="translations")
    model = TRANSLATION_MODELS[type(thing)]
    for language, texts in translations.items():
        if language not in PLACE_LANGUAGES or not isinstance(texts, dict):
            raise InvalidInput(_("Unknown language: %(value)s", value=language),
                               field="translations")
        unknown = set(texts) - set(thing.TRANSLATED_FIELDS)
        if unknown:
            raise InvalidInput(_("Unknown field: %(value)s", value=", ".join(sorted(unknown))),
                               field="translations")
        values = {}
        for field, text in texts.items():
            text = (text or "").strip() if isinstance(text, str | None) else None
            if text is None or len(text) > MAX_TEXT or "\x00" in text:
                raise InvalidInput(_("This text is too long or not text."),
                                   field=f"{field}_{language}")
            values[field] = text
        existing = thing.translation(language)
        if existing is None:
            if any(values.values()):
                thing.translations.append(model(language=language, **{
                    field: values.get(field, "") for field in thing.TRANSLATED_FIELDS}))
            continue
        for field, text in values.items():
            setattr(existing, field, text)
        if not any(getattr(existing, field) for field in thing.TRANSLATED_FIELDS):
            thing.translations.remove(existing)
