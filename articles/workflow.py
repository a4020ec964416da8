"""The editorial workflow: draft → in review → (scheduled | published) → archived.

Every move goes through article_transition(), which checks the user's right to make it,
changes the article and records who, when and why. The admin only offers the moves
allowed_actions() returns; a crafted request for any other is refused here all the same.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Article, Transition

Status = Article.Status
PUBLISH = "articles.publish_article"


class Action(models.TextChoices):
    SUBMIT = "submit", _("إرسال للمراجعة")
    SEND_BACK = "send_back", _("إعادة إلى الكاتب")
    PUBLISH = "publish", _("نشر الآن")
    SCHEDULE = "schedule", _("جدولة النشر")
    UNPUBLISH = "unpublish", _("إلغاء النشر")
    ARCHIVE = "archive", _("أرشفة")
    TAKEDOWN = "takedown", _("سحب الخبر")


@dataclass(frozen=True)
class Rule:
    sources: frozenset[str]
    target: str
    permission: str | None  # None: the article's writer may do it too
    note_required: bool = False


RULES = {
    Action.SUBMIT: Rule(frozenset({Status.DRAFT}), Status.REVIEW, None),
    Action.SEND_BACK: Rule(frozenset({Status.REVIEW, Status.SCHEDULED}), Status.DRAFT, PUBLISH, True),
    Action.PUBLISH: Rule(
        frozenset({Status.DRAFT, Status.REVIEW, Status.SCHEDULED}), Status.PUBLISHED, PUBLISH
    ),
    Action.SCHEDULE: Rule(frozenset({Status.DRAFT, Status.REVIEW}), Status.SCHEDULED, PUBLISH),
    Action.UNPUBLISH: Rule(
        frozenset({Status.PUBLISHED, Status.SCHEDULED, Status.ARCHIVED}), Status.DRAFT, PUBLISH
    ),
    Action.ARCHIVE: Rule(frozenset({Status.PUBLISHED}), Status.ARCHIVED, PUBLISH),
    # A moderator's unpublish, for an article that should not be public (a legal complaint,
    # a danger to someone named in it); the reason is kept in the article's history.
    Action.TAKEDOWN: Rule(
        frozenset({Status.PUBLISHED, Status.SCHEDULED}), Status.DRAFT, "articles.takedown_article", True
    ),
}


def _may(user, article: Article, rule: Rule) -> bool:
    if rule.permission is None:
        return user.has_perm(PUBLISH) or article.created_by_id == user.pk
    return user.has_perm(rule.permission)


def allowed_actions(*, article: Article, user) -> list[Action]:
    """The moves `user` may make on `article` as it stands."""
    return [
        action
        for action, rule in RULES.items()
        if article.status in rule.sources and _may(user, article, rule)
    ]


@transaction.atomic
def article_transition(
    *,
    article: Article,
    user,
    action: str,
    note: str = "",
    now: Callable[[], datetime] = timezone.now,
) -> Article:
    """Make `action` on `article` as `user`; PermissionDenied if they may not, ValidationError
    if the article is not ready for it. `now` is injectable for tests of scheduling."""
    try:
        rule = RULES[Action(action)]
    except ValueError:
        raise PermissionDenied(_("إجراء غير معروف.")) from None
    if not _may(user, article, rule):
        raise PermissionDenied(_("لا تملك صلاحية هذا الإجراء على هذا الخبر."))
    if article.status not in rule.sources:
        raise ValidationError(
            _("لا يمكن «%(action)s» لخبر حالته «%(status)s».")
            % {"action": Action(action).label, "status": article.get_status_display()}
        )
    note = note.strip()
    if rule.note_required and not note:
        if action == Action.TAKEDOWN:
            raise ValidationError(_("اكتب سبب سحب الخبر."))
        raise ValidationError(_("اكتب للكاتب ملاحظة تشرح سبب الإعادة."))
    if action == Action.TAKEDOWN:
        # Marked in the history, which otherwise reads like an editor's routine unpublish.
        note = f"سحب: {note}"

    moment = now()
    if action == Action.SCHEDULE and article.pub_date <= moment:
        raise ValidationError(_("اختر لتاريخ النشر موعداً في المستقبل لجدولة الخبر."))
    if action == Action.PUBLISH and (article.pub_date > moment or _first_publication(article)):
        # "Publish now" means now: a future date would leave it scheduled, and a draft's
        # date is only when it was started.
        article.pub_date = moment

    previous = article.status
    article.status = rule.target
    article.last_edited_by = user
    article.full_clean()
    article.save()
    Transition.objects.create(
        article=article, from_status=previous, to_status=rule.target, by=user, at=moment, note=note
    )
    return article


def _first_publication(article: Article) -> bool:
    # A move *from* a public status counts too: stories published before the workflow existed
    # have no move *to* one, and a fix (unpublish, republish) must not redate them to today.
    public = Article.PUBLIC_STATUSES
    return (
        article.import_key is None
        and not article.transitions.filter(Q(to_status__in=public) | Q(from_status__in=public)).exists()
    )


def publish_due(*, now: Callable[[], datetime] = timezone.now) -> list[Article]:
    """Flip scheduled articles whose time has come to published; safe to run concurrently and
    repeatedly (an article another run already flipped is skipped)."""
    moment = now()
    flipped = []
    for article in Article.objects.filter(status=Status.SCHEDULED, pub_date__lte=moment):
        with transaction.atomic():
            # Checked again in the UPDATE itself: meanwhile an editor may have published, sent
            # back or rescheduled the article to a later time.
            if Article.objects.filter(pk=article.pk, status=Status.SCHEDULED, pub_date__lte=moment).update(
                # No one edited it: the save-conflict message must not name the last editor.
                status=Status.PUBLISHED,
                updated=moment,
                last_edited_by=None,
            ):
                article.status = Status.PUBLISHED
                Transition.objects.create(
                    article=article,
                    from_status=Status.SCHEDULED,
                    to_status=Status.PUBLISHED,
                    at=moment,
                    note=_("نُشر تلقائياً في موعده."),
                )
                flipped.append(article)
    return flipped
