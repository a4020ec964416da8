from django.shortcuts import get_object_or_404

from articles.views import ArticleListView

from .models import Author


class AuthorDetailView(ArticleListView):
    template_name = "authors/author_detail.html"
    card_level = 3

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(authors=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)
