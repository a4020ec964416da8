"""The page cache for anonymous readers, and a clean 503 when the database is away."""

import hashlib
import logging
import re
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from .pagecache import pages

logger = logging.getLogger(__name__)

# The same test as GZipMiddleware's: the cache keeps one copy per encoding a reader can get.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Headers that belong to the reader who caused the page to be built, never to be replayed.
PERSONAL_HEADERS = {"set-cookie"}
RETRY_AFTER_SECONDS = 30


class PageCacheMiddleware:
    """Whole pages for readers who are not signed in, in the cache shared by every server.

    A page is looked up here, before the rest of the stack runs: the URL is resolved first, so
    only the views named in PAGE_CACHE_VIEWS pay for a lookup (a miss resolves it twice, some
    30 µs). A hit costs at most one cache read (serving/pagecache.py) and skips every
    middleware below this one, the view, its queries and the compression: what they add to a
    response (compression, Vary, X-Frame-Options, the Content Security Policy) is in the copy
    stored on its way out, after them. Looked up after them instead (in process_view), hits
    ran at 0.79 to 0.88 of the trivial view's rate (bench/web.py).

    Never cached: signed-in users (staff see drafts, previews and their own edits), requests
    with a session or a messages cookie (a message is for one reader), anything but GET and
    HEAD, any status but 200, and responses that set a cookie or say they are private.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hit = self._lookup(request)
        if hit is not None:
            return hit
        response = self.get_response(request)
        if not getattr(request, "page_cache_view", False):
            return response
        if response.status_code == 503:
            # The database is away: asking whether a session's user is signed in would fail too.
            return response
        if request.user.is_authenticated:
            # Nothing a signed-in user sees may be kept by a browser or a shared cache.
            patch_cache_control(response, private=True, no_store=True)
            return response
        lookup = getattr(request, "page_cache_lookup", None)
        if lookup is None or not self._storable(request, response):
            return response
        return self._store(request, response, *lookup)

    def _lookup(self, request):
        """The stored page for `request`, or None: not a page the cache keeps, not for this
        reader, not stored yet, or the cache is down."""
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            return None
        if view_name not in settings.PAGE_CACHE_VIEWS:
            return None
        request.page_cache_view = True
        if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
            return None
        key = self._key(request)
        try:
            generation, entry = pages.get(key)
        except Exception:
            # A cache that is down costs readers speed, not the page.
            logger.warning("page cache unavailable", exc_info=True)
            return None
        request.page_cache_lookup = (key, generation)
        if entry is None:
            return None
        response = HttpResponse(entry["content"] if request.method == "GET" else b"")
        for name, value in entry["headers"]:
            response.headers[name] = value
        response["Age"] = str(max(0, int(time.time()) - entry["built"]))
        return get_conditional_response(
            request, etag=entry["etag"], last_modified=entry["built"], response=response
        )

    def _key(self, request) -> str:
        encoding = "gzip" if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) else "identity"
        # Hashed: URLs are any length and any characters, cache keys are not.
        url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        return f"page:{encoding}:{url}"

    def _storable(self, request, response) -> bool:
        if response.status_code != 200 or response.streaming or request.method != "GET":
            return False
        if response.cookies:
            return False
        cache_control = response.get("Cache-Control", "")
        return "private" not in cache_control and "no-store" not in cache_control

    def _store(self, request, response, key: str, generation: int):
        seconds = settings.PAGE_CACHE_SECONDS
        built = int(time.time())
        # A CDN may keep the page as long as we do; stale-if-error lets it show the last copy for
        # a few minutes more if every app server is down.
        patch_cache_control(
            response, public=True, max_age=seconds, s_maxage=seconds, stale_if_error=10 * seconds
        )
        patch_vary_headers(response, ["Cookie"])
        etag = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
        response["ETag"] = etag
        response["Last-Modified"] = http_date(built)
        # `generation` was read before the page was built: if a change committed meanwhile, this
        # copy is already outdated and the next reader rebuilds it.
        entry = {
            "generation": generation,
            "built": built,
            "etag": etag,
            "content": response.content,
            "headers": [(k, v) for k, v in response.items() if k.lower() not in PERSONAL_HEADERS],
        }
        try:
            pages.put(key, entry, seconds)
        except Exception:
            logger.warning("page cache unavailable", exc_info=True)
        return get_conditional_response(request, etag=etag, last_modified=built, response=response)


class DatabaseUnavailableMiddleware:
    """A short Arabic "back soon" page with 503 and Retry-After while the database cannot be
    reached, instead of the 500 page: load balancers and crawlers read 503 as temporary.

    Pages already in the page cache are still served, without the database. Once it is back,
    the next request's connection health check replaces the broken connection (CONN_HEALTH_CHECKS)
    and the site recovers without a restart."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("database unavailable: %s", exception)
        # Rendered without the request: the context processors would query the database.
        body = render_to_string("503.html", {"site_name": settings.NEWSROOM_SITE_NAME})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        patch_cache_control(response, no_store=True)
        return response
