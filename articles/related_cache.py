"""When cached "related news" must be recomputed, without finding every list an article is on.

A list depends on its article (text, section, tags, sources, picks) and on the candidates,
which can only have come through a shared tag, a shared source or the section. So every tag,
source, section and article has a version in the cache, and a list is cached under the
versions of its article's own traits: a change to any article bumps its traits' versions,
which retires every list that could have shown it, in O(its traits) cache writes. Versions are
times in nanoseconds, never counters: an evicted version comes back as a new value, so an
old list can never be read again under it. Lists hold ids only; the cards are read fresh
(published only), so a retitled or withdrawn article is never shown stale.
"""

import hashlib
import logging
import time

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

logger = logging.getLogger(__name__)

PREFIX = "related"
# Time catches what no signal sees: a scheduled story whose minute comes without a save.
TIMEOUT = 15 * 60
# A version outlives any list cached under it.
VERSION_TIMEOUT = 24 * 60 * 60


def read(keys) -> dict:
    """cache.get_many, or nothing while the shared cache is down: related news are then ranked
    uncached, rather than costing readers the article page. The backend's own errors differ
    (redis-py's ConnectionError, memcached's), hence the broad except."""
    try:
        return cache.get_many(keys)
    except Exception:
        logger.warning("cache unavailable: related news ranked without it", exc_info=True)
        return {}


def write(values: dict, timeout: int) -> None:
    """cache.set_many, skipped while the shared cache is down (a missed version bump is
    caught by TIMEOUT once it is back)."""
    try:
        cache.set_many(values, timeout)
    except Exception:
        logger.warning("cache unavailable: related news not stored", exc_info=True)


def _version_key(kind: str, pk) -> str:
    return f"{PREFIX}:v:{kind}:{pk}"


def bump(kind: str, pks) -> None:
    now = time.time_ns()
    write({_version_key(kind, pk): now for pk in pks if pk is not None}, VERSION_TIMEOUT)


def list_key(article, limit: int, *, tags: list[int], sources: list[int]) -> str:
    """The cache key of `article`'s list: its own version and its traits' (the ids of its
    tags and sources)."""
    keys = [
        _version_key("article", article.pk),
        _version_key("section", article.section_id),
        *(_version_key("tag", tag) for tag in tags),
        *(_version_key("source", source) for source in sources),
    ]
    versions = read(keys)
    missing = {key: time.time_ns() for key in keys if key not in versions}
    if missing:
        write(missing, VERSION_TIMEOUT)
        versions.update(missing)
    digest = hashlib.blake2b(
        "|".join(f"{key}={versions[key]}" for key in keys).encode(), digest_size=12
    ).hexdigest()
    return f"{PREFIX}:list:{article.pk}:{limit}:{digest}"


def _article_traits(article_pk) -> tuple[list, list]:
    from .models import Article, TaggedArticle

    tags = TaggedArticle.objects.filter(content_object_id=article_pk).values_list("tag_id", flat=True)
    sources = Article.sources.through.objects.filter(article_id=article_pk).values_list(
        "source_id", flat=True
    )
    return list(tags), list(sources)


def _article_changed(sender, instance, **kwargs):
    tags, sources = _article_traits(instance.pk)
    bump("article", [instance.pk])
    bump("section", [instance.section_id])
    bump("tag", tags)
    bump("source", sources)


def _traits_changed(kind: str):
    def receiver(sender, instance, action, reverse, pk_set, **kwargs):
        if action not in ("post_add", "post_remove", "pre_clear"):
            return
        if reverse:
            # A tag or source gained or lost articles: those articles' lists change too.
            bump(kind, [instance.pk])
            bump("article", pk_set or [])
            return
        if action == "pre_clear":
            tags, sources = _article_traits(instance.pk)
            pk_set = tags if kind == "tag" else sources
        bump("article", [instance.pk])
        bump(kind, pk_set or [])

    return receiver


def _picks_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump("article", (pk_set or []) if reverse else [instance.pk])


def _trait_saved(kind: str):
    def receiver(sender, instance, **kwargs):
        bump(kind, [instance.pk])

    return receiver


def connect() -> None:
    from taggit.models import Tag

    from sections.models import Section
    from sources.models import Source

    from .models import Article

    post_save.connect(_article_changed, sender=Article, dispatch_uid="related_article_saved")
    pre_delete.connect(_article_changed, sender=Article, dispatch_uid="related_article_deleted")
    m2m_changed.connect(
        _traits_changed("tag"), sender=Article.tags.through, dispatch_uid="related_tags", weak=False
    )
    m2m_changed.connect(
        _traits_changed("source"), sender=Article.sources.through, dispatch_uid="related_sources", weak=False
    )
    m2m_changed.connect(_picks_changed, sender=Article.related.through, dispatch_uid="related_picks")
    for model, kind in ((Tag, "tag"), (Source, "source"), (Section, "section")):
        receiver = _trait_saved(kind)
        post_save.connect(receiver, sender=model, dispatch_uid=f"related_{kind}_saved", weak=False)
        post_delete.connect(receiver, sender=model, dispatch_uid=f"related_{kind}_deleted", weak=False)
