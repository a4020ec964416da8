import re
from contextvars import ContextVar
from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminTextareaWidget, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from taggit.models import Tag

from newsroom.dates import format_date, format_time
from newsroom.security import NonceMediaAdminMixin
from newsroom.text import arabic_slugify
from photos.admin import thumbnail_html
from search.query import parse
from search.selectors import search_articles

from . import presence
from .models import Article, Correction, Transition, VerificationLabel
from .revisions import RevisionDiffView
from .selectors import known_tag_names
from .takedown import TakedownView
from .workflow import PUBLISH, Action, allowed_actions, article_transition


class ArticleAdminForm(forms.ModelForm):
    # taggit's own field is a bare comma-separated text box; existing tags are picked with
    # the admin's autocomplete instead, and new ones typed beside it.
    tags = forms.ModelMultipleChoiceField(
        label=_("الوسوم"),
        queryset=Tag.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
    )
    new_tags = forms.CharField(
        label=_("وسوم جديدة"),
        required=False,
        max_length=500,
        help_text=_("وسوم غير موجودة بعد، تفصل بينها فاصلة: دير الزور، التحالف الدولي"),
    )
    # The version the editor loaded, so a save can tell whether someone else saved since.
    # The `updated` time rather than a revision counter: every writer already moves it (form
    # saves, the correction inline, workflow moves, publish_due's update()), it needs no new
    # column, and it is the "when" the refusal tells the editor. It is not signed: forging it
    # only lets an editor overwrite, which the refusal lets them do deliberately anyway.
    # Rendered by templates/admin/articles/article/change_form.html (not in a fieldset).
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    # Set by ArticleAdmin.change_view: there a POST without the token is refused. Reversion's
    # restore pages reuse this form with their own template, which has no token; restoring
    # a version is a deliberate overwrite, so there a missing token is not checked.
    token_required = ContextVar("article_token_required", default=False)

    class Meta:
        model = Article
        widgets = {"lead": AdminTextareaWidget(attrs={"rows": 3})}
        fields = [
            "title",
            "slug",
            "lead",
            "body",
            "section",
            "sources",
            "authors",
            "related",
            "featured_photo",
            "pub_date",
            "planned_for",
            "verification",
            "photo_is_graphic",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            self.fields["loaded_version"].initial = self.instance.updated.isoformat()

    @cached_property
    def changed_data(self):
        # The token is bookkeeping, not an edit: keep it out of the admin's change messages.
        return [name for name in super().changed_data if name != "loaded_version"]

    def clean(self):
        cleaned = super().clean()
        self._refuse_lost_update()
        # Only commas separate tags, the Arabic one being what editors type on an Arabic
        # keyboard. (taggit's parse_tags splits comma-less input at spaces, which would turn
        # a lone "دير الزور" into two tags.)
        names = re.split("[,،]", cleaned.get("new_tags", ""))
        typed = list(dict.fromkeys(" ".join(name.split()) for name in names if name.strip()))
        if any(len(name) > 100 for name in typed):
            raise ValidationError({"new_tags": _("الوسم الواحد لا يزيد على 100 حرف.")})
        # A tag page needs a URL: taggit gives a tag of punctuation or emoji alone an empty slug.
        if any(not arabic_slugify(name) for name in typed):
            raise ValidationError({"new_tags": _("كل وسم يحتاج إلى حرف أو رقم واحد على الأقل.")})
        # Another spelling of an existing tag ("الرقه" for "الرقة") joins it, not a twin tag.
        cleaned["tags"] = [*cleaned.get("tags", []), *known_tag_names(typed)]
        return cleaned

    def _refuse_lost_update(self):
        """A form error if the article was saved since the editor loaded it, or if the POST
        does not say which version they loaded (a crafted request, or a tab from before the
        token existed): either way their save would silently overwrite someone's work."""
        if self.instance._state.adding:
            return
        name = self.add_prefix("loaded_version")
        if name not in self.data and not self.token_required.get():
            return
        articles = Article.objects.filter(pk=self.instance.pk).only("updated", "last_edited_by")
        if connections[router.db_for_write(Article)].in_atomic_block:
            # The admin saves in a transaction: holding the row until it commits makes a second
            # save racing this one (on PostgreSQL) wait, then see this one, instead of both
            # passing the check.
            articles = articles.select_for_update()
        current = articles.first()
        if current is None:
            return  # deleted meanwhile: the admin's own error handles that
        try:
            loaded = datetime.fromisoformat(self.data.get(name, ""))
        except ValueError:
            loaded = None
        if loaded is not None and timezone.is_naive(loaded):
            loaded = None  # never rendered by us: it cannot say which moment was loaded
        if loaded == current.updated:
            return

        params = {
            "name": self._last_writer(current),
            "when": f"{format_date(current.updated)} الساعة {format_time(current.updated)}",
        }
        if loaded is None and params["name"]:
            message = _(
                "تعذّر التحقق من أنك تعدّل آخر نسخة من هذا الخبر؛ آخر من عدّله «%(name)s» في %(when)s. "
                "راجع التعديلات ثم احفظ مجدداً."
            )
        elif loaded is None:
            message = _(
                "تعذّر التحقق من أنك تعدّل آخر نسخة من هذا الخبر؛ عُدّل آخر مرة في %(when)s. "
                "راجع التعديلات ثم احفظ مجدداً."
            )
        elif params["name"]:
            message = _("عدّل «%(name)s» هذا الخبر في %(when)s بعد أن فتحته. راجع التعديلات ثم احفظ مجدداً.")
        else:
            message = _("عُدّل هذا الخبر في %(when)s بعد أن فتحته. راجع التعديلات ثم احفظ مجدداً.")
        self.add_error(None, message % params)
        # The form comes back with the editor's own text, now carrying the version they were
        # just warned about: saving again is a deliberate overwrite of exactly that version,
        # while a further save by someone else in the meantime is refused again.
        self.data = self.data.copy()
        self.data[name] = current.updated.isoformat()

    def _last_writer(self, article) -> str | None:
        # None when no person made the last write (publish_due, the importer).
        return presence.display_name(article.last_edited_by) if article.last_edited_by else None


# Where an article stands in the workflow: moved only by article_transition(), never by a
# restored revision.
WORKFLOW_FIELDS = ["status", "pub_date", "created_by_id"]


class TransitionInline(admin.TabularInline):
    """The article's way through the workflow, newest first: read-only history."""

    model = Transition
    fields = ["at", "by", "from_status", "to_status", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("سجل سير العمل")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CorrectionInline(admin.StackedInline):
    model = Correction
    fields = ["kind", "text", "created_at"]
    extra = 0


@admin.register(Article)
class ArticleAdmin(NonceMediaAdminMixin, VersionAdmin):
    form = ArticleAdminForm
    list_display = ["thumbnail", "title", "section", "status", "pub_date", "created_by"]
    list_display_links = ["thumbnail", "title"]
    list_filter = ["status", "section", "pub_date", "sources", "tags"]
    list_select_related = ["section", "created_by", "featured_photo"]
    date_hierarchy = "pub_date"
    search_fields = ["title", "lead"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["section", "sources", "authors", "related", "verification"]
    # The library's own list in a popup, with thumbnails, search and paging: it stays usable
    # with thousands of photos, where a drop-down of captions would not.
    raw_id_fields = ["featured_photo"]
    inlines = [CorrectionInline, TransitionInline]
    actions = ["publish", "unpublish"]
    # VersionAdmin names its history template outright, so Django's per-model lookup never
    # reaches an override; this page adds the diff links.
    object_history_template = "reversion/articles/article/object_history.html"
    history_latest_first = True

    class Media:
        css = {"all": ["articles/admin.css"]}

    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body"]}),
        (_("التصنيف"), {"fields": ["section", "tags", "new_tags", "sources", "authors", "related"]}),
        (
            _("الصورة"),
            {
                "fields": [
                    "featured_photo",
                    "photo_preview",
                    "photo_is_graphic",
                ]
            },
        ),
        (
            _("النشر"),
            {
                "fields": [
                    "status",
                    "pub_date",
                    "planned_for",
                    "verification",
                    "comments_open",
                    "created_by",
                    "last_edited_by",
                    "created",
                    "updated",
                ]
            },
        ),
    ]

    # Who may see and change what. The status only ever moves through the workflow buttons
    # (article_transition), so it is read-only in the form for everyone.

    def get_search_results(self, request, queryset, search_term):
        # The reader's search over every status, with the same normaliser ("عسكرية" finds
        # "عسكريّة"), beside Django's substring match, which the related-news autocomplete
        # needs for half-typed words.
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            matches = search_articles(queryset, parse(search_term)).values("pk")
            found = found | queryset.filter(pk__in=matches)
        return found, may_have_duplicates

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if user.has_perm("articles.edit_any_article") or not user.has_perm("articles.add_article"):
            return queryset
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            # A writer picking related articles chooses among everything readers can see.
            return queryset.published() | queryset.filter(created_by=user)
        return queryset.filter(created_by=user)

    def get_readonly_fields(self, request, obj=None):
        fields = ["status", "photo_preview", "created_by", "last_edited_by", "created", "updated"]
        if not request.user.has_perm(PUBLISH):
            fields += ["pub_date", "verification", "comments_open"]
        return fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.is_editable_by(request.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or request.user.has_perm(PUBLISH):
            return allowed
        return allowed and obj.is_editable_by(request.user)

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH)

    def get_urls(self):
        # Keyed by revision, not version: reversion's history page hands its template only the
        # revision of each row. admin_view() adds the staff login check.
        diff = path(
            "<path:object_id>/history/compare/<int:revision_id>/",
            self.admin_site.admin_view(RevisionDiffView.as_view(model_admin=self)),
            name="articles_article_revision_diff",
        )
        # Its own page rather than a workflow button: moderators may take an article down but
        # not change it, so the change form is read-only for them.
        takedown = path(
            "<path:object_id>/takedown/",
            self.admin_site.admin_view(TakedownView.as_view(model_admin=self)),
            name="articles_article_takedown",
        )
        return [diff, takedown, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        required = ArticleAdminForm.token_required.set(True)
        try:
            response = super().change_view(request, object_id, form_url, extra_context)
        finally:
            ArticleAdminForm.token_required.reset(required)
        # Only a change page actually shown counts as having the article open (by now the
        # admin has checked the user may see it), not the redirect after a save.
        article = (getattr(response, "context_data", None) or {}).get("original")
        if article is not None and not response.is_rendered:
            response.context_data.update(
                presence_others=presence.touch(article_pk=article.pk, user=request.user),
                presence_url=reverse("article_presence", args=[article.pk]),
                presence_interval=presence.HEARTBEAT_SECONDS,
            )
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            # Refuse before anything is saved: a crafted request leaves the article as it was.
            # That includes a save of an article outside the user's queryset (another writer's),
            # which the admin would otherwise answer with a redirect, as if it did not exist.
            article = self.get_object(request, object_id) if object_id else Article(created_by=request.user)
            action = request.POST.get("_transition")
            if article is None:
                raise PermissionDenied
            if action and action not in allowed_actions(article=article, user=request.user):
                raise PermissionDenied
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        article = obj or Article(created_by=request.user)
        context["transition_actions"] = [
            (action.value, action.label)
            for action in allowed_actions(article=article, user=request.user)
            if action != Action.TAKEDOWN
        ]
        if obj is not None and Action.TAKEDOWN in allowed_actions(article=obj, user=request.user):
            context["takedown_url"] = reverse("admin:articles_article_takedown", args=[obj.pk])
        context["needs_note"] = Action.SEND_BACK in allowed_actions(article=article, user=request.user)
        if obj is not None and not obj.is_published():
            context["preview_url"] = obj.get_preview_url()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Restoring brings back an old text, not an old place in the workflow: reversion
        # writes every stored field back, so remember where the article stands now and
        # keep it (save_model). The check runs on the article as it is, before the revert.
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_change_permission(request, article):
            raise PermissionDenied
        request.workflow_state = {field: getattr(article, field) for field in WORKFLOW_FIELDS}
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        # A deleted article comes back as a draft: going public again is the workflow's call.
        request.workflow_state = {"status": Article.Status.DRAFT}
        return super().recover_view(request, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        for field, value in getattr(request, "workflow_state", {}).items():
            setattr(obj, field, value)
        obj.last_edited_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for correction in formset.save(commit=False):
            if isinstance(correction, Correction) and correction.created_by_id is None:
                correction.created_by = request.user
            correction.save()
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()
        if formset.model is Correction and formset.has_changed():
            # A correction changes what readers read: the article's "modified" time moves on;
            # its publication time does not.
            form.instance.save(update_fields=["updated"])

    def response_add(self, request, obj, post_url_continue=None):
        return self._apply_transition(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        return self._apply_transition(request, obj) or super().response_change(request, obj)

    def _apply_transition(self, request, article):
        action = request.POST.get("_transition")
        if not action:
            return None
        try:
            article_transition(
                article=article,
                user=request.user,
                action=action,
                note=request.POST.get("_transition_note", ""),
            )
        except ValidationError as error:
            # The text was saved; only the move was not made. Back to the form to fix it.
            self.message_user(request, "؛ ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        self.message_user(
            request,
            _("«%(title)s»: %(status)s.") % {"title": article.title, "status": article.get_status_display()},
            messages.SUCCESS,
        )
        return None

    @admin.display(description=_("صورة"))
    def thumbnail(self, obj):
        if obj.featured_photo is None:
            return "—"
        return thumbnail_html(obj.featured_photo, 96)

    @admin.display(description=_("معاينة"))
    def photo_preview(self, obj):
        if obj.featured_photo is None:
            return _("لا صورة")
        photo = obj.featured_photo
        return format_html(
            '{}<br><span dir="auto">{}</span>', thumbnail_html(photo, 240), photo.credit or photo.caption
        )

    @admin.action(description=_("نشر الأخبار المختارة الآن"), permissions=["publish"])
    def publish(self, request, queryset):
        self._apply(request, queryset, Action.PUBLISH, _("نُشر"))

    @admin.action(description=_("إلغاء نشر الأخبار المختارة"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._apply(request, queryset, Action.UNPUBLISH, _("أُلغي نشر"))

    def _apply(self, request, queryset, action, verb):
        done = 0
        for article in queryset:
            try:
                article_transition(article=article, user=request.user, action=action)
            except ValidationError as error:
                self.message_user(request, f"«{article}»: {'؛ '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                # Said in the past tense, as done: "نُشر خبر واحد", not the button's "نشر الآن".
                ngettext("%(verb)s خبر واحد.", "%(verb)s %(count)d من الأخبار.", done)
                % {"verb": verb, "count": done},
                messages.SUCCESS,
            )


@admin.register(VerificationLabel)
class VerificationLabelAdmin(admin.ModelAdmin):
    list_display = ["text", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["text"]

    def get_search_results(self, request, queryset, search_term):
        # Only labels still in use are offered when an editor picks one for an article.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            queryset = queryset.filter(is_active=True)
        return queryset, may_have_duplicates
