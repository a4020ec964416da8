from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.utils import timezone

from articles.models import Article

from .models import Comment, Report

if TYPE_CHECKING:
    from .forms import CommentForm

NOTICES = {
    "pending": "تعليقك بانتظار المراجعة، وسيظهر هنا بعد أن يوافق عليه فريق التحرير.",
    "reported": "شكراً، وصل بلاغك وسيراجعه فريق التحرير.",
    "closed": "لم يُحفظ تعليقك: التعليقات مغلقة على هذا الخبر.",
    "report-limit": "أرسلت بلاغات كثيرة في وقت قصير، حاول بعد قليل.",
}
# What a reader is told after a redirect. A flag in the query string rather than the session
# keeps article pages free of cookies, so a cache in front of them can serve everyone.
REDIRECT_NOTICES = ("pending", "reported")


def article_comments_open(*, article: Article) -> bool:
    """Editors can close comments; they also close on their own COMMENTS_OPEN_DAYS after
    publication, when the story has moved on and only the spammers are still posting."""
    if not article.comments_open or not article.is_published():
        return False
    if not settings.COMMENTS_OPEN_DAYS:
        return True  # 0: no closing by age
    return timezone.now() - article.pub_date <= timedelta(days=settings.COMMENTS_OPEN_DAYS)


def repliable_comments(*, article: Article) -> QuerySet[Comment]:
    """Comments a reader may reply to: approved and top-level, so threads stay one level deep."""
    return Comment.objects.public().filter(article=article, parent=None)


def public_comments(*, article: Article) -> QuerySet[Comment]:
    """Approved top-level comments, oldest first, each with its approved replies in
    `approved_replies`: one query for the page and one for all its replies, however many."""
    fields = ("id", "article_id", "parent_id", "name", "text", "status", "created_at")
    replies = Comment.objects.public().only(*fields).order_by("created_at", "id")
    return (
        repliable_comments(article=article)
        .only(*fields)
        .order_by("created_at", "id")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="approved_replies"))
    )


@dataclass
class CommentSection:
    """Everything the comments under an article need to render."""

    is_open: bool
    page: Page
    form: "CommentForm | None" = None
    reply_to: Comment | None = None
    notice: str = ""
    # The comment whose report form failed, to show its error beside it.
    report_error_for: int | None = None

    @property
    def notice_text(self) -> str:
        return NOTICES.get(self.notice, "")

    @property
    def report_reasons(self) -> list[tuple[str, str]]:
        return Report.Reason.choices


def comment_section(
    *,
    article: Article,
    params: QueryDict,
    form: "CommentForm | None" = None,
    notice: str = "",
    report_error_for: int | None = None,
) -> CommentSection:
    # Imported here: forms.py imports this module for the reply rule.
    from .forms import CommentForm

    is_open = article_comments_open(article=article)
    # get_page() turns a mistyped or out-of-range ?cpage= into the first or last page, never
    # a 404: the article itself must stay readable whatever link brought the reader.
    page = Paginator(public_comments(article=article), settings.COMMENTS_PER_PAGE).get_page(
        params.get("cpage")
    )
    reply_to = None
    if form is not None:
        reply_to = getattr(form, "cleaned_data", {}).get("parent")
    elif is_open:
        # The "ردّ" link carries its page number, so the comment is already in hand: no query.
        wanted = params.get("reply", "")
        reply_to = next((c for c in page.object_list if str(c.pk) == wanted), None)
        form = CommentForm(article=article, initial={"parent": reply_to.pk if reply_to else None})
    if not notice and params.get("comment") in REDIRECT_NOTICES:
        notice = params["comment"]
    return CommentSection(
        is_open=is_open,
        page=page,
        form=form if is_open else None,
        reply_to=reply_to,
        notice=notice,
        report_error_for=report_error_for,
    )
