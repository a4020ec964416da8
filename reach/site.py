"""The site's public address: every absolute link a crawler, feed reader or messaging app
keeps (canonical, feeds, sitemaps, share links) is built here."""

from urllib.parse import urlsplit

from django.conf import settings


def site_root(request) -> tuple[str, str]:
    """(scheme, host) of NEWSROOM_BASE_URL, or of the request when it is not set.

    The setting wins so a story read through an alias host, an IP address or a proxy that
    speaks plain HTTP still names one canonical address.
    """
    if settings.NEWSROOM_BASE_URL:
        parts = urlsplit(settings.NEWSROOM_BASE_URL)
        return parts.scheme, parts.netloc
    return request.scheme, request.get_host()


def absolute_url(request, location: str) -> str:
    """`location` (a path, or a URL that is already absolute) as a full URL."""
    if location.startswith(("http://", "https://")):
        return location
    if location.startswith("//"):
        return f"{site_root(request)[0]}:{location}"
    scheme, host = site_root(request)
    return f"{scheme}://{host}{location}"
