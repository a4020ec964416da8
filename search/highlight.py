"""Highlighting on the text as written: each written word is turned into search terms by the
same normaliser as the index, and marked where they meet the query's. (ts_headline could not
do this: it highlights by its own parse of the original text, which misses "عسكريّة".)"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsroom.text import written_words

SNIPPET_WORDS = 36


def _marked(text: str, words: list[tuple[int, int, list[str]]], terms: set[str], start: int, end: int) -> str:
    html, at = [], start
    for word_start, word_end, word_terms in words:
        if word_end <= start or word_start >= end:
            continue
        if terms.intersection(word_terms):
            html += [escape(text[at:word_start]), "<mark>", escape(text[word_start:word_end]), "</mark>"]
            at = word_end
    html.append(escape(text[at:end]))
    return "".join(html)


def highlight(text: str, terms: set[str]) -> SafeString:
    """All of `text`, escaped, with the words matching `terms` in <mark>."""
    return mark_safe(_marked(text, written_words(text), terms, 0, len(text)))  # noqa: S308 - escaped above


def snippet(text: str, terms: set[str], size: int = SNIPPET_WORDS) -> SafeString:
    """`size` words of `text` from just before its first match (its opening words when none
    matches), escaped, the matches in <mark>; an ellipsis where the text goes on.

    Reads the text only up to the end of that window: looking for the window with the most
    matches meant turning every word of every result's body into terms, a third of the search
    page's time at 100,000 articles (bench/search.py)."""
    words, first_hit, complete = [], None, True
    for word in written_words(text):
        words.append(word)
        if first_hit is None and terms.intersection(word[2]):
            first_hit = len(words) - 1
        # A few words before the match set the sentence in context.
        if first_hit is not None and len(words) >= max(0, first_hit - 4) + size:
            complete = False
            break
    if not words:
        return mark_safe("")
    first = 0 if first_hit is None else max(0, min(first_hit - 4, len(words) - size))
    last = min(len(words), first + size) - 1
    start = 0 if first == 0 else words[first][0]
    end = len(text) if complete and last == len(words) - 1 else words[last][1]
    body = _marked(text, words, terms, start, end)
    return mark_safe(("… " if start else "") + body + (" …" if end < len(text) else ""))  # noqa: S308
