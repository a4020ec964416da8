"""What the API shows of each model. Never an author's real name, never an editor's notes."""

from django.db import models
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from taggit.models import Tag

from articles.models import Article, Correction
from articles.selectors import related_articles
from authors.models import Author
from sections.models import Section
from sources.models import Source

# Rendition formats, the smaller first: clients that read WebP take those.
PHOTO_FORMATS = ("webp", "jpg")


def absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


class ModelSerializer(serializers.ModelSerializer):
    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.SlugField):
            # A slug would be documented with its validator's pattern ^[-\w]+$, which in a JSON
            # Schema (ECMA regex) matches ASCII only: every Arabic slug would break the schema.
            # Nothing is ever written through these serializers, so the validator has no use.
            kwargs.pop("allow_unicode", None)
            kwargs.pop("validators", None)
            field_class = serializers.CharField
        return field_class, kwargs


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The absolute URL of the object's page on the site, for links and sharing."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return absolute(self.context.get("request"), obj.get_absolute_url())


def article_photo(article: Article, request, *, with_caption: bool) -> dict | None:
    """The one place that knows where an article's photo and its renditions come from, in the
    shape PhotoSerializer documents; None when the article has no featured photo.

    Renditions are those the library stored (every width up to the original's, WebP and JPEG);
    a photo whose file has gone missing has none, which costs the picture, not the answer.
    """
    photo = article.featured_photo
    if photo is None:
        return None
    renditions = [
        {"url": absolute(request, r.url), "width": r.width, "height": r.height, "format": r.ext}
        for ext in PHOTO_FORMATS
        for r in photo.rendition_list(ext)
    ]
    data = {
        "alt": photo.alt_text,
        "is_graphic": article.photo_is_graphic,
        "width": photo.width,
        "height": photo.height,
        "renditions": renditions,
    }
    if with_caption:
        data.update(caption=photo.caption, credit=photo.credit)
    return data


# The photo's documented shape. article_photo() builds it; these only describe it.
class PhotoRenditionSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    format = serializers.ChoiceField(choices=PHOTO_FORMATS)


class CardPhotoSerializer(serializers.Serializer):
    alt = serializers.CharField()
    is_graphic = serializers.BooleanField(
        help_text="Shocking image: show it blurred behind a warning until asked."
    )
    width = serializers.IntegerField(help_text="The original's width in pixels.")
    height = serializers.IntegerField(help_text="The original's height in pixels.")
    renditions = PhotoRenditionSerializer(many=True)


class PhotoSerializer(CardPhotoSerializer):
    caption = serializers.CharField()
    credit = serializers.CharField()


class SectionRefSerializer(ModelSerializer):
    class Meta:
        model = Section
        fields = ["slug", "name"]


class TagSerializer(ModelSerializer):
    class Meta:
        model = Tag
        fields = ["slug", "name"]


class AuthorRefSerializer(ModelSerializer):
    class Meta:
        model = Author
        fields = ["slug", "name"]


class SourceRefSerializer(ModelSerializer):
    class Meta:
        model = Source
        fields = ["slug", "name", "kind"]


class ArticleCardSerializer(ModelSerializer):
    """The fields every article listing can afford (related articles come from raw SQL)."""

    url = PageURLField()
    api_url = serializers.SerializerMethodField()
    photo = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["id", "title", "slug", "lead", "pub_date", "url", "api_url", "photo"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, article):
        return absolute(self.context.get("request"), reverse("api:article", kwargs={"pk": article.pk}))

    @extend_schema_field(CardPhotoSerializer(allow_null=True))
    def get_photo(self, article):
        # Cards come from queries that load only the card's columns: no caption or credit.
        return article_photo(article, self.context.get("request"), with_caption=False)


class ArticleListSerializer(ArticleCardSerializer):
    section = SectionRefSerializer()
    authors = AuthorRefSerializer(many=True)
    tags = TagSerializer(many=True)

    class Meta(ArticleCardSerializer.Meta):
        fields = [*ArticleCardSerializer.Meta.fields, "updated", "section", "authors", "tags"]

    @extend_schema_field(PhotoSerializer(allow_null=True))
    def get_photo(self, article):
        return article_photo(article, self.context.get("request"), with_caption=True)


class CorrectionSerializer(ModelSerializer):
    class Meta:
        model = Correction
        fields = ["kind", "text", "created_at"]


class ArticleDetailSerializer(ArticleListSerializer):
    body = serializers.CharField(
        source="body_html",
        help_text="Sanitised HTML: p, br, strong, em, h2, h3, lists, blockquote, a, and library "
        "photos as <figure><picture>.",
    )
    sources = SourceRefSerializer(many=True)
    corrections = CorrectionSerializer(many=True)
    verification = serializers.CharField(
        source="verification.text", allow_null=True, help_text="A caution the editors put on the story."
    )
    related = serializers.SerializerMethodField()

    class Meta(ArticleListSerializer.Meta):
        fields = [
            *ArticleListSerializer.Meta.fields,
            "body",
            "sources",
            "corrections",
            "verification",
            "related",
        ]

    @extend_schema_field(ArticleCardSerializer(many=True))
    def get_related(self, article):
        return ArticleCardSerializer(related_articles(article=article), many=True, context=self.context).data


class SectionSerializer(ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    in_menu = serializers.BooleanField(source="is_active")
    url = PageURLField()

    class Meta:
        model = Section
        fields = ["slug", "name", "description", "parent", "menu_order", "in_menu", "url"]


class SourceSerializer(ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    url = PageURLField()

    class Meta:
        model = Source
        fields = ["slug", "name", "kind", "kind_label", "website", "note", "url"]


class AuthorSerializer(ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    photo = serializers.SerializerMethodField()
    url = PageURLField()

    class Meta:
        model = Author
        # real_name is for staff only: it can put a reporter writing under a pseudonym at risk.
        fields = ["slug", "name", "kind", "kind_label", "bio", "photo", "url"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_photo(self, author):
        return absolute(self.context.get("request"), author.photo.url) if author.photo else None
