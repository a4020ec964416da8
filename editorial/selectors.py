"""Reads for the editorial calendar and the admin index's dashboard.

Each function costs a fixed number of queries, however many articles or days it covers.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from articles.workflow import PUBLISH
from newsroom.dates import month_name

Status = Article.Status

# Syria's week starts on Saturday (date.weekday(): Monday is 0, Saturday 5).
WEEK_START = 5
WEEKDAY_NAMES = ("السبت", "الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة")
PLANNED_STATUSES = (Status.DRAFT, Status.REVIEW)
DASHBOARD_LIMIT = 5
# What a calendar entry or a dashboard line needs, and nothing heavier (the body).
_LISTED = ("id", "title", "status", "pub_date", "planned_for", "created_by_id", "updated")


@dataclass
class CalendarEntry:
    article: Article
    # None for a planned article: it has a day, not a time.
    at: datetime | None
    can_open: bool

    @property
    def is_scheduled(self) -> bool:
        return self.at is not None


@dataclass
class CalendarDay:
    day: date
    entries: list[CalendarEntry] = field(default_factory=list)
    in_month: bool = True
    is_today: bool = False

    @property
    def weekday_name(self) -> str:
        return WEEKDAY_NAMES[(self.day.weekday() - WEEK_START) % 7]

    @property
    def month_name(self) -> str:
        return month_name(self.day.month)


def week_start(day: date) -> date:
    """The Saturday on or before `day`."""
    return day - timedelta(days=(day.weekday() - WEEK_START) % 7)


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def may_open(*, article: Article, user) -> bool:
    """Whether the admin will show `user` this article's change page (editable or read-only).

    Mirrors ArticleAdmin.get_queryset: editors and read-only staff see every article, a
    writer only their own; a link to anything else would end on the admin's "does not exist"
    redirect.
    """
    if user.has_perm("articles.edit_any_article") or not user.has_perm("articles.add_article"):
        return True
    return article.created_by_id == user.pk


def calendar_days(*, start: date, end: date, user, month: int | None = None) -> list[CalendarDay]:
    """Every day from `start` to `end` inclusive with its scheduled articles (at their local
    publication time) and planned drafts or in-review articles (on their planned day).

    Everyone sees the whole desk's coverage; `can_open` says which entries `user` may open.
    """
    today = timezone.localdate()
    days = {}
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        days[day] = CalendarDay(day, in_month=month in (None, day.month), is_today=day == today)
    # Local midnights, not __date lookups: the day a reader sees an article is the day in
    # Damascus, and a range on pub_date can use the (status, pub_date) index.
    articles = (
        Article.objects.filter(
            Q(
                status=Status.SCHEDULED,
                pub_date__gte=local_midnight(start),
                pub_date__lt=local_midnight(end + timedelta(days=1)),
            )
            | Q(status__in=PLANNED_STATUSES, planned_for__range=(start, end))
        )
        .only(*_LISTED)
        .order_by("pub_date", "title", "id")
    )
    planned = defaultdict(list)
    for article in articles:
        can_open = may_open(article=article, user=user)
        if article.status == Status.SCHEDULED:
            at = timezone.localtime(article.pub_date)
            days[at.date()].entries.append(CalendarEntry(article, at, can_open))
        else:
            planned[article.planned_for].append(CalendarEntry(article, None, can_open))
    # A day reads firm times first, then what is only planned for sometime that day.
    for day, entries in planned.items():
        days[day].entries.extend(sorted(entries, key=lambda entry: entry.article.title))
    return list(days.values())


@dataclass
class DashboardBlock:
    key: str
    title: str
    articles: list[Article]
    filters: dict[str, str]
    count: int | None = None
    # Scheduled articles are listed with their date and time, the rest by title alone.
    show_time: bool = False

    @property
    def changelist_url(self) -> str:
        return f"{reverse('admin:articles_article_changelist')}?{urlencode(self.filters)}"


def dashboard_blocks(*, user) -> list[DashboardBlock]:
    """The admin index's blocks for `user`'s role: one query for all the counts, one per list."""
    is_editor = user.has_perm(PUBLISH)
    may_write = user.has_perm("articles.add_article")
    if not (is_editor or may_write):
        return []

    mine = Q(created_by=user)
    own = {"created_by__id__exact": str(user.pk)}
    # An editor watches the whole desk; a writer only what they handed in.
    scope = Q() if is_editor else mine
    scope_filters = {} if is_editor else own
    # One aggregate for every count, instead of one count query per block.
    counts = Article.objects.aggregate(
        my_drafts=Count("id", filter=mine & Q(status=Status.DRAFT)),
        review=Count("id", filter=scope & Q(status=Status.REVIEW)),
        scheduled=Count("id", filter=scope & Q(status=Status.SCHEDULED)),
    )
    listed = Article.objects.only(*_LISTED)

    def first(queryset, *ordering):
        return list(queryset.order_by(*ordering)[:DASHBOARD_LIMIT])

    blocks = []
    if may_write:
        blocks.append(
            DashboardBlock(
                key="my-drafts",
                title=_("مسوداتي"),
                count=counts["my_drafts"],
                articles=first(listed.filter(mine, status=Status.DRAFT), "-updated", "-id"),
                filters={"status__exact": Status.DRAFT, **own},
            )
        )
    blocks.append(
        DashboardBlock(
            key="review",
            title=_("بانتظار المراجعة"),
            count=counts["review"],
            # Oldest first: the article waiting longest is the one to read next.
            articles=first(listed.filter(scope, status=Status.REVIEW), "updated", "id"),
            filters={"status__exact": Status.REVIEW, **scope_filters},
        )
    )
    blocks.append(
        DashboardBlock(
            key="scheduled",
            title=_("مجدولة"),
            count=counts["scheduled"],
            articles=first(listed.filter(scope, status=Status.SCHEDULED), "pub_date", "id"),
            filters={"status__exact": Status.SCHEDULED, **scope_filters},
            show_time=True,
        )
    )
    if is_editor:
        blocks.append(
            DashboardBlock(
                key="published",
                title=_("نُشرت مؤخراً"),
                articles=first(
                    listed.filter(status=Status.PUBLISHED, pub_date__lte=timezone.now()), "-pub_date", "-id"
                ),
                filters={"status__exact": Status.PUBLISHED},
                show_time=True,
            )
        )
    return blocks


@dataclass
class ModerationBlock:
    count: int
    url: str


def moderation_block(*, user) -> ModerationBlock | None:
    """How many comments wait for a decision, for users who may make one; one query."""
    if not apps.is_installed("comments") or not user.has_perm("comments.change_comment"):
        return None
    # Imported here: the editorial app works without the comments app installed.
    from comments.admin import StateFilter
    from comments.models import Comment

    query = urlencode({StateFilter.parameter_name: StateFilter.REVIEW})
    return ModerationBlock(
        count=Comment.objects.filter(status__in=Comment.NEEDS_REVIEW).count(),
        url=f"{reverse('admin:comments_comment_changelist')}?{query}",
    )
