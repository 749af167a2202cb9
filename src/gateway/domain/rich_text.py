"""Rich text from staff: sanitised once on the way in, so no script ever reaches a frontend."""

from __future__ import annotations

import html

import nh3

# What a news editor needs: paragraphs, emphasis, lists, headings, links. No images (those are
# attachments, served through signed URLs), no styles, no scripts, no event handlers.
ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "ul",
        "ol",
        "li",
        "a",
        "h2",
        "h3",
        "h4",
        "blockquote",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
SUMMARY_LENGTH = 200


def sanitise_html(text: str) -> str:
    """Only the allowed tags and attributes survive; links get `rel="noopener noreferrer"`."""
    return nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        # Scripts and styles go with their content, not just their tags.
        clean_content_tags={"script", "style"},
    )


def plain_text(text: str) -> str:
    """The text of some HTML without any tags, whitespace collapsed."""
    spaced = text.replace("<", " <")
    return " ".join(html.unescape(nh3.clean(spaced, tags=set())).split())


def summary_of(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """The first `limit` characters of the plain text, cut at a word, with '…' if cut."""
    plain = plain_text(text)
    if len(plain) <= limit:
        return plain
    cut = plain[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"
