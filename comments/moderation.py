"""Moderators' decisions on comments: the only way a person changes a comment's state.

Every change is recorded as a Decision (who, when, from which state to which). Nothing here
deletes: a rejected or spam comment stays in the database, out of public view.

A reply can be approved while its parent is not: it is judged on its own words, and the
moderator need not approve a parent they would reject to clear the queue. Readers still see
it only once its parent is approved, because the page shows replies under their (approved)
parent; rejecting the parent takes the thread's replies out of view with it.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Comment, Decision

MODERATE = "comments.change_comment"


def _check(*, user, to_status: str) -> None:
    if not user.has_perm(MODERATE):
        raise PermissionDenied(_("لا تملك صلاحية الإشراف على التعليقات."))
    if to_status not in Comment.Status.values:
        raise ValidationError(_("حالة غير معروفة: %(status)s") % {"status": to_status})


def _decide(*, comment: Comment, locked: Comment, user, to_status: str, note: str) -> Decision | None:
    comment.status = locked.status
    if locked.status == to_status:
        return None
    decision = Decision(comment=comment, by=user, from_status=locked.status, to_status=to_status, note=note)
    # The comment was just read under lock and the user is the one asking: checking that
    # they exist would cost two queries a comment in a bulk action for nothing.
    decision.full_clean(exclude=["comment", "by"])
    comment.status = to_status
    # Only the state is written, and only it is checked: the rest of `comment` may be a
    # stale copy of the row, and a save must not put it back.
    comment.clean_fields(exclude=[field.name for field in Comment._meta.fields if field.name != "status"])
    comment.save(update_fields=["status"])
    decision.save()
    return decision


@transaction.atomic
def comment_moderate(*, comment: Comment, user, to_status: str, note: str = "") -> Decision | None:
    """Move `comment` to `to_status` as `user` and record the Decision; None, and nothing
    recorded, if it is already there. PermissionDenied for users who may not moderate,
    ValidationError for an unknown state."""
    _check(user=user, to_status=to_status)
    # Locked, and its state read afresh: two moderators deciding at once each record the
    # state they actually moved it from.
    locked = Comment.objects.select_for_update().only("status").get(pk=comment.pk)
    return _decide(comment=comment, locked=locked, user=user, to_status=to_status, note=note.strip())


@transaction.atomic
def comment_moderate_many(
    *, comments: Iterable[Comment], user, to_status: str, note: str = ""
) -> list[Decision]:
    """comment_moderate() for each of `comments`, all or none; the Decisions actually made
    (comments already in `to_status` have none)."""
    _check(user=user, to_status=to_status)
    comments = list(comments)
    locked = Comment.objects.select_for_update().only("status").in_bulk([c.pk for c in comments])
    decisions = []
    for comment in comments:
        if comment.pk not in locked:
            continue  # deleted meanwhile, with its article
        decision = _decide(
            comment=comment, locked=locked[comment.pk], user=user, to_status=to_status, note=note.strip()
        )
        if decision is not None:
            decisions.append(decision)
    return decisions
