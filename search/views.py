from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from articles.models import CARD_PHOTO_FIELDS, Article

from .forms import SearchForm
from .highlight import highlight, snippet
from .index import plain_text
from .query import Query, parse
from .selectors import RANKED, ranked_ids, search_articles

# Suggestions on a page without results: at most this many of the query's words are tried alone.
SUGGESTED_WORDS = 5


def search(request):
    form = SearchForm(request.GET)
    form.is_valid()  # errors are shown; the filters that validated still apply
    text = form.cleaned_data.get("q", "")
    query = parse(text)
    filters = form.filters()
    context = {"form": form, "q": text, "query": query, "filters": filters}
    if query:
        ids = ranked_ids(_filtered(Article.objects.published(), filters), query)
        page = Paginator(ids, settings.NEWSROOM_PAGE_SIZE).get_page(request.GET.get("page"))
        found = _for_results(Article.objects.all()).in_bulk(page.object_list)
        page.object_list = [found[pk] for pk in page.object_list if pk in found]
        for article in page:
            article.title_html = highlight(article.title, query.terms)
            article.snippet_html = snippet(f"{article.lead}\n{plain_text(article.body)}", query.terms)
        context.update(page_obj=page, paginator=page.paginator, ranked=RANKED)
        if not page.paginator.count:
            context["suggestions"] = _suggestions(text, query, filters)
    return render(request, "search/search.html", context)


def _filtered(queryset, filters: dict):
    if section := filters.get("section"):
        queryset = queryset.filter(Q(section=section) | Q(section__parent=section))
    if source := filters.get("source"):
        queryset = queryset.filter(sources=source)
    # Whole local days, as bounds the pub_date index can use.
    if since := filters.get("since"):
        queryset = queryset.filter(pub_date__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until := filters.get("until"):
        queryset = queryset.filter(
            pub_date__lt=timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))
        )
    return queryset


def _for_results(queryset):
    # A card, plus the body its snippet comes from.
    return queryset.select_related("section", "featured_photo").only(
        "title",
        "slug",
        "lead",
        "body",
        "pub_date",
        "photo_is_graphic",
        "section__name",
        "section__slug",
        *CARD_PHOTO_FIELDS,
    )


def _suggestions(text: str, query, filters: dict) -> list[dict]:
    """Searches that would find something, each with its number of results: the same words
    without the filters, then each word alone. Bounded: at most SUGGESTED_WORDS + 1 counts."""
    published = Article.objects.published()
    suggestions = []
    if filters:
        count = search_articles(published, query).count()
        if count:
            suggestions.append({"q": text, "count": count, "unfiltered": True})
    words = list(dict.fromkeys(part for group in query.groups for part in group))
    if len(words) > 1 or query.excluded:
        for part in words[:SUGGESTED_WORDS]:
            single = Query(groups=[[part]])
            count = search_articles(_filtered(published, filters), single).count()
            if count:
                suggestions.append({"q": part.written, "count": count, "unfiltered": False})
    return suggestions
