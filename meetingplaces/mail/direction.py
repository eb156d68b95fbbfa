"""Plain-text mail in a right-to-left language (Arabic, Farsi): a line whose first letter is
Latin, such as "%(who)s asks for a booking ..." with an organisation's German name, is shown
left to right by mail programs (the first strong character decides, Unicode bidi rule P2).
A RIGHT-TO-LEFT MARK at the start of such a line keeps it right to left."""

import re
import unicodedata

RLM = "\u200f"
_URL = re.compile(r"\w+://\S+|\S+@\S+")


def _direction(char: str) -> str | None:
    kind = unicodedata.bidirectional(char)
    if kind in ("R", "AL"):
        return "R"
    return "L" if kind == "L" else None


def _strong(text: str) -> list[str]:
    return [d for d in map(_direction, text) if d]


def reads_right_to_left(text: str) -> bool:
    """Whether most letters of the mail (links and addresses aside) are right-to-left."""
    letters = _strong(_URL.sub("", text))
    return letters.count("R") > letters.count("L")


def with_direction_marks(text: str, right_to_left: bool) -> str:
    """RLM before each line that holds right-to-left words but starts with a Latin letter."""
    if not right_to_left:
        return text
    lines = []
    for line in text.split("\n"):
        letters = _strong(line)
        if letters and letters[0] == "L" and "R" in letters and not line.startswith(RLM):
            line = RLM + line
        lines.append(line)
    return "\n".join(lines)
