from django.shortcuts import get_object_or_404

from articles.views import ArticleListView

from .models import Source


class SourceDetailView(ArticleListView):
    """Who is behind a source, and the articles that cite it."""

    template_name = "sources/source_detail.html"
    card_level = 3

    def get_queryset(self):
        self.source = get_object_or_404(Source, slug=self.kwargs["slug"])
        return super().get_queryset().filter(sources=self.source)

    def get_context_data(self, **kwargs):
        return super().get_context_data(source=self.source, **kwargs)
