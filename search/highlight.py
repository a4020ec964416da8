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
    """The `size` words of `text` holding the most matches, escaped, the matches in <mark>;
    an ellipsis where the text goes on."""
    words = written_words(text)
    if not words:
        return mark_safe("")
    hits = [bool(terms.intersection(word_terms)) for _, _, word_terms in words]
    if len(words) <= size:
        first = 0
    else:
        counts = [sum(hits[i : i + size]) for i in range(len(words) - size + 1)]
        best = max(counts)
        # Start the window a little before its first match, so the sentence reads in context.
        first = counts.index(best)
        if best:
            first = max(0, hits.index(True, first) - 4)
            first = min(first, len(words) - size)
    last = min(len(words), first + size) - 1
    start = 0 if first == 0 else words[first][0]
    end = len(text) if last == len(words) - 1 else words[last][1]
    body = _marked(text, words, terms, start, end)
    return mark_safe(("… " if start else "") + body + (" …" if end < len(text) else ""))  # noqa: S308
