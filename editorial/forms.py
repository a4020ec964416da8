from django import forms
from django.utils.translation import gettext_lazy as _

# What <input type="datetime-local"> and <input type="date"> send, whatever the browser's
# language; read in the site's time zone, as the desk means Damascus time.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class RescheduleForm(forms.Form):
    when = forms.DateTimeField(
        label=_("موعد النشر الجديد"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


class ReplanForm(forms.Form):
    day = forms.DateField(
        label=_("اليوم المخطط الجديد"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
