"""Who else has an article's change page open right now: a soft lock kept in the cache.

Nothing is refused because of it (the optimistic check in ArticleAdminForm does that); it
only tells an editor, before they start typing, that a colleague is on the same story.

One cache key per article holds {user id: {"name", "seen"}}. A key per user would need an
index to find them (neither the local-memory cache nor Django's Redis backend can list keys
portably), and that index would have the same read-modify-write race. The race here is
benign: two heartbeats landing together may drop one editor's refresh or arrival, and their
next heartbeat, at most HEARTBEAT_SECONDS later, puts them back. An entry counts only while
its "seen" is younger than PRESENCE_SECONDS, so someone whose tab died disappears by
themselves even while others keep the key alive.
"""

import time

from django.contrib import admin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_POST

from .models import Article

# Three missed heartbeats before someone counts as gone: browsers throttle timers in
# background tabs, and an editor reading another tab for a minute has not left.
HEARTBEAT_SECONDS = 30
PRESENCE_SECONDS = 90


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def cache_key(article_pk) -> str:
    return f"articles:presence:{article_pk}"


def _alive(entries: dict, now: float) -> dict:
    return {user_pk: entry for user_pk, entry in entries.items() if now - entry["seen"] < PRESENCE_SECONDS}


def others_present(*, article_pk, user, now: float | None = None) -> list[str]:
    """The names of everyone but `user` who has the article open, in order of arrival."""
    now = time.time() if now is None else now
    entries = _alive(cache.get(cache_key(article_pk), {}), now)
    return [entry["name"] for user_pk, entry in entries.items() if user_pk != user.pk]


def touch(*, article_pk, user, now: float | None = None) -> list[str]:
    """Record that `user` has the article open now; return the others who have it open.

    `now` (seconds since the epoch) is for tests, to age entries without sleeping.
    """
    now = time.time() if now is None else now
    entries = _alive(cache.get(cache_key(article_pk), {}), now)
    entries[user.pk] = {"name": display_name(user), "seen": now}
    cache.set(cache_key(article_pk), entries, PRESENCE_SECONDS)
    return [entry["name"] for user_pk, entry in entries.items() if user_pk != user.pk]


def leave(*, article_pk, user) -> None:
    entries = cache.get(cache_key(article_pk), {})
    if entries.pop(user.pk, None) is not None:
        cache.set(cache_key(article_pk), entries, PRESENCE_SECONDS)


@require_POST
def heartbeat(request, pk: int):
    """POST from static/articles/presence.js: "I still have it open" (or, with leave=1, "I
    closed it"); answers with the names of the others who have it open."""
    if not (request.user.is_active and request.user.is_staff):
        # A 403, not the admin's redirect to its login page: the caller is a script that
        # could do nothing with a page of HTML.
        raise PermissionDenied
    # The article admin's own rules decide who may see which article (a writer only their
    # own), so the endpoint cannot disagree with the change page it serves.
    model_admin = admin.site.get_model_admin(Article)
    article = model_admin.get_object(request, str(pk))
    if article is None:
        raise Http404
    if not model_admin.has_view_or_change_permission(request, article):
        raise PermissionDenied
    if request.POST.get("leave"):
        leave(article_pk=article.pk, user=request.user)
        return JsonResponse({"others": []})
    return JsonResponse({"others": touch(article_pk=article.pk, user=request.user)})
