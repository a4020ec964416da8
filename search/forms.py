from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sections.models import Section
from sources.models import Source

from .query import MAX_LENGTH


class SearchForm(forms.Form):
    """The reader's query and filters. A filter that does not validate is dropped with a
    message, the rest still searched: a bad date must not cost the reader their results."""

    q = forms.CharField(
        label=_("ابحث في الأخبار"),
        required=False,
        max_length=MAX_LENGTH,
        error_messages={"max_length": _("عبارة البحث أطول من %(limit_value)d حرفاً، فاختصرها.")},
    )
    section = forms.ModelChoiceField(
        label=_("القسم"),
        queryset=Section.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("كل الأقسام"),
        error_messages={"invalid_choice": _("لا يوجد قسم بهذا الاسم، فبحثنا في كل الأقسام.")},
    )
    source = forms.ModelChoiceField(
        label=_("المصدر"),
        queryset=Source.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("كل المصادر"),
        error_messages={"invalid_choice": _("لا يوجد مصدر بهذا الاسم، فبحثنا في كل المصادر.")},
    )
    since = forms.DateField(
        label=_("من تاريخ"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("تاريخ البداية غير صحيح (مثال: 2018-12-01)، فلم نعتمده.")},
    )
    until = forms.DateField(
        label=_("إلى تاريخ"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("تاريخ النهاية غير صحيح (مثال: 2018-12-31)، فلم نعتمده.")},
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            del cleaned["since"], cleaned["until"]
            raise ValidationError(_("تاريخ البداية بعد تاريخ النهاية، فلم نعتمد التاريخين."))
        return cleaned

    def filters(self) -> dict:
        """The filters that validated, whatever else did not."""
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in ("section", "source", "since", "until") if data.get(name)}
