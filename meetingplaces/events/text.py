"""Event descriptions are Markdown typed by people: rendered to HTML and sanitised for pages,
reduced to plain text for iCalendar."""

import html
import re

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(source: str) -> Markup:
    """Safe HTML for a page: whatever HTML the source carries passes through nh3 first."""
    rendered = markdown.markdown(source or "")
    return Markup(  # noqa: S704 (nh3 has just sanitised it)
        nh3.clean(
            rendered,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="nofollow noopener noreferrer",
        )
    )


def plain_text(source: str) -> str:
    """The description as a calendar app shows it: no tags, entities decoded, paragraphs kept."""
    rendered = markdown.markdown(source or "")
    rendered = re.sub(r"<br\s*/?>", "\n", rendered)
    rendered = re.sub(r"</(p|h\d|li|ul|ol|blockquote|pre)>", r"</\1>\n", rendered)
    text = html.unescape(nh3.clean(rendered, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def localised(event, language: str) -> tuple[str, str]:
    """Title and Markdown description in the visitor's language, German where none exists."""
    translation = event.translation(language) if language != "de" else None
    if translation is None:
        return event.title, event.description
    return translation.title or event.title, translation.description or event.description
