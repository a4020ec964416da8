from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .models import Comment, Report
from .selectors import repliable_comments

# A form left open longer than this is refused and sent back with a fresh stamp: it bounds how
# long a stamp scraped once can be replayed by a script.
FORM_MAX_AGE = 24 * 60 * 60
_SIGNER = signing.Signer(salt="comments.form.rendered")

TOO_FAST = "أُرسل النموذج أسرع مما يكتب إنسان. راجع تعليقك ثم أرسله مرة أخرى."
STALE_FORM = "تعذّر التحقق من النموذج أو انتهت صلاحيته. أرسل تعليقك مرة أخرى."
BAD_PARENT = "لا يمكن الرد على هذا التعليق. يمكنك نشر تعليقك تعليقاً مستقلاً."


def sign_render_time(article_pk: int) -> str:
    return _SIGNER.sign(f"{article_pk}:{timezone.now().timestamp():.3f}")


def seconds_since_render(token: str, article_pk: int) -> float | None:
    """How long ago the form was rendered for this article; None when the stamp is missing,
    forged, or made for another article."""
    try:
        pk, _, at = _SIGNER.unsign(token).partition(":")
        if pk != str(article_pk):
            return None
        return timezone.now().timestamp() - float(at)
    except (signing.BadSignature, ValueError):
        return None


class RenderTimeInput(forms.HiddenInput):
    """Always carries the moment it is drawn, even when the form is shown again with errors:
    a stale or forged stamp sent back would otherwise trap the reader in the same error."""

    def __init__(self, article_pk: int):
        super().__init__()
        self.article_pk = article_pk

    def format_value(self, value):
        return sign_render_time(self.article_pk)


class PlainTextField(forms.CharField):
    def to_python(self, value):
        # Browsers send line breaks as CRLF; counted as one, as the reader sees them.
        return super().to_python(value).replace("\r\n", "\n")


class CommentForm(forms.Form):
    name = forms.CharField(
        label="الاسم",
        max_length=80,
        error_messages={
            "required": "اكتب اسمك، أو اسماً مستعاراً.",
            "max_length": "الاسم أطول من المسموح: %(limit_value)d حرفاً على الأكثر.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="البريد الإلكتروني (اختياري)",
        required=False,
        max_length=254,
        help_text="لن يُنشر. نستعمله فقط إن احتجنا إلى مراسلتك بشأن تعليقك.",
        error_messages={
            "invalid": "اكتب عنوان بريد صحيحاً مثل name@example.com، أو اتركه فارغاً.",
            "max_length": "عنوان البريد أطول من %(limit_value)d حرفاً.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    text = PlainTextField(
        label="التعليق",
        strip=True,
        error_messages={"required": "اكتب تعليقك قبل إرساله."},
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
    )
    # Text, not a number field: a hidden field's own error would never be shown.
    parent = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot: hidden from people (and from screen readers and the keyboard), filled in by
    # scripts that fill in every field they find.
    website = forms.CharField(label="اترك هذا الحقل فارغاً", required=False)
    started = forms.CharField(required=False)

    def __init__(self, *args, article: Article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        limit = settings.COMMENTS_MAX_LENGTH
        text = self.fields["text"]
        # Read here, not at import, so the limit follows the settings in force.
        # No maxlength attribute on purpose: a browser would cut a pasted text short without a
        # word, where the server keeps it all and says how much to remove.
        text.validators.append(MaxLengthValidator(limit))
        text.error_messages["max_length"] = (
            f"التعليق أطول من المسموح: {limit} حرف على الأكثر، وفيه %(show_value)d. اختصره ثم أرسله."
        )
        text.help_text = f"نص عادي حتى {limit} حرف. يُنشر بعد مراجعته."
        self.fields["started"].widget = RenderTimeInput(article.pk)
        self.helper = self._helper()

    def _helper(self) -> FormHelper:
        helper = FormHelper(self)
        helper.form_id = "comment-form-fields"
        helper.form_action = reverse("comments:post", kwargs={"pk": self.article.pk}) + "#comment-form"
        # The server's Arabic messages, not the browser's bubbles in whatever language it speaks.
        helper.attrs = {"novalidate": ""}
        # No CSRF token: it would set a cookie on every article page (see views.cross_site).
        helper.disable_csrf = True
        helper.layout = Layout(
            "name",
            "email",
            "text",
            "parent",
            "started",
            Div(
                Field("website", tabindex="-1", autocomplete="off"),
                css_class="comment-extra",
                aria_hidden="true",
            ),
            StrictButton("أرسل التعليق", type="submit", css_class="btn-primary"),
        )
        return helper

    def clean_email(self) -> str:
        # The moderation queue groups a reader's comments by e-mail: one reader, one spelling.
        return self.cleaned_data.get("email", "").lower()

    def clean_parent(self) -> Comment | None:
        pk = self.cleaned_data.get("parent")
        if not pk:
            return None
        parent = None
        # Bounded: a number past the column's range is an error in PostgreSQL, not a miss.
        if pk.isascii() and pk.isdigit() and len(pk) <= 18:
            parent = repliable_comments(article=self.article).filter(pk=int(pk)).first()
        if parent is None:
            # The field is hidden, so its error is the form's.
            self.add_error(None, BAD_PARENT)
        return parent

    def clean(self):
        cleaned = super().clean()
        age = seconds_since_render(cleaned.get("started") or "", self.article.pk)
        if age is None or age > FORM_MAX_AGE:
            self.add_error(None, STALE_FORM)
        elif age < settings.COMMENTS_MIN_FILL_SECONDS:
            self.add_error(None, TOO_FAST)
        return cleaned

    @property
    def caught_in_honeypot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="سبب الإبلاغ",
        choices=Report.Reason.choices,
        error_messages={
            "required": "اختر سبب الإبلاغ.",
            "invalid_choice": "اختر سبب الإبلاغ من القائمة.",
        },
    )
