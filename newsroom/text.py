"""Arabic text helpers shared by the apps: slugs and folded matching keys."""

import functools
import re
import unicodedata
from collections.abc import Iterator

import snowballstemmer
from django.utils.text import slugify

# Harakat, superscript alef, tatweel and invisible direction/joiner marks: a ZWNJ or RLM
# typed inside a word would otherwise split it in two.
_STRIP = re.compile("[\u064b-\u0652\u0670\u0640\u200c-\u200f\u061c\u202a-\u202e\u2066-\u2069]")
# Arabic-Indic and Persian digits to 0-9.
_DIGITS = str.maketrans({chr(base + d): str(d) for base in (0x0660, 0x06F0) for d in range(10)})
_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ک": "ك"})

# Syrian and Levantine outlets name the months this way; Django's "ar" locale has only the
# Egyptian/Gulf names ("ديسمبر"), so the names live here rather than in a translation.
LEVANTINE_MONTHS = (
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
)


def fold(text: str) -> str:
    """Fold the spellings readers type onto the spellings editors write (never for display)."""
    text = unicodedata.normalize("NFKC", text)
    return _STRIP.sub("", text).translate(_DIGITS).translate(_LETTERS)


def arabic_slugify(text: str, max_length: int = 200) -> str:
    """A readable Arabic URL slug: "دير-الزور-24", never empty for an Arabic title.

    slugify(allow_unicode=True) keeps tatweel and Arabic-Indic digits, so fold first;
    the cut falls on a word boundary so no word is left half-written.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _STRIP.sub("", text).translate(_DIGITS)
    slug = slugify(text, allow_unicode=True)
    if len(slug) > max_length:
        # The hyphen just past the limit counts too: a word ending exactly at the limit stays.
        cut = slug.rfind("-", 0, max_length + 1)
        slug = slug[:cut] if cut > 0 else slug[:max_length]
    return slug


def contains_phrase(haystack: str, phrase: str) -> bool:
    """Whether `phrase` stands as whole words in `haystack`, both folded.

    Letters or digits on either side mean a different word ("سانا" inside "إنسانا").
    """
    needle = re.escape(fold(phrase).strip())
    if not needle:
        return False
    return re.search(rf"(?<!\w){needle}(?!\w)", fold(haystack)) is not None


# ---------------------------------------------------------------------------------------------
# Search keys: the one place they are built, for indexing, querying, highlighting and
# duplicate detection. Rules and their measurements: ../shared/ARABIC.md ("Search keys").

# A word as written: letters and digits, with the marks fold() deletes counted as part of it,
# so "عسكريّة" or "سا‌نا" (ZWNJ) stays one word whose position in the original text is known.
_WORD = re.compile("(?:[^\\W_]|[\u064b-\u0652\u0670\u0640\u200c-\u200f\u061c\u202a-\u202e\u2066-\u2069])+")
# Before these the stemmer reads a final ه as a pronoun, so "العسكريه" would not meet
# "العسكرية"; readers who type ه there mean ة.
_ARTICLE_PREFIXES = ("ال", "بال", "كال", "لل")
_stemmer = snowballstemmer.stemmer("arabic")
# Slightly looser than the search key: the spellings of one name that a tag list should not
# hold twice ("حماه"/"حماة", "مؤتمر"/"موتمر"). Too loose for the stemmer (ARABIC.md).
_LOOSE = str.maketrans({"ة": "ه", "ؤ": "و", "ئ": "ي", "ء": None})


def _key_word(word: str) -> str:
    # The stemmer never strips و/ف before ال: "والعسكرية" would not meet "العسكرية".
    if word[:1] in "وف" and word[1:3] == "ال" and len(word) >= 5:
        word = word[1:]
    if word.endswith("ه") and any(
        word.startswith(prefix) and len(word) > len(prefix) + 1 for prefix in _ARTICLE_PREFIXES
    ):
        word = word[:-1] + "ة"
    return word


def key_words(text: str) -> list[str]:
    """The words of `text` as search keys: folded, lower-cased, with the prefix rules applied."""
    # Folding first joins what the marks split; NFKC again because lower() can undo it ("İ").
    return [_key_word(word) for word in _WORD.findall(unicodedata.normalize("NFKC", fold(text).lower()))]


def search_key(text: str) -> str:
    """`text` as one search key string: what readers type and what editors wrote meet here."""
    return " ".join(key_words(text))


@functools.lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stemmer.stemWord(word)


def search_terms(text: str) -> list[str]:
    """The indexed terms of `text`: each key word through the Snowball Arabic stemmer, the
    algorithm of PostgreSQL's `arabic` configuration, run here so both databases index and
    query the same terms."""
    return [_stem(word) for word in key_words(text)]


@functools.lru_cache(maxsize=200_000)
def _word_terms(word: str) -> tuple[str, ...]:
    return tuple(search_terms(word))


def written_words(text: str) -> Iterator[tuple[int, int, tuple[str, ...]]]:
    """(start, end, terms) for each word as written in `text`, in order, to highlight the
    original text where its terms match a query's. Lazy, so a snippet reads only as far as it
    needs; cached per word, since a page of snippets repeats most."""
    return ((m.start(), m.end(), _word_terms(m.group())) for m in _WORD.finditer(text))


def loose_key(text: str) -> str:
    """A key for spotting two spellings of one name (tags), never for search. Folded word by
    word: a word of hamza alone folds to nothing and must not leave its space behind."""
    return " ".join(loose for word in key_words(text) if (loose := word.translate(_LOOSE)))
