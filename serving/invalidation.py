"""When public pages change, and how the page cache learns it.

Every cached page belongs to a generation (serving/pagecache.py); any change readers could see
moves the generation on, and with it every page at once.

Why not purge the changed URLs instead: a story is on its own page, the home page, the latest
list, its section, tag, source and author pages, and every page of each of those lists (a new
story moves all the others down a page), and in the related-news block of any article sharing
a tag, a source or the section with it. Listing those URLs is as much work as building the
pages, and one forgotten URL serves a withdrawn story. A newsroom publishes a few times an hour,
so rebuilding the pages readers ask for after each change costs little: one page build per URL
per change, not per reader.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .pagecache import pages


def pages_changed() -> None:
    """Call after anything readers see has changed; takes effect when the transaction commits,
    so a reader cannot cache the old page again between the bump and the commit. Once per
    transaction: an import saving 50,000 articles in one transaction kept a callback per
    signal until the commit (bench/wordpress.py: 92 → 122 MB)."""
    connection = transaction.get_connection()
    savepoints = set(connection.savepoint_ids)
    pending = connection.run_on_commit
    if any(func == pages.next_generation and sids == savepoints for sids, func, _robust in pending):
        return
    transaction.on_commit(pages.next_generation)


def connect() -> None:
    """Wire the models whose changes readers see (weak=False: the receivers are local functions).
    Signals rather than calls in each service:
    the admin, the importer, revisions, the shell and publish_due all write articles, and a
    writer that forgets to say so would leave a withdrawn story on readers' screens."""
    from taggit.models import Tag

    from articles.models import Article, Correction, Transition, VerificationLabel
    from authors.models import Author
    from comments.models import Comment, Decision
    from photos.models import Photo
    from sections.models import Section
    from sources.models import Source

    public = set(Article.PUBLIC_STATUSES)

    def article_saved(sender, instance, **kwargs):
        # Drafts are saved often and no reader sees them; a public article leaving the public
        # statuses is announced by its Transition.
        if instance.status in public:
            pages_changed()

    def moved(sender, instance, **kwargs):
        if kwargs.get("created") and public & {instance.from_status, instance.to_status}:
            pages_changed()

    def decided(sender, instance, **kwargs):
        # A comment appears when approved and disappears when it leaves that status.
        if kwargs.get("created") and Comment.Status.APPROVED in {instance.from_status, instance.to_status}:
            pages_changed()

    def links_changed(sender, instance, action, **kwargs):
        if action.startswith("post_") and (not isinstance(instance, Article) or instance.status in public):
            pages_changed()

    def changed(sender, **kwargs):
        pages_changed()

    post_save.connect(article_saved, sender=Article, weak=False, dispatch_uid="pagecache-article")
    post_save.connect(moved, sender=Transition, weak=False, dispatch_uid="pagecache-transition")
    post_save.connect(decided, sender=Decision, weak=False, dispatch_uid="pagecache-decision")
    links = (Article.tags.through, Article.sources.through, Article.authors.through, Article.related.through)
    for through in links:
        m2m_changed.connect(
            links_changed, sender=through, weak=False, dispatch_uid=f"pagecache-{through._meta.label}"
        )
    for model in (Article, Comment):
        post_delete.connect(
            changed, sender=model, weak=False, dispatch_uid=f"pagecache-delete-{model._meta.label}"
        )
    for model in (Correction, VerificationLabel, Section, Source, Author, Tag, Photo):
        post_save.connect(
            changed, sender=model, weak=False, dispatch_uid=f"pagecache-save-{model._meta.label}"
        )
        post_delete.connect(
            changed, sender=model, weak=False, dispatch_uid=f"pagecache-delete-{model._meta.label}"
        )
