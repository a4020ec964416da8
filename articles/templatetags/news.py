from datetime import date, datetime

from django import template
from django.utils import timezone

from newsroom.dates import format_date, format_time

register = template.Library()


@register.filter
def news_date(value: date | datetime | None, arg: str = "") -> str:
    """{{ when|news_date }}: "1 كانون الأول 2018" in the site's time zone, month names and
    digits (newsroom/dates.py); {{ when|news_date:"time" }} adds the time: "…، 14:05"."""
    if not value:
        return ""
    if arg == "time" and isinstance(value, datetime):
        return f"{format_date(value)}، {format_time(value)}"
    return format_date(value)


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
