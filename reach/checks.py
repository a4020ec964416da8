from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_base_url(app_configs, **kwargs):
    base = settings.NEWSROOM_BASE_URL
    if not base:
        return []
    parts = urlsplit(base)
    origin_only = not (parts.path or parts.query or parts.fragment)
    if parts.scheme not in ("http", "https") or not parts.netloc or not origin_only:
        return [
            Error(
                f"NEWSROOM_BASE_URL (SITE_URL) is {base!r}.",
                hint="Give the scheme and host only, e.g. https://example.org",
                id="reach.E001",
            )
        ]
    return []


@register(deploy=True)
def check_base_url_in_production(app_configs, **kwargs):
    if settings.NEWSROOM_BASE_URL:
        return []
    return [
        Warning(
            "NEWSROOM_BASE_URL (SITE_URL) is not set: canonical links, feeds and sitemaps will name "
            "whatever host and scheme each request arrived with.",
            hint="Set SITE_URL to the site's public address, e.g. https://example.org",
            id="reach.W001",
        )
    ]
