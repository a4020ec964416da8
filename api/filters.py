import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from taggit.models import Tag

from articles.models import Article
from authors.models import Author
from sections.models import Section
from sources.models import Source


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, plus a 400 for a query parameter the endpoint does not know: a misspelt
    filter ("?sectoin=") must not quietly return every article."""

    def filter_queryset(self, request, queryset, view):
        known = set(getattr(view, "query_param_names", ()))
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        paginator = getattr(view, "paginator", None)
        if paginator is not None:
            known |= paginator.query_param_names()
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ValidationError(
                {
                    name: [
                        _("معامل غير معروف. المعاملات المقبولة: %(known)s")
                        % {"known": ", ".join(sorted(known))}
                    ]
                    for name in unknown
                }
            )
        return super().filter_queryset(request, queryset, view)


class ArticleFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        after, before = data.get("published_after"), data.get("published_before")
        if after and before and after >= before:
            self.add_error("published_before", _("يجب أن يأتي بعد published_after."))
        return data


# Documented as a plain string: the filter takes a date or a date-time, and Python's ISO 8601
# reading is looser than the JSON Schema "date-time" format, so a format would misstate it.
@extend_schema_field(OpenApiTypes.STR)
class DateTimeFilter(django_filters.IsoDateTimeFilter):
    pass


def slug_filter(model, field_name: str, help_text: str, **kwargs) -> django_filters.ModelChoiceFilter:
    # An unknown slug is a 400 ("not one of the available choices"), never an empty list that
    # looks like "no news".
    return django_filters.ModelChoiceFilter(
        queryset=model.objects.all(),
        to_field_name="slug",
        field_name=field_name,
        help_text=help_text,
        **kwargs,
    )


class ArticleFilter(django_filters.FilterSet):
    section = slug_filter(
        Section,
        "section",
        _("معرّف القسم في الرابط؛ تدخل أخبار أقسامه الفرعية أيضاً."),
        method="filter_section",
    )
    tag = slug_filter(Tag, "tagged_items__tag", _("معرّف الوسم في الرابط."))
    source = slug_filter(Source, "sources", _("معرّف المصدر في الرابط."))
    author = slug_filter(Author, "authors", _("معرّف الكاتب في الرابط."))
    published_after = DateTimeFilter(
        field_name="pub_date",
        lookup_expr="gte",
        help_text=_("تاريخ ISO 8601 (مع الوقت أو دونه)؛ بلا منطقة زمنية يُقرأ بتوقيت الموقع."),
    )
    published_before = DateTimeFilter(
        field_name="pub_date",
        lookup_expr="lt",
        help_text=_("مثل published_after، والحد نفسه غير مشمول."),
    )

    class Meta:
        model = Article
        fields = []
        form = ArticleFilterForm

    def filter_section(self, queryset, name, section):
        # As on the section's page: its sub-sections' articles belong to it too.
        return queryset.filter(Q(section=section) | Q(section__parent=section))
