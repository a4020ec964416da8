from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import SimpleLazyObject
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from comments.selectors import comment_section

from .models import Article
from .selectors import article_labels, related_articles, section_blocks


class HomeView(TemplateView):
    template_name = "articles/home.html"
    latest_count = 9

    def get_context_data(self, **kwargs):
        latest = list(Article.objects.published().for_cards()[: self.latest_count])
        return super().get_context_data(
            lead=latest[0] if latest else None,
            latest=latest[1:],
            section_blocks=section_blocks(exclude=[a.pk for a in latest]),
            **kwargs,
        )


class ArticleDetailView(DetailView):
    context_object_name = "article"
    with_comments = True

    def readable(self):
        return Article.objects.published()

    def get_queryset(self):
        return (
            self.readable()
            # The body's search terms and vector are for search, not for the page.
            .defer("search_body", "search_vector")
            .select_related("section__parent", "verification", "featured_photo")
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        # The number finds the article; a stale or mistyped slug moves to the canonical URL.
        if self.object.slug != kwargs["slug"]:
            query = request.META.get("QUERY_STRING")
            url = self.object.get_absolute_url() + (f"?{query}" if query else "")
            return HttpResponsePermanentRedirect(url)
        context = self.get_context_data(object=self.object)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        # Lazy: the template keeps both blocks rendered (serving/fragments.py), and a kept block
        # costs none of their queries. Comments: three queries (count, page, all its replies),
        # one without any: flat.
        if self.with_comments and "comment_section" not in kwargs:
            kwargs["comment_section"] = SimpleLazyObject(
                lambda: comment_section(article=self.object, params=self.request.GET)
            )
        labels = article_labels(self.object)
        related = SimpleLazyObject(lambda: related_articles(article=self.object, labels=labels))
        return super().get_context_data(labels=labels, related=related, **kwargs)


class ArticlePreviewView(ArticleDetailView):
    """Any article as readers would see it, for editors and its writer; 404 for everyone else,
    so a draft's existence is not given away."""

    template_name = "articles/article_detail.html"
    # Nothing to read or write under a story readers cannot see yet.
    with_comments = False

    def readable(self):
        return Article.objects.all()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.can_be_previewed_by(request.user):
            raise Http404
        if self.object.is_published():
            # Readers see it now (published, or scheduled and due): a banner saying "not
            # published" would be wrong, so show the real page.
            return redirect(self.object)
        return self.render_to_response(self.get_context_data(object=self.object, preview=True))


class ArticleListView(ListView):
    """A paginated list of published articles under a heading: the base of every archive page."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = settings.NEWSROOM_PAGE_SIZE
    # Cards sit under the page's h1, or under an h2 where the page has an intro first.
    card_level = 2

    def get_queryset(self):
        return Article.objects.published().for_cards()

    def get_context_data(self, **kwargs):
        return super().get_context_data(card_level=self.card_level, **kwargs)


class TagArticleListView(ArticleListView):
    template_name = "articles/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tagged_items__tag=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)
