"""A reader's query, parsed once, for both databases and the highlighter.

The syntax is web search's, as PostgreSQL's websearch_to_tsquery reads it: words are all
required, "quoted words" must stand together, `or` (or Arabic «أو») between two parts accepts
either, and a leading minus excludes. Each word becomes search terms through the same
normaliser that indexed the articles (newsroom.text.search_terms).
"""

import re
from dataclasses import dataclass, field

from newsroom.text import search_key, search_terms

MAX_LENGTH = 200
# A quoted phrase (the closing quote may be missing), or a run of anything but space and quotes.
_TOKEN = re.compile(r'(-?)(?:["“”«»]([^"“”«»]*)["“”«»]?|([^\s"“”«»]+))')
_OR = {"or", "او"}


@dataclass(frozen=True)
class Part:
    """One required thing: a term, or a phrase of terms in a row."""

    terms: tuple[str, ...]
    # As the reader typed it (quotes included), to offer it back alone.
    written: str = field(default="", compare=False)

    def websearch(self) -> str:
        return f'"{" ".join(self.terms)}"' if len(self.terms) > 1 else self.terms[0]


@dataclass
class Query:
    # Every group must match; within a group any part may (the parts joined by "or").
    groups: list[list[Part]] = field(default_factory=list)
    excluded: list[Part] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def terms(self) -> set[str]:
        """The terms to highlight: what the query asks for, never what it excludes."""
        return {term for group in self.groups for part in group for term in part.terms}

    def websearch(self) -> str:
        """The query again in websearch_to_tsquery's syntax, over search terms only."""
        groups = [" or ".join(part.websearch() for part in group) for group in self.groups]
        return " ".join([*groups, *(f"-{part.websearch()}" for part in self.excluded)])


def parse(text: str) -> Query:
    query = Query()
    join_next = False
    for minus, phrase, word in _TOKEN.findall(text[:MAX_LENGTH]):
        written = phrase if phrase or not word else word
        if not minus and not phrase and search_key(written) in _OR:
            join_next = bool(query.groups)
            continue
        terms = tuple(search_terms(written))
        if not terms:
            continue
        # A word the normaliser splits ("سوريا.نت") keeps its pieces together, as a phrase.
        part = Part(terms, f'"{written}"' if phrase else written)
        if minus:
            query.excluded.append(part)
        elif join_next:
            query.groups[-1].append(part)
        else:
            query.groups.append([part])
        join_next = False
    return query
