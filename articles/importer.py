"""Reads the plain-text article format scraped from Syrian news sites.

title
teaser lead (often cut short with "...")
photo caption - <day> <Levantine month> <year>
body paragraph
...
أقسام
<section name>
أخبار متعلقة
<titles of related articles, if any>
"""

import re
from dataclasses import dataclass, field
from datetime import date

from newsroom.text import LEVANTINE_MONTHS, fold

SECTION_MARKER = "أقسام"
RELATED_MARKER = "أخبار متعلقة"
MAX_TITLE = 250
MAX_CAPTION = 300

_MONTHS = {fold(name): number for number, name in enumerate(LEVANTINE_MONTHS, start=1)}
_CAPTION = re.compile(r"^(?P<caption>.*?)\s*[-–—]\s*(?P<day>\d{1,2})\s+(?P<month>\D+?)\s+(?P<year>\d{4})$")


class MalformedArticle(ValueError):
    """The text is not in the import format; the message says where."""


@dataclass
class ParsedArticle:
    title: str
    lead: str
    caption: str
    pub_date: date
    paragraphs: list[str]
    section_name: str
    related_titles: list[str] = field(default_factory=list)


def parse_caption(line: str) -> tuple[str, date] | None:
    r"""Split "<caption> - 1 كانون الأول 2018" into the caption and its date, or None.

    `\d` and int() accept Arabic-Indic digits too, so "١ كانون الأول ٢٠١٨" reads the same.
    """
    match = _CAPTION.match(line.strip())
    if not match:
        return None
    month = _MONTHS.get(fold(match["month"]).strip())
    if month is None:
        return None
    try:
        when = date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        raise MalformedArticle(f"the caption's date does not exist: {line.strip()!r}") from None
    return match["caption"].strip(), when


def parse_article(text: str) -> ParsedArticle:
    if "\x00" in text:
        # PostgreSQL cannot store NUL, and a plain-text article never has one.
        raise MalformedArticle("contains NUL characters: not a plain-text article")
    lines = [line.strip() for line in text.lstrip("\ufeff").splitlines() if line.strip()]
    if not lines:
        raise MalformedArticle("the file is empty")
    if len(lines) < 4:
        raise MalformedArticle("too short: expected a title, a lead, a dated caption and a body")

    title = lines[0]
    if len(title) > MAX_TITLE:
        raise MalformedArticle(f"the title is longer than {MAX_TITLE} characters")
    if parse_caption(lines[1]):
        raise MalformedArticle("no lead: the line after the title is already the photo caption")
    lead = lines[1]
    parsed_caption = parse_caption(lines[2])
    if parsed_caption is None:
        raise MalformedArticle(
            "line 3 should be the photo caption ending in ' - <day> <Levantine month> <year>',"
            f" got {lines[2][:60]!r}"
        )
    caption, pub_date = parsed_caption
    if len(caption) > MAX_CAPTION:
        raise MalformedArticle(f"the photo caption is longer than {MAX_CAPTION} characters")

    try:
        marker = lines.index(SECTION_MARKER, 3)
    except ValueError:
        raise MalformedArticle(f"no {SECTION_MARKER!r} line naming the section") from None
    paragraphs = lines[3:marker]
    if not paragraphs:
        raise MalformedArticle("the body is empty")
    rest = lines[marker + 1 :]
    if not rest or rest[0] == RELATED_MARKER:
        raise MalformedArticle(f"no section name after {SECTION_MARKER!r}")
    section_name = rest[0]
    related_titles = rest[2:] if len(rest) > 1 and rest[1] == RELATED_MARKER else []

    return ParsedArticle(
        title=title,
        lead=lead,
        caption=caption,
        pub_date=pub_date,
        paragraphs=paragraphs,
        section_name=section_name,
        related_titles=related_titles,
    )
