"""The site's public address: every absolute link a crawler, feed reader or messaging app
keeps (canonical, feeds, sitemaps, share links) is built here."""

from urllib.parse import urlsplit

from django.conf import settings


def configured_root() -> tuple[str, str] | None:
    """(scheme, host) of NEWSROOM_BASE_URL, None when it is not set."""
    if not settings.NEWSROOM_BASE_URL:
        return None
    parts = urlsplit(settings.NEWSROOM_BASE_URL)
    return parts.scheme, parts.netloc


def site_root(request) -> tuple[str, str]:
    """(scheme, host) of NEWSROOM_BASE_URL, or of the request when it is not set.

    The setting wins so a story read through an alias host, an IP address or a proxy that
    speaks plain HTTP still names one canonical address.
    """
    return configured_root() or (request.scheme, request.get_host())


def absolute_url(request, location: str) -> str:
    """`location` (a path, or a URL that is already absolute) as a full URL."""
    if location.startswith(("http://", "https://")):
        return location
    scheme, host = site_root(request)
    if location.startswith("//"):
        return f"{scheme}:{location}"
    return f"{scheme}://{host}{location}"
