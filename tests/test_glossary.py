"""One vocabulary per language: a catalogue renders each of the domain's key terms the way its
glossary (translations/glossary.<lang>) says, in every string whose English uses the term."""

import configparser
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message

from scripts import translations

GLOSSARY_DIR = translations.TRANSLATIONS
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
# Arabic and Farsi diacritics and tatweel, the zero-width non-joiner, the dot of Turkish İ.
IGNORED = re.compile("[\u064b-\u065f\u0670\u0640\u200c\u0307]")
GLOSSARY_LANGUAGES = sorted(path.suffix[1:] for path in GLOSSARY_DIR.glob("glossary.*")
                            if path.suffix != ".en")


@dataclass(frozen=True)
class Term:
    name: str
    matches: re.Pattern
    unless: re.Pattern | None

    def used_in(self, msgid: str) -> bool:
        english = PLACEHOLDER.sub("", msgid)
        return bool(self.matches.search(english)) and not (
            self.unless and self.unless.search(english))


@dataclass
class Rendering:
    forms: list[str] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)


def normalised(text: str) -> str:
    return IGNORED.sub("", unicodedata.normalize("NFC", text).casefold())


def contains(text: str, form: str) -> bool:
    """`form` in the normalised text; <form> only as a whole word."""
    if form.startswith("<") and form.endswith(">"):
        word = re.escape(normalised(form[1:-1]))
        return re.search(rf"(?<!\w){word}(?!\w)", text) is not None
    return normalised(form) in text


def read_terms(path: Path = GLOSSARY_DIR / "glossary.en") -> dict[str, Term]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    return {
        name: Term(name, re.compile(section["matches"], re.I),
                   re.compile(section["unless"], re.I) if section.get("unless") else None)
        for name, section in parser.items() if name != "DEFAULT"
    }


def read_renderings(text: str) -> dict[str, Rendering]:
    """`term = form / form` and `term ! form / form` lines; # starts a comment."""
    renderings: dict[str, Rendering] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"(.+?)\s*([=!])\s*(.+)", line)
        assert match, f"not a glossary line: {line!r}"
        name, kind, forms = match.groups()
        rendering = renderings.setdefault(name, Rendering())
        target = rendering.forms if kind == "=" else rendering.avoid
        target.extend(form.strip() for form in forms.split("/") if form.strip())
    return renderings


def _ids(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple) else [message.id]


def _strings(message: Message) -> list[str]:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return [text for text in strings if text]


def deviations(catalogue: Catalog, terms: dict[str, Term],
               renderings: dict[str, Rendering]) -> list[tuple[str, str, str]]:
    """(term, msgid, translation) for every translation that renders a term another way."""
    found = []
    for message in catalogue:
        if not message.id:
            continue
        msgid = " ".join(_ids(message))
        used = [name for name, term in terms.items() if term.used_in(msgid)]
        for text in map(normalised, _strings(message)):
            for name in used:
                rendering = renderings[name]
                if not any(contains(text, form) for form in rendering.forms):
                    found.append((name, msgid, text))
                for form in rendering.avoid:
                    legitimate = any(form in renderings[other].forms for other in used)
                    if contains(text, form) and not legitimate:
                        found.append((f"{name} (not {form})", msgid, text))
    return found


@pytest.fixture(scope="module")
def terms():
    return read_terms()


def test_every_language_but_english_the_source_has_a_glossary():
    assert GLOSSARY_LANGUAGES == ["ar", "de", "fa", "tr", "uk"]


@pytest.mark.parametrize("language", GLOSSARY_LANGUAGES)
def test_each_glossary_renders_every_term_and_only_known_terms(language, terms):
    renderings = read_renderings((GLOSSARY_DIR / f"glossary.{language}").read_text("utf-8"))
    assert set(renderings) == set(terms)
    assert all(rendering.forms for rendering in renderings.values())


def test_the_terms_are_the_ones_the_issue_names(terms):
    assert set(terms) == {
        "booking", "request", "approve", "confirm", "confirmed", "cancel", "reject", "member",
        "organisation administrator", "quarter manager", "administrator", "round", "stop",
        "date", "waiting list", "step-free", "subscribe"}


@pytest.mark.parametrize("language", GLOSSARY_LANGUAGES)
def test_the_catalogue_renders_each_term_as_its_glossary_says(language, terms):
    renderings = read_renderings((GLOSSARY_DIR / f"glossary.{language}").read_text("utf-8"))
    found = deviations(translations.read_catalogue(language), terms, renderings)
    listing = "\n".join(f"  [{name}] {msgid!r} -> {text!r}" for name, msgid, text in found)
    assert not found, f"{len(found)} strings in {language} render a term another way:\n{listing}"


def test_the_english_words_of_a_term_are_found_with_their_inflections(terms):
    assert terms["approve"].used_in("Waiting for approval")
    assert terms["approve"].used_in("Booking approved: %(title)s")
    assert terms["date"].used_in("Cancel this date")
    assert not terms["date"].used_in("%(date)s is in the past.")
    assert not terms["date"].used_in("Give a date (YYYY-MM-DD).")
    assert not terms["round"].used_in("Round table")
    assert terms["administrator"].used_in("Admin (city-wide coordination)")
    assert not terms["organisation administrator"].used_in("Administrator of the city")


def test_a_catalogue_with_another_word_for_a_term_fails():
    terms = read_terms()
    renderings = read_renderings("approve = onay\napprove ! teyit\nconfirm = teyit\n")
    catalogue = Catalog(locale="tr")
    catalogue.add("Approve this booking", "Bu rezervasyonu kabul et")
    catalogue.add("Confirm my request", "Talebimi onayla")
    catalogue.add("Approve and confirm", "Onayla ve teyit et")
    catalogue.add("Please confirm your request.", "Lütfen talebinizi teyit edin.")
    found = deviations(catalogue, {name: terms[name] for name in ("approve", "confirm")},
                       renderings)
    assert [(name, msgid) for name, msgid, _text in found] == [
        ("approve", "Approve this booking"), ("confirm", "Confirm my request")]


def test_stems_find_inflected_and_prefixed_words():
    assert contains(normalised("تمت الموافقة على الحجز"), "موافق")
    assert contains(normalised("موافَق عليه"), "موافق"), "diacritics are ignored"
    assert contains(normalised("İptal edildi"), "iptal"), "Turkish capital İ"
    assert contains(normalised("رزرو رد شد"), "<رد>")
    assert not contains(normalised("کردن"), "<رد>"), "a whole word is not part of a word"
