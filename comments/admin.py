"""The moderation queue.

Moderators decide, they do not rewrite: every field of a comment is read-only, and its state
moves only through the queue's actions or the buttons on its page, both of which go through
comment_moderate() and so leave a Decision. Nothing is deleted from here, by anyone.
"""

from django.contrib import admin, messages
from django.contrib.admin.options import csrf_protect_m
from django.contrib.admin.utils import unquote
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Exists, F, Func, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import BlockedWord, Comment, Decision, Report
from .moderation import comment_moderate, comment_moderate_many

Status = Comment.Status
# What a moderator may decide, as the buttons on a comment's page say it.
DECISIONS = {
    Status.APPROVED: _("انشر التعليق"),
    Status.REJECTED: _("ارفض التعليق"),
    Status.SPAM: _("عُدّه مزعجاً"),
}
# Rejected and spam alike count against a reader: both are comments a moderator turned down.
TURNED_DOWN = (Status.REJECTED, Status.SPAM)

NEEDS_REVIEW_FIRST = Case(When(status__in=Comment.NEEDS_REVIEW, then=Value(0)), default=Value(1)).asc()


def _count(queryset) -> Coalesce:
    """COUNT(*) of `queryset` as a correlated subquery: the whole page in one query."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _reader_history(statuses) -> Case:
    """How many of this reader's earlier comments ended in `statuses`. The reader is whoever
    wrote with the same e-mail address; without one, from the same IP address (until it is
    purged, after which there is no telling)."""
    earlier = Comment.objects.filter(status__in=statuses, created_at__lt=OuterRef("created_at"))
    return Case(
        When(~Q(email=""), then=_count(earlier.filter(email=OuterRef("email")))),
        When(ip_address__isnull=False, then=_count(earlier.filter(ip_address=OuterRef("ip_address")))),
        default=Value(0),
    )


class StateFilter(admin.SimpleListFilter):
    title = _("الحالة")
    parameter_name = "state"
    REVIEW = "review"

    def lookups(self, request, model_admin):
        return [(self.REVIEW, _("بانتظار الإشراف (الجديد والمخفي)")), *Status.choices]

    def queryset(self, request, queryset):
        if self.value() == self.REVIEW:
            return queryset.filter(status__in=Comment.NEEDS_REVIEW)
        if self.value() in Status.values:
            return queryset.filter(status=self.value())
        return queryset


class ReportedFilter(admin.SimpleListFilter):
    title = _("البلاغات")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", _("عليه بلاغات")), ("no", _("بلا بلاغات"))]

    def queryset(self, request, queryset):
        reported = Exists(Report.objects.filter(comment=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(reported)
        if self.value() == "no":
            return queryset.filter(~reported)
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ["at", "decided_by", "from_status", "to_status", "note"]
    readonly_fields = fields
    verbose_name_plural = _("سجل القرارات")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    @admin.display(description=_("بواسطة"))
    def decided_by(self, decision):
        if decision.by is None:
            return _("تلقائياً (الفلتر أو البلاغات)")
        return decision.by.get_full_name() or decision.by.get_username()


class ReportInline(ReadOnlyInline):
    model = Report
    fields = ["created_at", "reason", "ip_address"]
    readonly_fields = fields


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    # Few, wide columns: at 1280 px a column per detail pushed the reports and the date out
    # of view.
    list_display = ["status_label", "excerpt", "article_link", "reader", "history", "report_count", "created"]
    list_display_links = ["excerpt"]
    list_filter = [StateFilter, ReportedFilter, ("article", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["text", "name", "email"]
    # What nobody has decided on yet first, then the newest.
    ordering = [NEEDS_REVIEW_FIRST, "-created_at", "-id"]
    actions = ["approve", "reject", "mark_spam"]
    inlines = [DecisionInline, ReportInline]
    fieldsets = [
        (None, {"fields": ["article", "parent", "text", "status", "created_at"]}),
        (
            _("القارئ"),
            {"fields": ["name", "email", "ip_address", "earlier_approved", "earlier_turned_down"]},
        ),
        (_("الفلترة التلقائية"), {"fields": ["spam_score", "report_count"]}),
    ]
    readonly_fields = [
        "article",
        "parent",
        "text",
        "status",
        "created_at",
        "name",
        "email",
        "ip_address",
        "earlier_approved",
        "earlier_turned_down",
        "spam_score",
        "report_count",
    ]

    class Media:
        css = {"all": ["comments/admin.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article")
            # A page of a hundred comments needs each article's title, not its whole text.
            .defer("article__body", "article__lead")
            .annotate(
                earlier_approved_count=_reader_history([Status.APPROVED]),
                earlier_turned_down_count=_reader_history(TURNED_DOWN),
                report_total=_count(Report.objects.filter(comment=OuterRef("pk"))),
            )
        )

    def changelist_view(self, request, extra_context=None):
        # At 1280 px the admin's list of apps beside the queue left the comments too narrow
        # to read and pushed columns out of view; the breadcrumbs still lead back.
        context = {"is_nav_sidebar_enabled": False, "title": _("الإشراف على التعليقات")}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def has_add_permission(self, request):
        return False  # comments come from readers, through the article page

    def has_delete_permission(self, request, obj=None):
        return False  # rejected and spam comments stay, out of view: see comment_moderate

    # The list's columns.

    @admin.display(description=_("الحالة"), ordering=NEEDS_REVIEW_FIRST)
    def status_label(self, comment):
        return format_html(
            '<span class="comment-status comment-status-{}">{}</span>',
            comment.status,
            comment.get_status_display(),
        )

    @admin.display(description=_("الخبر"), ordering="article__title")
    def article_link(self, comment):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[comment.article_id]),
            Truncator(comment.article.title).chars(60),
        )

    @admin.display(description=_("التعليق"))
    def excerpt(self, comment):
        return Truncator(comment.text).chars(140)

    @admin.display(description=_("القارئ"), ordering="name")
    def reader(self, comment):
        # Isolated, so an e-mail or IPv6 address is not reordered by the right-to-left page.
        contacts = format_html_join(
            "",
            '<span class="reader-contact"><bdi dir="ltr">{}</bdi></span>',
            ((value,) for value in (comment.email, comment.ip_address) if value),
        )
        return format_html("<bdi>{}</bdi>{}", comment.name, contacts)

    @admin.display(description=_("سجله السابق"), ordering="earlier_turned_down_count")
    def history(self, comment):
        return format_html(
            '<span class="reader-history">نُشر: {}</span><span class="reader-history">رُفض: {}</span>',
            comment.earlier_approved_count,
            comment.earlier_turned_down_count,
        )

    @admin.display(description=_("نُشر له سابقاً"))
    def earlier_approved(self, comment):
        return comment.earlier_approved_count

    @admin.display(description=_("رُفض له سابقاً"))
    def earlier_turned_down(self, comment):
        return comment.earlier_turned_down_count

    @admin.display(description=_("التاريخ"), ordering="created_at")
    def created(self, comment):
        # "Five minutes ago" is what a queue needs, and it fits where a full date does not.
        local = timezone.localtime(comment.created_at)
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            local.isoformat(),
            f"{local:%Y-%m-%d %H:%M}",
            naturaltime(comment.created_at),
        )

    @admin.display(description=_("البلاغات"), ordering="report_total")
    def report_count(self, comment):
        return comment.report_total

    # Decisions: the queue's actions.

    @admin.action(description=_("نشر التعليقات المختارة"), permissions=["change"])
    def approve(self, request, queryset):
        self._moderate_many(request, queryset, Status.APPROVED)

    @admin.action(description=_("رفض التعليقات المختارة"), permissions=["change"])
    def reject(self, request, queryset):
        self._moderate_many(request, queryset, Status.REJECTED)

    @admin.action(description=_("تعليم التعليقات المختارة مزعجة"), permissions=["change"])
    def mark_spam(self, request, queryset):
        self._moderate_many(request, queryset, Status.SPAM)

    def _moderate_many(self, request, queryset, to_status):
        decisions = comment_moderate_many(comments=queryset, user=request.user, to_status=to_status)
        label = Status(to_status).label
        if not decisions:
            self.message_user(
                request,
                _("لم يتغير شيء: التعليقات المختارة «%(status)s» أصلاً.") % {"status": label},
                messages.WARNING,
            )
            return
        self.message_user(
            request,
            ngettext(
                "صار تعليق واحد «%(status)s».", "صار %(count)d من التعليقات «%(status)s».", len(decisions)
            )
            % {"count": len(decisions), "status": label},
            messages.SUCCESS,
        )
        self._warn_about_orphaned_replies(request, [decision.comment for decision in decisions])

    def _warn_about_orphaned_replies(self, request, comments):
        """Approved replies stay out of view until what they answer is approved too: say so."""
        replies = [c for c in comments if c.status == Status.APPROVED and c.parent_id]
        if not replies:
            return
        unapproved = set(
            Comment.objects.filter(pk__in={c.parent_id for c in replies})
            .exclude(status=Status.APPROVED)
            .values_list("pk", flat=True)
        )
        waiting = sum(1 for reply in replies if reply.parent_id in unapproved)
        if waiting:
            self.message_user(
                request,
                ngettext(
                    "ردّ واحد لن يظهر للقرّاء حتى يُنشر التعليق الذي يرد عليه.",
                    "%(count)d من الردود لن تظهر للقرّاء حتى تُنشر التعليقات التي ترد عليها.",
                    waiting,
                )
                % {"count": waiting},
                messages.WARNING,
            )

    # Decisions: the buttons on a comment's page, which has nothing else to save.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        if obj is not None and self.has_change_permission(request, obj):
            # A moderator decides on the comment; "change" would say they may rewrite it.
            context["title"] = _("مراجعة تعليق")
            context["decisions"] = [
                (status, label) for status, label in DECISIONS.items() if status != obj.status
            ]
            context["note_max_length"] = Decision._meta.get_field("note").max_length
        return super().render_change_form(request, context, add, change, form_url, obj)

    @csrf_protect_m
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST" or object_id is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        to_status = request.POST.get("_moderate")
        if to_status not in DECISIONS:
            # Every field is read-only: a decision is the only thing this page can post.
            raise PermissionDenied
        try:
            decision = comment_moderate(
                comment=comment,
                user=request.user,
                to_status=to_status,
                note=request.POST.get("_moderate_note", ""),
            )
        except ValidationError as error:
            self.message_user(request, "؛ ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        if decision is None:
            self.message_user(
                request, _("التعليق «%(status)s» أصلاً.") % {"status": comment.get_status_display()}
            )
        else:
            self.message_user(
                request,
                _("صار التعليق «%(status)s».") % {"status": comment.get_status_display()},
                messages.SUCCESS,
            )
            self._warn_about_orphaned_replies(request, [comment])
        return self.response_post_save_change(request, comment)


@admin.register(BlockedWord)
class BlockedWordAdmin(admin.ModelAdmin):
    """The list the spam filter matches; changing it decides nothing about any one comment."""

    list_display = ["phrase", "created_at"]
    search_fields = ["phrase"]
    fields = ["phrase"]
