"""Dates as readers read them, the same on every page, feed and e-mail, set by two settings.

NEWSROOM_MONTH_NAMES: "levantine" ("كانون الأول", what Syrian outlets write) or "standard"
("ديسمبر", Egyptian and Gulf usage, Django's "ar" locale). NEWSROOM_DIGITS: "western" (2018)
or "arabic" (Arabic-Indic ٢٠١٨). Feeds and sitemaps carry machine dates (RFC 822, W3C) that
their readers parse, never these.
"""

from datetime import date, datetime

from django.conf import settings
from django.core.checks import Error, register
from django.utils import timezone

from newsroom.text import LEVANTINE_MONTHS

STANDARD_MONTHS = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
)
MONTH_NAMES = {"levantine": LEVANTINE_MONTHS, "standard": STANDARD_MONTHS}

_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DIGITS = ("western", "arabic")


def digits(text: str) -> str:
    """`text` with its digits in the site's style."""
    return text.translate(_ARABIC_INDIC) if settings.NEWSROOM_DIGITS == "arabic" else text


def month_name(month: int) -> str:
    return MONTH_NAMES[settings.NEWSROOM_MONTH_NAMES][month - 1]


def _local(value: date | datetime) -> date | datetime:
    # An aware moment is shown as the day it was on the site's clock: 22:30 UTC on 30 November
    # is already 1 December in Damascus.
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def format_date(value: date | datetime | None) -> str:
    """ "1 كانون الأول 2018" (or "1 ديسمبر 2018", "١ كانون الأول ٢٠١٨"); "" for no date."""
    if not value:
        return ""
    value = _local(value)
    return digits(f"{value.day} {month_name(value.month)} {value.year}")


def format_time(value: datetime | None) -> str:
    """ "14:05" on the site's clock, in the site's digits."""
    if not value:
        return ""
    return digits(f"{_local(value):%H:%M}")


def format_month(value: date) -> str:
    """ "كانون الأول 2018": a calendar's heading."""
    return digits(f"{month_name(value.month)} {value.year}")


@register()
def check_date_settings(app_configs, **kwargs):
    errors = []
    if settings.NEWSROOM_MONTH_NAMES not in MONTH_NAMES:
        errors.append(
            Error(
                f"NEWSROOM_MONTH_NAMES is {settings.NEWSROOM_MONTH_NAMES!r}.",
                hint=f"Use one of {', '.join(MONTH_NAMES)}.",
                id="newsroom.E001",
            )
        )
    if settings.NEWSROOM_DIGITS not in DIGITS:
        errors.append(
            Error(
                f"NEWSROOM_DIGITS is {settings.NEWSROOM_DIGITS!r}.",
                hint=f"Use one of {', '.join(DIGITS)}.",
                id="newsroom.E002",
            )
        )
    return errors
