"""What readers do to comments: post one, report one; and the automatic filters on the way in
(spam score, rate limits). Moderators' actions live in comments/moderation.py."""

import hashlib
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from articles.models import Article
from newsroom.text import contains_phrase, fold

from .models import BlockedWord, Comment, Decision, Report
from .selectors import article_comments_open, repliable_comments

LINK = re.compile(r"(?:https?://|\bwww\.)\S+", re.IGNORECASE)
REPEAT_WINDOW = 24 * 60 * 60
# PositiveSmallIntegerField's ceiling: a wall of links must not fail the save.
MAX_STORED_SCORE = 32767


@dataclass(frozen=True)
class SpamScore:
    links: int
    repeated: bool
    blocked: tuple[str, ...]

    @property
    def total(self) -> int:
        return 2 * max(self.links - 1, 0) + (3 if self.repeated else 0) + 5 * len(self.blocked)

    def explain(self) -> str:
        parts = []
        if self.links > 1:
            parts.append(f"{self.links} روابط")
        if self.repeated:
            parts.append("النص نفسه أُرسل خلال 24 ساعة")
        if self.blocked:
            parts.append("كلمات محظورة: " + "، ".join(self.blocked))
        return f"درجة الإزعاج {self.total}: " + "؛ ".join(parts)


def comment_spam_score(*, text: str, blocked_phrases: Iterable[str], repeated: bool) -> SpamScore:
    """+2 per link beyond the first, +3 for a text already sent in the last day, +5 per blocked
    word or phrase (matched folded, as whole words). Pure: the caller looks up the rest."""
    return SpamScore(
        links=len(LINK.findall(text)),
        repeated=repeated,
        blocked=tuple(phrase for phrase in blocked_phrases if contains_phrase(text, phrase)),
    )


def _text_key(text: str) -> str:
    # Folded and whitespace-squeezed: the same message with a harakah or a space more is the
    # same message. Hashed, as cache keys have a length limit and the text has none.
    normal = " ".join(fold(text).casefold().split())
    return "comments:text:" + hashlib.sha256(normal.encode()).hexdigest()


def rate_key(ip_address: str | None) -> str:
    """The part of an address one reader controls: the address for IPv4, its /64 for IPv6,
    where a single connection is given a whole /64 to pick addresses from."""
    try:
        ip = ipaddress.ip_address(ip_address or "")
    except ValueError:
        return "unknown"
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)


def rate_limit_consume(*, scope: str, key: str, limit: tuple[int, int]) -> int | None:
    """Count one more request in the current window. None while within the limit; past it, the
    seconds until the window ends (for Retry-After).

    Fixed windows: add() makes the counter if missing, incr() is atomic on Redis and locmem, so
    concurrent requests cannot both slip under the limit. A burst across a window's edge may get
    up to twice the limit through; that is the price of one key and no lists of timestamps.
    """
    allowed, seconds = limit
    now = timezone.now().timestamp()
    window = int(now // seconds)
    cache_key = f"comments:rate:{scope}:{key}:{window}"
    cache.add(cache_key, 0, timeout=seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # The key expired between add() and incr().
        cache.add(cache_key, 1, timeout=seconds)
        count = 1
    if count <= allowed:
        return None
    return max(int((window + 1) * seconds - now), 1)


def _decide(*, comment: Comment, from_status: str, note: str) -> Decision:
    """An automatic filter's decision: by nobody, with why in the note."""
    decision = Decision(
        comment=comment, by=None, from_status=from_status, to_status=comment.status, note=note[:250]
    )
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def comment_post(
    *,
    article: Article,
    name: str,
    text: str,
    email: str = "",
    parent: Comment | None = None,
    ip_address: str | None = None,
    honeypot: bool = False,
) -> Comment:
    """A reader's comment, pending review; likely spam goes straight to the spam folder, where
    a moderator can still find it and approve it."""
    if not article_comments_open(article=article):
        raise ValidationError("التعليقات مغلقة على هذا الخبر.")
    if len(text) > settings.COMMENTS_MAX_LENGTH:
        raise ValidationError({"text": f"التعليق أطول من {settings.COMMENTS_MAX_LENGTH} حرف."})
    if parent is not None and not repliable_comments(article=article).filter(pk=parent.pk).exists():
        raise ValidationError({"parent": "الرد ممكن على تعليق منشور في الخبر نفسه، لا على رد."})

    key = _text_key(text)
    score = comment_spam_score(
        text=text,
        blocked_phrases=BlockedWord.objects.values_list("phrase", flat=True),
        repeated=cache.get(key) is not None,
    )
    comment = Comment(
        article=article,
        parent=parent,
        name=name,
        email=email,
        text=text,
        ip_address=ip_address,
        spam_score=min(score.total, MAX_STORED_SCORE),
    )
    note = ""
    if honeypot:
        # Kept, not dropped: a password manager filling the hidden field by mistake makes a
        # real reader look like a script, and a moderator can still approve the comment.
        comment.status = Comment.Status.SPAM
        note = "ملأ الحقل المخفي الذي لا يراه إلا برنامج آلي؛ " + score.explain()
    elif score.total >= settings.COMMENTS_SPAM_THRESHOLD:
        comment.status = Comment.Status.SPAM
        note = score.explain()
    comment.full_clean()
    comment.save()
    if comment.status == Comment.Status.SPAM:
        _decide(comment=comment, from_status=Comment.Status.PENDING, note=note)
    # Set again on every post, so "the last 24 hours" runs from the latest copy.
    cache.set(key, 1, timeout=REPEAT_WINDOW)
    return comment


@transaction.atomic
def comment_report(*, comment: Comment, reason: str, ip_address: str | None) -> Report | None:
    """A reader's report; None when the same reader (address) had already reported it.

    COMMENTS_REPORT_THRESHOLD reports hide the comment until a moderator looks. Only reports
    since it was last approved count: a moderator who reinstates it starts the count afresh.
    """
    # Locked so that two reports arriving together cannot both miss, or both make, the hiding.
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status != Comment.Status.APPROVED:
        raise ValidationError("لا يُبلَّغ إلا عن تعليق منشور.")
    reporter = rate_key(ip_address)
    if ip_address and any(
        rate_key(earlier) == reporter for earlier in comment.reports.values_list("ip_address", flat=True)
    ):
        return None

    report = Report(comment=comment, reason=reason, ip_address=ip_address)
    report.full_clean()
    report.save()

    reports = comment.reports.all()
    approved_at = comment.decisions.filter(to_status=Comment.Status.APPROVED).aggregate(at=Max("at"))["at"]
    if approved_at is not None:
        reports = reports.filter(created_at__gt=approved_at)
    count = reports.count()
    if count >= settings.COMMENTS_REPORT_THRESHOLD:
        comment.status = Comment.Status.HIDDEN
        comment.full_clean()
        comment.save(update_fields=["status"])
        _decide(comment=comment, from_status=Comment.Status.APPROVED, note=f"أُخفي تلقائياً بعد {count} بلاغات")
    return report
