from datetime import date, datetime

from django import template
from django.utils import timezone

from newsroom.text import LEVANTINE_MONTHS

register = template.Library()


@register.filter
def levantine_date(value: date | datetime | None) -> str:
    """ "1 كانون الأول 2018", in the site's time zone."""
    if not value:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.day} {LEVANTINE_MONTHS[value.month - 1]} {value.year}"


@register.filter
def photo(article, size: str) -> str:
    """{{ article|photo:"card" }}: the URL of a photo rendition, "" when there is none."""
    return article.photo_url(size)


@register.filter
def html_datetime(value: datetime | None) -> str:
    """A <time datetime> value to the second: Django's "c" format prints microseconds, which
    HTML does not allow beyond three digits."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")
