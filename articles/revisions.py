"""An article's saved revision compared with the article as it is now, for the admin.

Revisions are read from reversion's stored JSON field by field instead of through its
deserialiser: a value that no longer fits the model (a field added, renamed or changed since
the revision was saved) then costs that one field, not the whole page.
"""

import difflib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser

from django.contrib.admin.utils import unquote
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from reversion.models import Version

from .models import Article, TaggedArticle

# What an editor writes, in the change form's order. Bookkeeping (updated, last_edited_by...)
# changes on every save and would bury the real changes.
CONTENT_FIELDS = (
    "title",
    "slug",
    "lead",
    "body",
    "section",
    "tags",
    "sources",
    "authors",
    "related",
    "featured_photo",
    "photo_is_graphic",
    "status",
    "pub_date",
    "planned_for",
    "verification",
)
WORD_DIFF_FIELDS = {"lead", "body"}

# Never equal to a word, since words come from str.split().
_BREAK = "\n"
_BLOCK_TAGS = {
    "address", "article", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "section", "table",
    "td", "th", "tr", "ul",
}  # fmt: skip
_HIDDEN_TAGS = {"script", "style", "template"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str = ""
    new: str = ""
    diff: SafeString | None = None  # lead and body: the current text with <del>/<ins> marks
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    recorded: bool = True  # False when the revision predates the field


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag == "br" or tag in _BLOCK_TAGS:
            self.parts.append(_BREAK)

    def handle_startendtag(self, tag, attrs):
        if tag == "br" or tag in _BLOCK_TAGS:
            self.parts.append(_BREAK)

    def handle_endtag(self, tag):
        if tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(_BREAK)

    def handle_data(self, data):
        if not self.hidden:
            # Line breaks in the HTML source are not paragraph breaks.
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_paragraphs(html: str) -> list[str]:
    """The readable text of an HTML body, one string per paragraph, entities decoded."""
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    return _paragraphs("".join(parser.parts))


def _paragraphs(text: str) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def _words(paragraphs: list[str]) -> list[str]:
    tokens: list[str] = []
    for paragraph in paragraphs:
        if tokens:
            tokens.append(_BREAK)
        # Whitespace alone separates words: Arabic punctuation (، ؟ « ») stays on its word,
        # and a word that gains or loses a letter or a comma is marked whole.
        tokens.extend(paragraph.split())
    return tokens


def word_diff(old_paragraphs: list[str], new_paragraphs: list[str]) -> SafeString:
    """The new text as <p> paragraphs, deleted words in <del> and added ones in <ins>.

    Every word is escaped here, so article text can never inject markup into the page.
    """
    old, new = _words(old_paragraphs), _words(new_paragraphs)
    # autojunk would treat words common in Arabic prose (في، من، على) as noise in texts over
    # 200 words and mark whole unchanged sentences as rewritten.
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    paragraphs: list[list[str]] = [[]]

    def emit(words: list[str], mark: str | None) -> None:
        run: list[str] = []

        def flush():
            if run:
                text = " ".join(escape(word) for word in run)
                paragraphs[-1].append(f"<{mark}>{text}</{mark}>" if mark else text)
                run.clear()

        for word in words:
            if word != _BREAK:
                run.append(word)
                continue
            flush()
            if mark:
                # A paragraph split or joined: the pilcrow shows where.
                paragraphs[-1].append(f'<{mark} class="diff-break">¶</{mark}>')
            paragraphs.append([])
        flush()

    for opcode, i1, i2, j1, j2 in matcher.get_opcodes():
        if opcode == "equal":
            emit(new[j1:j2], None)
        else:
            emit(old[i1:i2], "del")
            emit(new[j1:j2], "ins")
    return mark_safe("".join(f"<p>{' '.join(pieces)}</p>" for pieces in paragraphs if pieces))


def _stored_fields(version: Version) -> dict:
    # reversion keeps what Django's JSON serializer wrote: a list holding the one object.
    try:
        fields = json.loads(version.serialized_data)[0]["fields"]
    except (ValueError, LookupError, TypeError):
        return {}
    return fields if isinstance(fields, dict) else {}


def _current_fields(article: Article) -> dict:
    names = [name for name in CONTENT_FIELDS if name != "tags"]
    return json.loads(serializers.serialize("json", [article], fields=names))[0]["fields"]


def _stored_tag_ids(version: Version, article: Article) -> list:
    tag_ids = []
    for tagged in Version.objects.get_for_model(TaggedArticle).filter(revision_id=version.revision_id):
        fields = _stored_fields(tagged)
        if fields.get("content_object") == article.pk and fields.get("tag") is not None:
            tag_ids.append(fields["tag"])
    return tag_ids


def _names(model, ids) -> dict:
    names = {}
    try:
        names = {obj.pk: str(obj) for obj in model._base_manager.filter(pk__in=ids)}
    except (ValueError, TypeError, ValidationError):
        pass  # ids of the wrong type: each shows as its number below
    return {pk: names.get(pk, _("رقم %(pk)s (محذوف)") % {"pk": pk}) for pk in ids}


def _display(field, raw) -> str:
    if raw is None or raw == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(raw, raw))
    if isinstance(field, models.BooleanField):
        return _("نعم") if raw else _("لا")
    if isinstance(field, models.ForeignKey):
        return _names(field.related_model, [raw])[raw]
    if isinstance(field, models.DateField):  # DateTimeField too
        try:
            value = field.to_python(raw)
        except (ValidationError, TypeError, ValueError):
            return str(raw)
        if isinstance(value, datetime):
            value = template_localtime(value)
        return localize(value)
    return str(raw)


def _same(field, old, new) -> bool:
    # A revision holds the value as the form gave it: a datetime in the editor's zone
    # ("10:30+03:00") while the database returns it in UTC ("07:30Z"). Same moment, no change.
    try:
        return field.to_python(old) == field.to_python(new)
    except (ValidationError, TypeError, ValueError):
        return old == new


def _as_set(raw) -> set:
    try:
        return set(raw)
    except TypeError:
        return set()


def revision_changes(*, version: Version, article: Article) -> list[FieldChange]:
    """The content fields where `version` differs from `article` now, in the form's order."""
    stored = _stored_fields(version)
    current = _current_fields(article)
    stored["tags"] = _stored_tag_ids(version, article)
    current["tags"] = list(article.tagged_items.values_list("tag_id", flat=True))

    changes = []
    for name in CONTENT_FIELDS:
        field = Article._meta.get_field(name)
        label = str(field.verbose_name)
        new = current.get(name)
        if name not in stored:
            changes.append(FieldChange(label=label, recorded=False))
            continue
        old = stored[name]
        if field.many_to_many:
            old_ids, new_ids = _as_set(old), _as_set(new)
            if old_ids == new_ids:
                continue
            names = _names(field.related_model, old_ids | new_ids)
            changes.append(
                FieldChange(
                    label=label,
                    added=tuple(sorted(names[pk] for pk in new_ids - old_ids)),
                    removed=tuple(sorted(names[pk] for pk in old_ids - new_ids)),
                )
            )
        elif not _same(field, old, new):
            if name in WORD_DIFF_FIELDS:
                to_paragraphs = html_to_paragraphs if name == "body" else _paragraphs
                old_text = old if isinstance(old, str) else ""
                diff = word_diff(to_paragraphs(old_text), to_paragraphs(new or ""))
                changes.append(FieldChange(label=label, diff=diff))
            else:
                changes.append(FieldChange(label=label, old=_display(field, old), new=_display(field, new)))
    return changes


class RevisionDiffView(TemplateView):
    """One revision of an article against its current text; ArticleAdmin.get_urls routes it."""

    template_name = "admin/articles/article/revision_diff.html"
    model_admin = None

    def get(self, request, object_id, revision_id):
        model_admin = self.model_admin
        # Model-wide first, so a stranger to articles cannot probe which ids exist.
        if not model_admin.has_view_or_change_permission(request):
            raise PermissionDenied
        article = model_admin.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not model_admin.has_view_or_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_for_object(article).select_related("revision__user"),
            revision_id=revision_id,
        )
        opts = model_admin.opts
        request.current_app = model_admin.admin_site.name
        context = {
            **model_admin.admin_site.each_context(request),
            "title": _("مقارنة نسخة بالنص الحالي: %(title)s") % {"title": article},
            "subtitle": None,
            "opts": opts,
            "module_name": str(opts.verbose_name_plural),
            "object": article,
            "revision": version.revision,
            "changes": revision_changes(version=version, article=article),
            "history_url": reverse("admin:articles_article_history", args=[article.pk]),
            "revert_url": reverse("admin:articles_article_revision", args=[article.pk, version.pk]),
            "can_revert": model_admin.has_change_permission(request, article),
        }
        return self.render_to_response(context)
