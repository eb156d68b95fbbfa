"""Plain-text mail in Farsi and Arabic stays right to left where a line starts with a Latin
name: a RIGHT-TO-LEFT MARK leads such a line; left-to-right mail is left alone."""

import pytest
from sqlalchemy import select

from meetingplaces.mail.direction import RLM, reads_right_to_left, with_direction_marks
from meetingplaces.models.mail import OutboxMessage

from .booking_factories import NOW, book, city_fixture  # noqa: F401  (city is a fixture)


@pytest.fixture
def app_config(compiled_translations):
    return {"BABEL_TRANSLATION_DIRECTORIES": compiled_translations}


def test_a_farsi_line_starting_with_a_latin_name_gets_a_right_to_left_mark():
    body = "سلام مریم،\n\nSprachcafé Nordstadt رزروی درخواست کرده است:\nhttps://example.org/b/1"
    marked = with_direction_marks(body, reads_right_to_left(body))
    lines = marked.split("\n")
    assert lines[2] == RLM + "Sprachcafé Nordstadt رزروی درخواست کرده است:"
    assert lines[0] == "سلام مریم،", "a line that starts right to left needs no mark"
    assert lines[3] == "https://example.org/b/1", "a link alone stays as it is"
    assert with_direction_marks(marked, True) == marked, "marks are not doubled"


def test_an_english_mail_with_an_arabic_title_is_left_alone():
    body = "Hello Anna,\n\nYour event «مقهى اللغة» is published.\nSee you there."
    assert not reads_right_to_left(body)
    assert with_direction_marks(body, reads_right_to_left(body)) == body


@pytest.mark.parametrize(("language", "expected"), [
    ("fa", RLM + "{name} رزروی درخواست کرده که منتظر پذیرش شماست:"),
    ("ar", "يطلب {name} حجزًا ينتظر موافقتك:"),  # starts with Arabic: no mark needed
])
def test_managers_mail_about_a_request_reads_right_to_left(session, city, language, expected):
    city.manager.preferred_language = language
    city.organisation.name = "Sprachcafé Nordstadt"
    city.room.approval_required = True
    session.commit()
    book(session, city, now=NOW)
    [mail] = [m for m in session.scalars(select(OutboxMessage))
              if m.recipient == city.manager.email]
    lines = mail.body.split("\n")
    assert expected.format(name="Sprachcafé Nordstadt") in lines
    assert all(not line.startswith(RLM) or any("\u0600" <= c <= "\u06ff" for c in line)
               for line in lines)
