"""Moves made from the editorial calendar.

Neither changes an article's status, yet both are recorded as a Transition (from and to the
same status) so the article's history shows who moved it and from when to when.
"""

from collections.abc import Callable
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, Transition
from articles.workflow import PUBLISH
from newsroom.dates import format_date, format_time

from .selectors import PLANNED_STATUSES

Status = Article.Status


def _when(value: datetime) -> str:
    return f"{format_date(value)} {format_time(value)}"


def _locked(article: Article) -> Article:
    # Read again under a row lock: publish_due or another editor may have moved the article
    # since the calendar was drawn, and the check below must see what is really there.
    return Article.objects.select_for_update().get(pk=article.pk)


def _save_move(*, article: Article, user, field: str, moment: datetime, note: str) -> Article:
    article.full_clean()
    article.last_edited_by = user
    # Only the moved date: the text may have been edited since the calendar was drawn.
    article.save(update_fields=[field, "updated", "last_edited_by"])
    Transition.objects.create(
        article=article, from_status=article.status, to_status=article.status, by=user, at=moment, note=note
    )
    return article


@transaction.atomic
def article_reschedule(
    *, article: Article, user, when: datetime, now: Callable[[], datetime] = timezone.now
) -> Article:
    """Move a scheduled article's publication to `when`, which must be in the future."""
    if not user.has_perm(PUBLISH):
        raise PermissionDenied(_("لا تملك صلاحية تغيير مواعيد النشر."))
    article = _locked(article)
    if article.status != Status.SCHEDULED:
        raise ValidationError(
            _("«%(title)s» لم يعد مجدولاً (حالته الآن «%(status)s»).")
            % {"title": article.title, "status": article.get_status_display()}
        )
    moment = now()
    if when <= moment:
        raise ValidationError(_("اختر موعداً في المستقبل: لا يُجدول خبر لوقت مضى."))
    previous = article.pub_date
    if when == previous:
        return article
    article.pub_date = when
    note = _("نُقل الموعد من %(old)s إلى %(new)s") % {"old": _when(previous), "new": _when(when)}
    return _save_move(article=article, user=user, field="pub_date", moment=moment, note=note)


@transaction.atomic
def article_replan(
    *, article: Article, user, day: date, now: Callable[[], datetime] = timezone.now
) -> Article:
    """Move a draft's or in-review article's planned day to `day`, today or later."""
    if not user.has_perm(PUBLISH):
        raise PermissionDenied(_("لا تملك صلاحية تغيير مواعيد النشر."))
    article = _locked(article)
    if article.status not in PLANNED_STATUSES:
        raise ValidationError(
            _("«%(title)s» لم يعد مسودة أو بانتظار المراجعة (حالته الآن «%(status)s»).")
            % {"title": article.title, "status": article.get_status_display()}
        )
    moment = now()
    if day < timezone.localdate(moment):
        raise ValidationError(_("اختر يوماً من اليوم فصاعداً: لا يُخطط خبر ليوم مضى."))
    previous = article.planned_for
    if day == previous:
        return article
    article.planned_for = day
    note = _("نُقل الموعد المخطط من %(old)s إلى %(new)s") % {
        "old": format_date(previous) or _("بلا موعد"),
        "new": format_date(day),
    }
    return _save_move(article=article, user=user, field="planned_for", moment=moment, note=note)
