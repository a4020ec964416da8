from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch
from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import conditional_page
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings

from articles.models import Article
from authors.models import Author
from sections.models import Section
from sources.models import Source

from . import serializers as api
from .filters import ArticleFilter
from .pagination import ArticleCursorPagination, PagePagination
from .search import search_articles


def not_found(request):
    return JsonResponse({"detail": _("لا يوجد شيء في هذا العنوان.")}, status=404)


class PublicAPIMixin:
    """Read-only, cacheable and conditional: what every endpoint shares."""

    # Query parameters the endpoint reads besides its filters and pagination (StrictFilterBackend).
    query_param_names = ()

    @classmethod
    def as_view(cls, **initkwargs):
        # ETag from the rendered body, and 304 when the client's If-None-Match still matches:
        # one rule for every endpoint, with nothing to keep in step with the data.
        return conditional_page(super().as_view(**initkwargs))

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # PostgreSQL refuses NUL in text; a lookup with one would be a 500, not an answer.
        values = [request.path, *request.query_params.keys(), *request.query_params.values()]
        if any("\x00" in value for value in values):
            raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [_("الطلب يحتوي على محرف NUL.")]})

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            patch_cache_control(response, public=True, max_age=settings.API_CACHE_SECONDS)
        return response


def with_list_fields(articles):
    """What ArticleListSerializer reads, in three queries whatever the page size."""
    return (
        # Not the body, nor the search app's long index columns: no list shows them.
        articles.defer("body", "search_head", "search_body", "search_vector", "featured_photo__search_key")
        .select_related("section", "featured_photo")
        .prefetch_related("tags", Prefetch("authors", queryset=Author.objects.only("slug", "name")))
    )


class ArticleListView(PublicAPIMixin, generics.ListAPIView):
    """Published articles, newest first."""

    serializer_class = api.ArticleListSerializer
    pagination_class = ArticleCursorPagination
    filterset_class = ArticleFilter

    def get_queryset(self):
        return with_list_fields(Article.objects.published())


class ArticleDetailView(PublicAPIMixin, generics.RetrieveAPIView):
    """One published article with its body, sources, corrections and related articles."""

    serializer_class = api.ArticleDetailSerializer

    def get_queryset(self):
        return (
            Article.objects.published()
            # search_head stays: related news (articles.selectors) reads it.
            .defer("search_body", "search_vector", "featured_photo__search_key")
            .select_related("section", "verification", "featured_photo")
            .prefetch_related(
                "tags",
                Prefetch("authors", queryset=Author.objects.only("slug", "name")),
                Prefetch("sources", queryset=Source.objects.only("slug", "name", "kind")),
                "corrections",
            )
        )


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(min_length=2, max_length=200, help_text=_("كلمات البحث."))


@extend_schema(parameters=[SearchQuerySerializer])
class SearchView(PublicAPIMixin, generics.ListAPIView):
    """Published articles matching the words in `q`."""

    serializer_class = api.ArticleListSerializer
    pagination_class = PagePagination
    query_param_names = ("q",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view's model
            return Article.objects.none()
        query = SearchQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return with_list_fields(search_articles(query=query.validated_data["q"]))


class SectionListView(PublicAPIMixin, generics.ListAPIView):
    """Every section, in menu order; hidden ones too, as their pages stay reachable."""

    serializer_class = api.SectionSerializer
    pagination_class = PagePagination
    queryset = Section.objects.select_related("parent")


class SectionDetailView(PublicAPIMixin, generics.RetrieveAPIView):
    serializer_class = api.SectionSerializer
    queryset = Section.objects.select_related("parent")
    lookup_field = "slug"


class SourceListView(PublicAPIMixin, generics.ListAPIView):
    serializer_class = api.SourceSerializer
    pagination_class = PagePagination
    queryset = Source.objects.all()


class SourceDetailView(PublicAPIMixin, generics.RetrieveAPIView):
    serializer_class = api.SourceSerializer
    queryset = Source.objects.all()
    lookup_field = "slug"


def bylines():
    """Authors with at least one published article: a byline prepared for a story not yet out
    (a new pseudonym, say) is not announced before the story is."""
    return Author.objects.filter(Exists(Article.objects.published().filter(authors=OuterRef("pk"))))


class AuthorListView(PublicAPIMixin, generics.ListAPIView):
    serializer_class = api.AuthorSerializer
    pagination_class = PagePagination

    def get_queryset(self):
        return bylines()


class AuthorDetailView(PublicAPIMixin, generics.RetrieveAPIView):
    serializer_class = api.AuthorSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return bylines()
