"""Keep translations/<lang>/LC_MESSAGES/messages.po in step with the code.

    python -m scripts.translations extract   # after adding or changing user-facing strings
    python -m scripts.translations todo [lang ...]   # what still needs a translator

`extract` reads every gettext call in meetingplaces/ and templates/ (the mapping in babel.cfg),
adds new msgids to every catalogue, drops msgids the code no longer uses, and fills English from
the msgids. The catalogues are written sorted and without line numbers so that branches adding
strings merge without conflicts. tests/test_translations.py uses the same extraction.
"""

import copy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
SOURCE_DIRS = ("meetingplaces", "templates")
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
COMMENT_TAGS = ("Translators:",)
# The languages of meetingplaces.config.LANGUAGES; English is the source language.
LANGUAGES = ("de", "en", "ar", "fa", "uk", "tr")
HEADER_COMMENT = """\
# Translations of meetingplaces. msgids are English; keep %(name)s placeholders as they are.
# Refresh with `make extract`; list what is missing with `python -m scripts.translations todo`."""


def extract() -> Catalog:
    """A template catalogue of every user-facing string in the code and templates."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)

    def in_sources(dirpath: str) -> bool:
        parts = Path(dirpath).relative_to(ROOT).parts
        return not parts or parts[0] in SOURCE_DIRS

    template = Catalog(project="meetingplaces", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT,
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
        directory_filter=in_sources,
    ):
        template.add(
            message,
            None,
            [(filename, lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def catalogue_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def read_catalogue(language: str) -> Catalog:
    with open(catalogue_path(language), "rb") as handle:
        return read_po(handle, locale=language)


def write_catalogue(language: str, catalog: Catalog) -> None:
    path = catalogue_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        write_po(handle, catalog, sort_output=True, ignore_obsolete=True, include_lineno=False)


def compile_all(target: Path) -> None:
    """Write the .mo files into target/<lang>/LC_MESSAGES/, as `make translations` does in place."""
    for language in LANGUAGES:
        mo_path = target / language / "LC_MESSAGES" / "messages.mo"
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with open(mo_path, "wb") as handle:
            write_mo(handle, read_catalogue(language))


def update_all(template: Catalog) -> None:
    for language in LANGUAGES:
        if catalogue_path(language).exists():
            catalog = read_catalogue(language)
        else:
            catalog = Catalog(
                locale=language,
                project="meetingplaces",
                header_comment=HEADER_COMMENT,
                language_team="meetingplaces",
                fuzzy=False,
            )
        # Catalog.update shares the template's message objects; each catalogue needs its own.
        catalog.update(
            copy.deepcopy(template), no_fuzzy_matching=True, update_creation_date=False
        )
        if language == "en":
            fill_from_msgids(catalog)
        write_catalogue(language, catalog)


def fill_from_msgids(catalog: Catalog) -> None:
    """English is the source language: its translation is the msgid itself."""
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable:
            singular, plural = message.id
            message.string = tuple([singular] + [plural] * (catalog.num_plurals - 1))
        else:
            message.string = message.id
        message.flags.discard("fuzzy")


def untranslated(catalog: Catalog) -> list:
    """Messages a reader of this language would see in English."""
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message)
    return missing


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "todo"
    if command == "extract":
        update_all(extract())
        return 0
    if command == "todo":
        total = 0
        for language in argv[1:] or LANGUAGES:
            for message in untranslated(read_catalogue(language)):
                print(f"{language}: {message.id!r}")
                total += 1
        return 1 if total else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
