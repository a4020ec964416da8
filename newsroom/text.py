"""Arabic text helpers shared by the apps: slugs and folded matching keys."""

import re
import unicodedata

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
