from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Author

# Who stands behind a pseudonym or a desk is need-to-know: editors, who manage bylines, see and
# search the real name; staff who may only look authors up (writers picking a byline) do not,
# so that search cannot confirm a guess either.
SEES_REAL_NAME = "authors.change_author"


class AuthorAdminForm(forms.ModelForm):
    class Meta:
        model = Author
        fields = ["name", "slug", "kind", "bio", "photo", "real_name"]
        help_texts = {
            "kind": _(
                "اسم مستعار أو مكتب (مثل «مراسل في دير الزور») لمن قد يعرّضه اسمه للخطر. "
                "القرّاء يرون «الاسم» وحده، في كل صفحة."
            ),
        }


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    form = AuthorAdminForm
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "bio"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "bio", "photo"]}),
        (
            _("للفريق فقط"),
            {
                "fields": ["real_name"],
                "description": _(
                    "لا يظهر في أي صفحة يراها القرّاء، ولا في الخلاصات ولا في البيانات المنظّمة. "
                    "يبقى فارغاً حين يكون «الاسم» هو الاسم الحقيقي."
                ),
            },
        ),
    ]

    def sees_real_name(self, request) -> bool:
        return request.user.has_perm(SEES_REAL_NAME)

    def get_fieldsets(self, request, obj=None):
        if self.sees_real_name(request):
            return self.fieldsets
        return self.fieldsets[:1]

    def get_list_display(self, request):
        if self.sees_real_name(request):
            return [*self.list_display, "real_name"]
        return self.list_display

    def get_search_fields(self, request):
        if self.sees_real_name(request):
            return [*self.search_fields, "real_name"]
        return self.search_fields
