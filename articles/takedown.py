"""Taking a published article down, with a reason, for moderators; ArticleAdmin.get_urls routes it.

The move itself is the workflow's (article_transition, Action.TAKEDOWN): this page only asks
for the reason, which the history keeps.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from .workflow import RULES, Action, article_transition


class TakedownForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("سبب السحب"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=gettext_lazy("يُحفظ في سجل سير العمل ويراه المحررون. لا يراه القرّاء."),
    )


class TakedownView(FormView):
    template_name = "admin/articles/article/takedown.html"
    form_class = TakedownForm
    model_admin = None

    def dispatch(self, request, object_id):
        # The permission first, so a writer cannot probe which articles exist.
        if not request.user.has_perm(RULES[Action.TAKEDOWN].permission):
            raise PermissionDenied
        self.article = self.model_admin.get_object(request, unquote(object_id))
        if self.article is None:
            raise Http404
        return super().dispatch(request, object_id)

    def form_valid(self, form):
        article = self.article
        try:
            article_transition(
                article=article,
                user=self.request.user,
                action=Action.TAKEDOWN,
                note=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            # Not published (any more): someone else may have unpublished it meanwhile.
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("سُحب الخبر «%(title)s» وصار مسودة.") % {"title": article.title})
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def get_context_data(self, **kwargs):
        opts = self.model_admin.opts
        self.request.current_app = self.model_admin.admin_site.name
        return super().get_context_data(
            **self.model_admin.admin_site.each_context(self.request),
            title=_("سحب الخبر: %(title)s") % {"title": self.article},
            subtitle=None,
            opts=opts,
            module_name=str(opts.verbose_name_plural),
            object=self.article,
            can_take_down=self.article.status in RULES[Action.TAKEDOWN].sources,
            **kwargs,
        )
